package xpf.conformance.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import xpf.conformance.allure.ResultsFolder;

/**
 * Rule coverage of the corpus: which scenario files carry each catalogued rule tag, and what is wrong with the
 * corpus and the catalogue together (a required rule without a scenario, a tag nobody defined, a waiver whose test
 * does not exist). {@code RuleCoverageTest} fails on the problems; it and {@code xpf conform}'s corpus part write
 * the table into the Allure results ({@code xpf-rules.json}, the report's xpf tab).
 */
public final class RuleCoverage {

    /** A corpus file as the coverage sees it: its name (relative to the corpus folder), tags and Xen profile. */
    public record TaggedFile(String name, List<String> tags, String profile) {
        public TaggedFile {
            tags = List.copyOf(tags);
        }
    }

    /**
     * Every corpus file's tags and profile (the files as {@link xpf.conformance.corpus.Corpus#files} finds them,
     * named relative to {@code corpusDir}). A file that does not load is left out and its error put in
     * {@code errors} (the corpus test reports it as broken).
     */
    public static List<TaggedFile> scan(Path corpusDir, List<String> errors) {
        List<TaggedFile> out = new ArrayList<>();
        for (Path p : xpf.conformance.corpus.Corpus.files(corpusDir)) {
            try {
                xpf.model.scenario.Scenario s = xpf.sim.scenario.load.ScenarioLoader.load(p).scenario();
                out.add(new TaggedFile(corpusDir.relativize(p).toString().replace('\\', '/'), s.tags(),
                        s.machine().xen().wireName()));
            } catch (xpf.sim.scenario.load.ScenarioLoadException e) {
                errors.add(e.getMessage());
            }
        }
        return out;
    }

    private final RuleCatalogue catalogue;
    private final List<TaggedFile> files;
    private final Map<String, List<String>> byRule = new LinkedHashMap<>();
    private final Map<String, List<String>> unknown = new TreeMap<>();

