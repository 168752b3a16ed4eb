package xpf.sim.xen.hvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
        SortedMap<Long, SortedMap<Long, HvmDomainView.Shadow>> shadows = new TreeMap<>();
        for (Map.Entry<Long, SortedMap<Long, ShadowL1e>> top : v.shadows().entrySet()) {
            SortedMap<Long, HvmDomainView.Shadow> m = new TreeMap<>();
            for (Map.Entry<Long, ShadowL1e> s : top.getValue().entrySet()) {
                ShadowL1e l = s.getValue();
                m.put(s.getKey(), new HvmDomainView.Shadow(l.vpn(), l.sl1e(), l.gfn(), l.mfn(), l.gl1e(), l.fl1(),
                        l.tableMfns()));
            }
            shadows.put(top.getKey(), m);
        }
        SortedMap<Long, SortedSet<Integer>> pageTables = new TreeMap<>();
        for (Map.Entry<Long, Set<Integer>> pt : v.pageTables().entrySet()) {
            pageTables.put(pt.getKey(), new TreeSet<>(pt.getValue()));
        }
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
                    c.guestCr2, c.idt, c.arch.fields(), xen));
        }
        XenProfile profile = d.xen().profile();
        assert profile == d.xen().machine().spec().xen();
        return new HvmDomainView(d.name(), d.xen().machine().spec(), d.alive(), d.kind(),
                d.hap() ? xpf.model.scenario.HvmPaging.HAP : xpf.model.scenario.HvmPaging.SHADOW, e,
                new TreeMap<>(d.params()), new TreeMap<>(java.util.Map.of("unshare_fails",
                        d.p2m().unshareFails() ? 1L : 0L)), p2m, v.dirtyGfns(), d.machineMemory().snapshotWords(), shadows, pageTables,
                devices, vcpus);
    }
}
