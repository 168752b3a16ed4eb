'use strict';
/*
 * xpf report plugin: an overview widget and an "xpf" tab with the custom content of the run (see
 * xpf.reports.XpfContent and docs/reports.md): the Xen outcome mix per epic, the property suite's coverage
 * catalogue, the corpus's rule coverage, and the performance figures, with their trends.
 * Data: widgets/xpf.json (widget) and data/xpf.json (tab); works served over HTTP and in the single-file report.
 */
(function () {
    var OUTCOME_COLORS = {
        ok: '#9e9e9e', hypercall: '#bdbdbd', fixed: '#4caf50', emulated: '#26a69a', delivered: '#42a5f5',
        injected: '#5c6bc0', exception: '#ab47bc', double_fault: '#ffa726', triple_fault: '#ef6c00',
        domain_crash: '#e53935', panic: '#8e0000'
    };
    var STATUS_COLORS = {passed: '#97cc64', failed: '#fd5a3e', broken: '#ffd050', skipped: '#aaa', unknown: '#d35ebe'};

    function esc(s) {
        return String(s === undefined || s === null ? '' : s).replace(/&/g, '&amp;').replace(/</g, '&lt;')
            .replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    }

    function load(path) {
        if (window.reportData) {
            return new Promise(function (resolve, reject) {
                (function wait() {
                    if (window.reportDataReady === false) {
                        return setTimeout(wait, 30);
                    }
                    var v = window.reportData[path];
                    if (!v) {
                        return reject('not found: ' + path);
                    }
                    resolve(fetch('data:application/json;base64,' + v).then(function (r) { return r.json(); }));
                })();
            });
        }
        return fetch(path).then(function (r) { return r.json(); });
    }

    function fmt(n) {
        if (n >= 1e6) { return Number((n / 1e6).toPrecision(3)) + ' M'; }
        if (n >= 1e4) { return Number((n / 1e3).toPrecision(3)) + ' k'; }
        return String(Math.round(n * 100) / 100);
    }

    /* One stacked horizontal bar per epic: the share of each outcome class. */
    function mixChart(mix, width) {
        var epics = Object.keys(mix.byEpic || {});
        if (!epics.length) { return '<p class="xpf-empty">No scenario results in this run.</p>'; }
        var rowH = 22, labelW = 78, w = width - labelW - 10, h = epics.length * (rowH + 6) + 4;
        var svg = '<svg class="xpf-mix" width="' + width + '" height="' + h + '" role="img">';
        epics.forEach(function (epic, i) {
            var counts = mix.byEpic[epic], total = 0;
            mix.outcomes.forEach(function (o) { total += counts[o] || 0; });
            var x = labelW, y = i * (rowH + 6) + 2;
            svg += '<text x="0" y="' + (y + 15) + '" font-size="12">' + esc(epic) + '</text>';
            mix.outcomes.forEach(function (o) {
                var c = counts[o] || 0;
                if (!c) { return; }
                var bw = Math.max(2, w * c / total);
                svg += '<rect x="' + x + '" y="' + y + '" width="' + bw + '" height="' + rowH + '" fill="'
                    + (OUTCOME_COLORS[o] || '#777') + '"><title>' + esc(epic + ': ' + o + ' ' + c) + '</title></rect>';
                if (bw > 24) {
                    svg += '<text x="' + (x + 4) + '" y="' + (y + 15) + '" font-size="11" fill="#fff">' + c + '</text>';
                }
                x += bw;
            });
        });
        return svg + '</svg>' + legend(mix.outcomes);
    }

    function legend(outcomes) {
        return '<div class="xpf-legend">' + outcomes.map(function (o) {
            return '<span><i style="background:' + (OUTCOME_COLORS[o] || '#777') + '"></i>' + esc(o) + '</span>';
        }).join('') + '</div>';
    }

    function statusCells(counts) {
        return ['passed', 'failed', 'broken', 'skipped'].map(function (s) {
            var c = (counts || {})[s] || 0;
            return '<td class="xpf-num"' + (c && s !== 'passed' ? ' style="color:' + STATUS_COLORS[s] + ';font-weight:bold"' : '')
                + '>' + c + '</td>';
        }).join('');
    }

    function coverageSummary(cov) {
        if (!cov.paths) {
            return '<p class="xpf-empty">No coverage catalogue in this run (property suites write xpf-coverage-*.json).</p>';
        }
        var s = '<p><b>' + cov.met + ' / ' + cov.paths + '</b> catalogued paths reached their minimum rate';
        if (cov.unmet.length) {
            s += '; not reached: ' + cov.unmet.slice(0, 5).map(function (u) { return '<code>' + esc(u.label) + '</code>'; }).join(', ')
                + (cov.unmet.length > 5 ? ' …' : '');
        }
        return s + '</p>';
    }

    function rulesSummary(rules) {
        if (!rules.rules) { return '<p class="xpf-empty">No rule tags in this run.</p>'; }
        return '<p><b>' + rules.covered + ' / ' + rules.rules + '</b> rule tags have a scenario'
            + (rules.missing.length ? '; without: ' + rules.missing.slice(0, 6).map(function (r) { return '<code>' + esc(r) + '</code>'; }).join(', ')
                + (rules.missing.length > 6 ? ' …' : '') : '') + '</p>';
    }

    function benchBars(bench, width) {
        var figs = bench.figures || [];
        if (!figs.length) { return '<p class="xpf-empty">No performance figures (./xpf report --bench FILE).</p>'; }
        var max = 0;
        figs.forEach(function (f) { max = Math.max(max, Math.log10(Math.max(1, f.value))); });
        var labelW = 190, w = width - labelW - 70, rowH = 18, h = figs.length * (rowH + 5);
        var svg = '<svg class="xpf-bench" width="' + width + '" height="' + h + '">';
        figs.forEach(function (f, i) {
            var y = i * (rowH + 5), bw = max ? w * Math.log10(Math.max(1, f.value)) / max : 0;
            svg += '<text x="0" y="' + (y + 13) + '" font-size="11.5">' + esc(f.key) + '</text>'
                + '<rect x="' + labelW + '" y="' + y + '" width="' + bw + '" height="' + rowH + '" fill="#5c6bc0"></rect>'
                + '<text x="' + (labelW + bw + 5) + '" y="' + (y + 13) + '" font-size="11.5">' + fmt(f.value) + '</text>';
        });
        return svg + '</svg><p class="xpf-note">log scale; ' + (bench.cores ? bench.cores + ' cores, ' : '')
            + (bench.jdk ? 'Java ' + esc(bench.jdk) : '') + '</p>';
    }

    function mutationSummary(m, full) {
        if (!m || !m.mutants) { return '<p class="xpf-empty">No mutation score in this run (.ci/mutation).</p>'; }
        var s = '<p><b>' + m.score + ' %</b> of ' + m.mutants + ' mutants of the simulator detected'
            + (m.commit ? ' at ' + esc(m.commit) : '') + (m.partial ? ' <b>(partial run)</b>' : '') + '</p>';
        if (!full) { return s; }
        s += '<table class="xpf-table"><tr><th>package</th><th>mutants</th><th>detected</th><th>survived</th><th>no coverage</th><th>score</th></tr>';
        (m.packages || []).forEach(function (p) {
            s += '<tr><td><code>' + esc(p['package']) + '</code></td><td class="xpf-num">' + p.mutants + '</td><td class="xpf-num">'
                + p.detected + '</td><td class="xpf-num">' + p.survived + '</td><td class="xpf-num">' + p.noCoverage
                + '</td><td class="xpf-num">' + p.score + ' %</td></tr>';
        });
        return s + '</table>';
    }

    function trendTable(trend) {
        if (!trend || trend.length < 2) { return '<p class="xpf-note">Trend: first report (keep target/allure-report/history between runs).</p>'; }
        var keys = {};
        trend.forEach(function (t) { Object.keys(t.outcomes || {}).forEach(function (k) { keys[k] = 1; }); });
        var ks = Object.keys(keys);
        var s = '<table class="xpf-table"><tr><th>run</th>' + ks.map(function (k) { return '<th>' + esc(k) + '</th>'; }).join('') + '</tr>';
        trend.slice().reverse().forEach(function (t) {
            s += '<tr><td>#' + t.buildOrder + '</td>' + ks.map(function (k) { return '<td class="xpf-num">' + ((t.outcomes || {})[k] || 0) + '</td>'; }).join('') + '</tr>';
        });
        return s + '</table>';
    }

    class XpfWidget extends Backbone.Marionette.View {
        template(data) {
            var mix = data.outcomeMix || {byEpic: {}, outcomes: []};
            return '<h2 class="widget__title">xpf: Xen outcomes of ' + (mix.scenarios || 0) + ' scenario results</h2>'
                + '<div class="widget__body xpf-widget">'
                + mixChart(mix, 420)
                + '<h3>Coverage catalogue</h3>' + coverageSummary(data.coverage || {paths: 0, unmet: []})
                + '<h3>Rule coverage</h3>' + rulesSummary(data.rules || {rules: 0, missing: []})
                + '<h3>Performance</h3>' + benchBars(data.bench || {}, 420)
                + (data.mutation && data.mutation.mutants ? '<h3>Mutation score</h3>' + mutationSummary(data.mutation, false) : '')
                + '<p><a href="#xpf">Open the xpf tab</a> for the full tables.</p></div>';
        }
    }

    class XpfPage extends Backbone.Marionette.View {
        serializeData() {
            return this.getOption('data') || {};
        }

        template(d) {
            var mix = d.outcomeMix || {byEpic: {}, outcomes: [], statusByEpic: {}};
            var s = '<div class="pane__header"><h2 class="pane__title">xpf: outcome mix, coverage catalogue, rule coverage, performance</h2></div>'
                + '<div class="pane__section xpf-page">';
            s += '<h3>Outcome mix (Xen outcome class per path)</h3>' + mixChart(mix, 760);
            s += '<table class="xpf-table"><tr><th>epic</th><th>passed</th><th>failed</th><th>broken</th><th>skipped</th>'
                + mix.outcomes.map(function (o) { return '<th>' + esc(o) + '</th>'; }).join('') + '</tr>';
            Object.keys(mix.statusByEpic || {}).forEach(function (e) {
                var counts = mix.byEpic[e] || {};
                s += '<tr><td>' + esc(e) + '</td>' + statusCells(mix.statusByEpic[e])
                    + mix.outcomes.map(function (o) { return '<td class="xpf-num">' + (counts[o] || 0) + '</td>'; }).join('') + '</tr>';
            });
            s += '</table><h4>Trend</h4>' + trendTable(d.trend);

            var cov = d.coverage || {properties: [], paths: 0, unmet: []};
            s += '<h3>Coverage catalogue of the property suite</h3>' + coverageSummary(cov);
            cov.properties.forEach(function (p) {
                s += '<h4>' + esc(p.property) + ' <span class="xpf-note">' + p.tries + ' tries, ' + p.discarded + ' discarded</span></h4>';
                if (!(p.coverage || []).length) { return; }
                s += '<table class="xpf-table"><tr><th>path</th><th>category</th><th>count</th><th>rate</th><th>minimum</th><th></th></tr>';
                p.coverage.forEach(function (c) {
                    s += '<tr class="' + (c.met ? '' : 'xpf-bad') + '"><td><code>' + esc(c.label) + '</code></td><td>' + esc(c.category)
                        + '</td><td class="xpf-num">' + c.count + '</td><td class="xpf-num">' + (Math.round(c.percent * 100) / 100)
                        + ' %</td><td class="xpf-num">' + c.minPercent + ' %' + (c.minCount ? ', ' + c.minCount : '') + '</td><td>'
                        + (c.met ? '&#10003;' : 'NOT MET') + '</td></tr>';
                });
                s += '</table>';
            });

            var rules = d.rules || {rows: [], rules: 0, missing: []};
            s += '<h3>Rule coverage of the corpus</h3>' + rulesSummary(rules)
                + '<table class="xpf-table"><tr><th>rule</th><th>title</th><th>scenarios</th></tr>';
            rules.rows.forEach(function (r) {
                var names = (r.results || []).map(function (x) {
                    return '<span class="xpf-st" style="border-color:' + (STATUS_COLORS[x.status] || '#999') + '">' + esc(x.name) + '</span>';
                });
                (r.files || []).forEach(function (f) {
                    if (!(r.results || []).some(function (x) { return x.name === f; })) { names.push('<span class="xpf-st">' + esc(f) + '</span>'); }
                });
                s += '<tr class="' + (names.length ? '' : 'xpf-bad') + '"><td><code>' + esc(r.rule) + '</code></td><td>' + esc(r.title || '')
                    + '</td><td>' + (names.length ? names.join(' ') : 'no scenario') + '</td></tr>';
            });
            s += '</table>';
            s += '<h3>Performance</h3>' + benchBars(d.bench || {}, 760);
            s += '<h3>Mutation score</h3>' + mutationSummary(d.mutation, true);
            return s + '</div>';
        }
    }

    class XpfLayout extends allure.components.AppLayout {
        loadData() {
            var self = this;
            return load('data/xpf.json').then(function (d) { self.xpfData = d; });
        }

        getContentView() {
            return new XpfPage({data: this.xpfData});
        }
    }

    allure.api.addTranslation('en', {tab: {xpf: {name: 'xpf'}}, widget: {xpf: {name: 'xpf'}}});
    allure.api.addTab('xpf', {
        title: 'tab.xpf.name', icon: 'fa fa-sitemap', route: 'xpf',
        onEnter: function () { return new XpfLayout(); }
    });
    allure.api.addWidget('widgets', 'xpf', XpfWidget);
})();