    public RuleCoverage(RuleCatalogue catalogue, List<TaggedFile> files) {
        this.catalogue = catalogue;
        this.files = List.copyOf(files);
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            byRule.put(r.id(), new ArrayList<>());
        }
        for (TaggedFile f : files) {
            for (String t : new LinkedHashSet<>(f.tags())) {
                if (byRule.containsKey(t)) {
                    byRule.get(t).add(f.name());
                } else if (!catalogue.genericTags().containsKey(t)) {
                    unknown.computeIfAbsent(t, k -> new ArrayList<>()).add(f.name());
                }
            }
        }
    }

    public RuleCatalogue catalogue() {
        return catalogue;
    }

    /** rule id → the files that carry its tag, in corpus order (every catalogued rule, possibly empty). */
    public Map<String, List<String>> scenariosByRule() {
        return byRule;
    }

    /** tag → files, for tags that are neither a catalogued rule nor a generic tag. */
    public Map<String, List<String>> unknownTags() {
        return unknown;
    }

    /** Required rules with no scenario, or none for one of their profiles: "id: what is missing". */
    public List<String> missingRequired() {
        Map<String, String> profileOf = new LinkedHashMap<>();
        files.forEach(f -> profileOf.put(f.name(), f.profile()));
        List<String> out = new ArrayList<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            if (r.status() != RuleCatalogue.Status.REQUIRED) {
                continue;
            }
            List<String> s = byRule.get(r.id());
            if (s.isEmpty()) {
                out.add(r.id() + ": no scenario (" + r.title() + "; " + r.source() + ")");
                continue;
            }
            for (String p : r.profiles()) {
                if (s.stream().noneMatch(f -> p.equals(profileOf.get(f)))) {
                    out.add(r.id() + ": no " + p + " scenario (has " + s + ")");
                }
            }
        }
        return out;
    }

    /** Generic tags whose meaning the files contradict (today: {@code xen-3.1} on a file of another profile). */
    public List<String> genericTagProblems() {
        List<String> out = new ArrayList<>();
        for (TaggedFile f : files) {
            boolean tagged = f.tags().contains("xen-3.1");
            boolean runs = "xen-3.1".equals(f.profile());
            if (tagged != runs) {
                out.add(f.name() + (tagged ? ": tagged xen-3.1 but runs " + f.profile()
                        : ": runs xen-3.1 but lacks the xen-3.1 tag"));
            }
        }
        return out;
    }

    private static final Pattern TEST_REF = Pattern.compile("([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)\\.([A-Z]\\w*)#(\\w+)");
    private static final List<String> MODULES = List.of("sim", "conformance", "properties", "reports");

    /**
     * Waivers whose tests cannot be found: each {@code Class#method} must be a method of a test class in some
     * module's {@code src/test/java} (found by its source: the class file, a method of that name, a JUnit test
     * annotation in the file).
     */
    public List<String> missingWaiverTests(Path repoRoot) {
        List<String> out = new ArrayList<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            for (String t : r.tests()) {
                String problem = checkTest(repoRoot, t);
                if (problem != null) {
                    out.add(r.id() + ": " + problem);
                }
            }
        }
        return out;
    }

    static String checkTest(Path root, String ref) {
        var m = TEST_REF.matcher(ref);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + ref + "' is not fully.qualified.Class#method");
        }
        String rel = m.group(1).replace('.', '/') + "/" + m.group(2) + ".java";
        for (String module : MODULES) {
            Path src = root.resolve(module).resolve("src/test/java").resolve(rel);
            if (Files.isRegularFile(src)) {
                String text;
                try {
                    text = Files.readString(src);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!Pattern.compile("void\\s+" + Pattern.quote(m.group(3)) + "\\s*\\(").matcher(text).find()) {
                    return "test " + ref + ": " + module + "/src/test/java/" + rel + " has no method " + m.group(3);
                }
                if (!Pattern.compile("@(Test|TestFactory|ParameterizedTest|PropertyTest)\\b").matcher(text).find()) {
                    return "test " + ref + ": " + rel + " is not a JUnit test class";
                }
                return null;
            }
        }
        return "test " + ref + ": no test class " + rel + " in " + MODULES;
    }

    /** Every problem, for one failure message. */
    public List<String> problems(Path repoRoot) {
        List<String> out = new ArrayList<>();
        missingRequired().forEach(s -> out.add("required rule without a scenario: " + s));
        unknown.forEach((t, f) -> out.add("tag '" + t + "' is neither a rule of " + RuleCatalogue.FILE
                + " nor a generic tag " + catalogue.genericTags().keySet() + " (in " + f + ")"));
        genericTagProblems().forEach(s -> out.add("generic tag: " + s));
        missingWaiverTests(repoRoot).forEach(s -> out.add("waiver: " + s));
        return out;
    }

    /**
     * Writes {@code xpf-rules.json} into an Allure results folder: every required and waived rule, and each section
     * tag that scenarios carry, with its title and files. A waived rule's title starts with "waived:" and names the
     * tests that cover it (listed under scenarios too, as "test ...", so the report does not show it as uncovered).
     * Tags the catalogue does not know are listed with their files, untitled.
     */
    public Path writeAllure(Path results) {
        Map<String, String> titles = new LinkedHashMap<>();
        Map<String, List<String>> scenarios = new LinkedHashMap<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            List<String> s = new ArrayList<>(byRule.get(r.id()));
            if (r.status() == RuleCatalogue.Status.SECTION && s.isEmpty()) {
                continue;
            }
            String title = r.title() + " (" + r.source() + ")";
            if (r.status() == RuleCatalogue.Status.WAIVED) {
                title = "waived: " + title + "; " + r.reason();
                r.tests().forEach(t -> s.add("test " + t));
            } else if (r.status() == RuleCatalogue.Status.SECTION) {
                title = "section: " + title;
            }
            titles.put(r.id(), title);
            scenarios.put(r.id(), s);
        }
        scenarios.putAll(unknown);
        return ResultsFolder.writeRuleCoverage(results, titles, scenarios);
    }

    /** Per family (x86 §1.1c, PV §2.7, ...): required rules, covered ones, waived ones, scenario files. */
    public Map<String, int[]> familyCounts() {
        Map<String, int[]> out = new LinkedHashMap<>();
        Map<String, Set<String>> filesPerFamily = new LinkedHashMap<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            if (r.status() == RuleCatalogue.Status.SECTION) {
                continue;
            }
            int[] c = out.computeIfAbsent(r.family(), k -> new int[4]);
            Set<String> fs = filesPerFamily.computeIfAbsent(r.family(), k -> new LinkedHashSet<>());
            if (r.status() == RuleCatalogue.Status.REQUIRED) {
                c[0]++;
                if (!byRule.get(r.id()).isEmpty()) {
                    c[1]++;
                }
            } else {
                c[2]++;
            }
            fs.addAll(byRule.get(r.id()));
            c[3] = fs.size();
        }
        return out;
    }

    /** The human-readable table of docs/rule-coverage.md (deterministic: catalogue order, corpus order). */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        int req = 0;
        int cov = 0;
        int waived = 0;
        for (int[] c : familyCounts().values()) {
            req += c[0];
            cov += c[1];
            waived += c[2];
        }
        sb.append("Corpus: ").append(files.size()).append(" scenario files. Rules: ").append(req)
                .append(" required (").append(cov).append(" with a scenario), ").append(waived).append(" waived.\n\n");
        sb.append("| Family | Required | With a scenario | Waived | Scenario files |\n|---|---|---|---|---|\n");
        familyCounts().forEach((f, c) -> sb.append("| ").append(f).append(" | ").append(c[0]).append(" | ")
                .append(c[1]).append(" | ").append(c[2]).append(" | ").append(c[3]).append(" |\n"));
        String family = null;
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            if (r.status() == RuleCatalogue.Status.SECTION) {
                continue;
            }
            if (!r.family().equals(family)) {
                family = r.family();
                sb.append("\n### ").append(family).append("\n\n| Rule | Status | Title | Scenarios |\n|---|---|---|---|\n");
            }
            List<String> s = byRule.get(r.id());
            String status = switch (r.status()) {
                case REQUIRED -> s.isEmpty() ? "**missing**" : "required" + (r.profiles().isEmpty() ? ""
                        : " (" + String.join(", ", r.profiles()) + ")");
                case WAIVED -> "waived";
                case SECTION -> "section";
            };
            String cell = s.stream().map(x -> "`" + x + "`").reduce((a, b) -> a + ", " + b).orElse("");
            if (r.status() == RuleCatalogue.Status.WAIVED) {
                cell = (cell.isEmpty() ? "" : cell + "; ") + "tests: " + r.tests().stream()
                        .map(t -> "`" + t.substring(t.lastIndexOf('.', t.indexOf('#')) + 1) + "`")
                        .reduce((a, b) -> a + ", " + b).orElse("") + ". " + r.reason();
            }
            sb.append("| `").append(r.id()).append("` | ").append(status).append(" | ")
                    .append(r.title().replace("|", "\\|")).append(" | ").append(cell.replace("|", "\\|"))
                    .append(" |\n");
        }
        List<String> sections = new ArrayList<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            if (r.status() == RuleCatalogue.Status.SECTION && !byRule.get(r.id()).isEmpty()) {
                sections.add("`" + r.id() + "` (" + byRule.get(r.id()).size() + ")");
            }
        }
        sb.append("\n### Section tags in use (files)\n\n").append(String.join(", ", sections)).append("\n");
        return sb.toString();
    }
}
