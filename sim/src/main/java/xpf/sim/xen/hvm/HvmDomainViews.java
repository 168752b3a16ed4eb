package xpf.sim.xen.hvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import xpf.model.xen.FrozenSequencedMap;
import xpf.model.xen.FrozenSortedMap;
import xpf.model.xen.FrozenSortedSet;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.XenProfile;
import xpf.model.xen.HvmDomainView;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.shadow.ShadowL1e;

/**
 * The plain-data view of an HVM domain for the reference model ({@link HvmDomainView}): a field-by-field copy of the
 * domain's state, with no interpretation (docs/reference-model-hvm.md "The view").
 */
public final class HvmDomainViews {

    private HvmDomainViews() {
    }

    public static HvmDomainView of(HvmDomain d) {
        return of(d, d.view());
    }

    /** The same, from {@code v}: the domain's own {@link HvmDomain#view()} taken now (saves building it twice). */
    public static HvmDomainView of(HvmDomain d, HvmView v) {
        Outcome end = d.end();
        HvmDomainView.End e = end == null ? null : new HvmDomainView.End(end.outcomeClass(), end.fields());
        List<HvmDomainView.P2m> p2m = new ArrayList<>();
        for (P2mEntry pe : v.p2m()) {
            p2m.add(new HvmDomainView.P2m(pe.gfn(), pe.mfn(), pe.type().wireName(), pe.device()));
        }
        // Built frozen, so that the view's constructor shares them instead of copying them again.
        SortedMap<Long, SortedMap<Long, HvmDomainView.Shadow>> shadows = FrozenSortedMap.build(sh -> {
            for (Map.Entry<Long, SortedMap<Long, ShadowL1e>> top : v.shadows().entrySet()) {
                sh.put(top.getKey(), FrozenSortedMap.<Long, HvmDomainView.Shadow>build(m -> {
                    for (Map.Entry<Long, ShadowL1e> s : top.getValue().entrySet()) {
                        ShadowL1e l = s.getValue();
                        m.put(s.getKey(), new HvmDomainView.Shadow(l.vpn(), l.sl1e(), l.gfn(), l.mfn(), l.gl1e(),
                                l.fl1(), l.tableMfns()));
                    }
                }));
            }
        });
        SortedMap<Long, SortedSet<Integer>> pageTables = FrozenSortedMap.build(pts -> {
            for (Map.Entry<Long, Set<Integer>> pt : v.pageTables().entrySet()) {
                pts.put(pt.getKey(), FrozenSortedSet.copyOf(pt.getValue()));
            }
        });
        List<HvmDomainView.Device> devices = new ArrayList<>();
        for (HvmView.Device dv : v.devices()) {
            devices.add(new HvmDomainView.Device(dv.name(), dv.model(), dv.gfn(), dv.registers()));
        }
        List<HvmDomainView.Vcpu> vcpus = new ArrayList<>();
        for (int i = 0; i < v.vcpus().size(); i++) {
            HvmVcpu c = d.vcpu(i);
            List<Long> pdpte = new ArrayList<>();
            for (long p : c.pdpte) {
                pdpte.add(p);
            }
            java.util.SequencedMap<String, Long> xen = new java.util.LinkedHashMap<>(c.arch.xenState());
            if (d.shadow() != null) {
                xen.putAll(d.shadow().fastEmulationState(i));
            }
            vcpus.add(new HvmDomainView.Vcpu(i, c.mode, c.controls, c.cpl, c.rip, c.rsp, c.rflags, c.cs, c.ss, pdpte,
                    c.guestCr2, c.idt, FrozenSequencedMap.adopt(c.arch.fields()), FrozenSequencedMap.adopt(xen)));
        }
        XenProfile profile = d.xen().profile();
        assert profile == d.xen().machine().spec().xen();
        return new HvmDomainView(d.name(), d.xen().machine().spec(), d.alive(), d.kind(),
                d.hap() ? xpf.model.scenario.HvmPaging.HAP : xpf.model.scenario.HvmPaging.SHADOW, e,
                FrozenSortedMap.<String, Long>build(t -> t.putAll(d.params())), d.p2m().unshareFails() ? UNSHARE_FAILS : UNSHARE_OK,
                p2m, v.dirtyGfns(), d.machineMemory().snapshotWords(), shadows, pageTables, devices, vcpus);
    }

    private static final SortedMap<String, Long> UNSHARE_FAILS = FrozenSortedMap.copyOf(
            new TreeMap<>(Map.of("unshare_fails", 1L)));
    private static final SortedMap<String, Long> UNSHARE_OK = FrozenSortedMap.copyOf(
            new TreeMap<>(Map.of("unshare_fails", 0L)));
}
