package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;

/**
 * Seeded variations of corpus scenarios for the exploratory differential: the same machines and guests with other
 * profiles, architectures, paging, controls, leaf rights, access kinds, CPLs, sizes, addresses and knobs. A variant
 * the simulator refuses to build is skipped by the caller.
 */
final class Mutations {

    private static final long[] LEAF_BITS = {1L << 1, 1L << 2, 1L << 5, 1L << 6, 1L << 63};
    private static final EventSpec[] EVENTS = {
        new EventSpec(0x30, "ext_intr", null), new EventSpec(13, "hw_exc", 0), new EventSpec(14, "hw_exc", 2),
        new EventSpec(3, "hw_exc", null), new EventSpec(2, "nmi", null), new EventSpec(8, "hw_exc", 0),
        new EventSpec(3, "sw_exc", null), new EventSpec(0x80, "sw_int", null), new EventSpec(6, "hw_exc", null),
    };

    private Mutations() {
    }

    static Scenario mutate(Scenario s, Random r) {
        MachineSpec m = s.machine();
        if (r.nextInt(4) == 0) {
            m = new MachineSpec(m.vendor(), m.maxPhyAddr(), m.features(),
                    m.xen() == XenProfile.XEN_4_22 ? XenProfile.XEN_3_1 : XenProfile.XEN_4_22);
        }
        List<DomainSpec> domains = new ArrayList<>();
        for (DomainSpec d : s.domains()) {
            domains.add(mutateDomain(d, m, r));
        }
        List<Step> steps = new ArrayList<>();
        for (Step st : s.steps()) {
            steps.add(mutateStep(st, domains, r));
            if (r.nextInt(6) == 0) {
                steps.add(mutateStep(st, domains, r));
            }
        }
        return new Scenario(s.version(), s.name() + "~", s.description(), s.tags(), m, List.of(), domains, steps);
    }

    static DomainSpec mutateDomain(DomainSpec d, MachineSpec m, Random r) {
        DomainKind kind = d.kind();
        HvmPaging paging = d.paging();
        if (kind.hvm()) {
            if (r.nextInt(4) == 0) {
                kind = kind == DomainKind.HVM_SVM ? DomainKind.HVM_VMX : DomainKind.HVM_SVM;
            }
            if (r.nextInt(4) == 0 && m.xen() == XenProfile.XEN_4_22) {
                paging = paging == HvmPaging.HAP ? HvmPaging.SHADOW : HvmPaging.HAP;
            }
            if (m.xen() == XenProfile.XEN_3_1) {
                paging = HvmPaging.SHADOW;
            }
        }
        List<MappingSpec> maps = new ArrayList<>();
        for (MappingSpec ms : d.mappings()) {
            long flags = ms.leafFlags();
            if (r.nextInt(3) == 0) {
                flags ^= LEAF_BITS[r.nextInt(LEAF_BITS.length)];
            }
            maps.add(new MappingSpec(ms.va(), ms.frame(), ms.pageSize(), flags, ms.upperFlags(), ms.rootFrame(),
                    null));
        }
        List<VcpuSpec> vcpus = new ArrayList<>();
        for (VcpuSpec v : d.vcpus()) {
            Set<ControlFlag> c = v.controls().isEmpty() ? EnumSet.noneOf(ControlFlag.class)
                    : EnumSet.copyOf(v.controls());
            for (ControlFlag f : new ControlFlag[] {ControlFlag.WP, ControlFlag.NXE, ControlFlag.SMEP,
                ControlFlag.SMAP, ControlFlag.AC}) {
                if (r.nextInt(5) == 0) {
                    if (c.contains(f)) {
                        c.remove(f);
                    } else if (supported(f, m)) {
                        c.add(f);
                    }
                }
            }
            int cpl = r.nextInt(4) == 0 ? (v.cpl() == 3 ? 0 : 3) : v.cpl();
            vcpus.add(new VcpuSpec(v.mode(), v.cr3(), c, v.pkru(), v.pkrs(), kind == DomainKind.BARE ? cpl : cpl,
                    v.pvKernelMode(), v.userCr3(), v.rip(), v.rsp(), v.rflags(), v.kernelSp(), v.kernelSs(),
                    v.idt()));
        }
        return new DomainSpec(d.name(), kind, paging, d.hardwareDomain(), d.vmAssist(), d.frames(),
                d.spareFrames(), d.pageTables(), maps, d.memory(), vcpus, d.trapTable(), d.p2m(), d.devices(),
                d.params());
    }

    static boolean supported(ControlFlag f, MachineSpec m) {
        return switch (f) {
            case SMEP -> m.has(CpuFeature.SMEP);
            case SMAP -> m.has(CpuFeature.SMAP);
            case NXE -> m.has(CpuFeature.NX);
            default -> true;
        };
    }

    static Step mutateStep(Step st, List<DomainSpec> domains, Random r) {
        Operation op = st.op();
        boolean bare = domains.stream().anyMatch(d -> d.name().equals(st.domain()) && d.kind() == DomainKind.BARE);
        Knobs k = st.knobs();
        if (!bare && r.nextInt(3) == 0) {
            k = new Knobs(r.nextInt(6) == 0, r.nextInt(2) == 0 ? EVENTS[r.nextInt(EVENTS.length)] : null,
                    r.nextInt(12) == 0, false);
        }
        if (op instanceof GuestAccess a) {
            AccessKind kind = r.nextInt(3) == 0 ? AccessKind.values()[r.nextInt(3)] : a.kind();
            int size = kind == AccessKind.FETCH ? 1 : (r.nextInt(3) == 0 ? new int[] {1, 2, 4, 8}[r.nextInt(4)]
                    : Math.min(a.size(), 8));
            long va = a.va();
            switch (r.nextInt(8)) {
                case 0 -> va = (va & ~0xFFFL) | (0x1000 - size / 2 - (size == 1 ? 1 : 0));
                case 1 -> va = (va & ~0xFFFL) + 0x1000;
                case 2 -> va = va ^ 0x10000;
                default -> {
                }
            }
            Integer cpl = r.nextInt(4) == 0 ? Integer.valueOf(r.nextBoolean() ? 0 : 3) : a.cpl();
            boolean implicit = kind != AccessKind.FETCH && r.nextInt(10) == 0;
            Long value = kind == AccessKind.WRITE ? Long.valueOf(r.nextInt(0x100)) : null;
            Insn insn = kind == AccessKind.WRITE ? (r.nextInt(5) == 0 ? Insn.LOCK_OR : Insn.MOV) : Insn.LOAD;
            op = new GuestAccess(va, kind, size, value, cpl, implicit, false, insn, null);
        }
        return new Step(st.domain(), st.vcpu(), op, bare ? Knobs.NONE : k, null, st.note(), st.line());
    }
}
