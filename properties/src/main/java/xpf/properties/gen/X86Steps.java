package xpf.properties.gen;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.properties.gen.DomainPlan.Slot;
import xpf.properties.gen.DomainPlan.Target;

/**
 * Steps for bare and HVM domains: accesses of every kind to the plan's targets, the guest rewriting its own entries
 * through an alias mapping (an HVM guest's write to a shadowed table), entries changing behind the guest's back,
 * CR0/CR3/CR4/EFER writes, INVLPG; each change followed (or, under the {@code no_flush} knob, not) by the flush it
 * needs; HVM steps carry the try's Xen knobs.
 */
public final class X86Steps {

    private X86Steps() {
    }

    /** One group of steps: an operation, and the flush after it when it changed an entry. */
    public static List<Step> group(Draw d, MachineSpec m, List<DomainPlan> plans, FaultProfile prof) {
        DomainPlan plan = plans.get(plans.size() == 1 ? 0 : d.range(0, plans.size() - 1));
        DomainSpec spec = plan.spec();
        int vcpu = spec.vcpus().size() == 1 ? 0 : d.range(0, spec.vcpus().size() - 1);
        VcpuSpec v = spec.vcpus().get(vcpu);
        PagingMode mode = v.mode();
        boolean hvm = spec.kind().hvm();
        int kind = d.weighted(w(prof, "access"), w(prof, "pte_write"), w(prof, "host_write"), w(prof, "cr_write"),
                w(prof, "invlpg"));
        List<Step> out = new ArrayList<>();
        Slot changed = null;
        Operation op;
        switch (kind) {
            case 1 -> {
                Slot s = aliasedSlot(d, plan);
                if (s == null || mode == null) {
                    op = access(d, m, plan, v, hvm);
                } else {
                    op = pteWrite(d, m, plan, v, s, hvm);
                    changed = s;
                }
            }
            case 2 -> {
                if (plan.slots().isEmpty() || mode == null || d.p(0.15)) {
                    long frame = d.pick(plan.dataFrames());
                    op = new HostWrite((frame << 12) + 8L * d.range(0, 511), 8, d.rangeL(0, Long.MAX_VALUE));
                } else {
                    Slot s = d.pick(plan.slots());
                    int width = mode.entryBytes();
                    op = new HostWrite((s.table() << 12) + (long) s.index() * width, width,
                            entry(d, m, plan, mode, s.depth(), nxe(v)));
                    changed = s;
                }
            }
            case 3 -> op = crWrite(d, m, plan, v, hvm);
            case 4 -> op = new Invlpg(d.p(0.7) || plan.slots().isEmpty() ? d.pick(plan.targets()).va()
                    : d.pick(plan.slots()).mapsVa());
            default -> op = access(d, m, plan, v, hvm);
        }
        // Xen's knobs act on a fault's handling: they go with accesses (on a control-register write the reference
        // does not model them, and Xen takes no fault there).
        boolean knobbed = hvm && op instanceof GuestAccess;
        out.add(new Step(spec.name(), vcpu, op, knobbed ? knobs(d, prof) : Knobs.NONE, null, null, 0));
        if (changed != null && !d.p(prof.p("no_flush"))) {
            Operation flush = d.p(0.6) ? new Invlpg(changed.mapsVa())
                    : new ControlWrite(v.cr3(), Set.of(), Set.of(), null, null);
            out.add(new Step(spec.name(), vcpu, flush, Knobs.NONE, null, null, 0));
        }
        return out;
    }

    static int w(FaultProfile prof, String knob) {
        return (int) Math.round(prof.p(knob) * 10);
    }

    static boolean nxe(VcpuSpec v) {
        return v.controls().contains(ControlFlag.NXE);
    }

    static Slot aliasedSlot(Draw d, DomainPlan plan) {
        List<Slot> aliased = new ArrayList<>();
        for (Slot s : plan.slots()) {
            if (s.aliasVa() >= 0) {
                aliased.add(s);
            }
        }
        return aliased.isEmpty() ? null : d.pick(aliased);
    }

    /** A guest access: kind, size, instruction form, privilege, to a target (or anywhere, rarely). */
    static GuestAccess access(Draw d, MachineSpec m, DomainPlan plan, VcpuSpec v, boolean hvm) {
        long base = d.p(0.04) ? d.rangeL(0, 0xffffff) & ~0xfffL : d.pick(plan.targets()).va();
        AccessKind kind = AccessKind.values()[d.weighted(5, 4, 2)];   // READ, WRITE, FETCH
        int size;
        Insn insn;
        switch (kind) {
            case WRITE -> {
                insn = hvm ? d.pick(Insn.MOV, Insn.MOV, Insn.MOV, Insn.MOV, Insn.MOV, Insn.MOV, Insn.CMPXCHG,
                        Insn.XCHG, Insn.LOCK_OR, Insn.MOVDQU) : d.pick(Insn.MOV, Insn.MOV, Insn.MOV, Insn.CMPXCHG);
                size = insn == Insn.MOVDQU ? 16 : d.pick(8, 8, 4, 2, 1);
            }
            case READ -> {
                insn = hvm && d.p(0.03) ? Insn.MOVDQU : Insn.LOAD;
                size = insn == Insn.MOVDQU ? 16 : d.pick(8, 8, 4, 2, 1);
            }
            default -> {
                insn = Insn.LOAD;
                size = 1;
            }
        }
        long off = d.p(0.5) ? 0 : (long) d.range(0, 4095) & ~(Math.min(size, 8) - 1L);
        long va = base + off;
        if (v.mode() != null && v.mode() != PagingMode.LONG4 && v.mode() != PagingMode.LONG5) {
            va &= 0xffffffffL;
        }
        Long value = kind == AccessKind.WRITE ? mask(d.rangeL(0, Long.MAX_VALUE) ^ (d.p(0.5) ? Long.MIN_VALUE : 0),
                Math.min(size, 8)) : null;
        Long compare = insn == Insn.CMPXCHG ? (d.p(0.5) ? 0L : mask(d.rangeL(0, 0xffff), size)) : null;
        Integer cpl = d.p(0.15) ? d.pick(0, 3) : null;
        boolean implicit = d.p(0.03);
        boolean stack = d.p(0.03);
        return new GuestAccess(va, kind, size, value, cpl, implicit, stack, insn, compare);
    }

    static long mask(long v, int size) {
        return size >= 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    /** The guest writes a new value into one of its entries through the alias mapping of the table. */
    static GuestAccess pteWrite(Draw d, MachineSpec m, DomainPlan plan, VcpuSpec v, Slot s, boolean hvm) {
        int width = v.mode().entryBytes();
        long value = entry(d, m, plan, v.mode(), s.depth(), nxe(v));
        int size = width;
        boolean half = false;
        if (width == 8 && d.p(0.1)) {
            size = 4;
            value &= 0xffffffffL;
            half = true;
        }
        Insn insn = d.pick(Insn.MOV, Insn.MOV, Insn.MOV, Insn.MOV, Insn.CMPXCHG, Insn.XCHG);
        Long compare = insn == Insn.CMPXCHG ? 0L : null;
        Integer cpl = d.p(0.4) ? 0 : null;
        long va = s.aliasVa();
        if (hvm && half && ((value >>> 12) & 1) != 0) {
            // Half of the 4-byte writes (by the new entry's frame parity: no extra draw, so the choice sequence of
            // every try stays as it was) go to the last 4 bytes of the table's page and the first 4 of the next
            // (the next alias, read-only or writable, or nothing after the last one): Xen emulates the write to the
            // shadowed table, and the emulator's own access to the second page may fault (#PF injected from
            // x86_emulate, hvm.3 E7).
            va = (va & ~0xFFFL) | 0xFFC;
            size = 8;
            insn = Insn.MOV;
            compare = null;
        }
        return new GuestAccess(va, AccessKind.WRITE, size, value, cpl, false, false, insn, compare);
    }

    /**
     * A new page-table entry for depth {@code depth}: a frame (data, table, foreign/unowned/special, or a superpage
     * base) with drawn flags, sometimes PS or reserved bits; PAE PDPTEs stay P-only (their reserved bits make the
     * CR3 load fail).
     */
    static long entry(Draw d, MachineSpec m, DomainPlan plan, PagingMode mode, int depth, boolean nxe) {
        int which = d.weighted(6, 3, 2);
        long frame = switch (which) {
            case 1 -> plan.otherFrames().isEmpty() ? d.pick(plan.dataFrames()) : d.pick(plan.otherFrames());
            case 2 -> plan.roots().isEmpty() ? d.pick(plan.dataFrames()) : d.pick(plan.roots());
            default -> d.pick(plan.dataFrames());
        };
        long e = frame << 12;
        if (mode == PagingMode.PAE && depth == 0) {
            return e | (d.p(0.9) ? Geometry.P : 0);
        }
        if (d.p(0.85)) {
            e |= Geometry.P;
        }
        if (d.p(0.6)) {
            e |= Geometry.RW;
        }
        if (d.p(0.65)) {
            e |= Geometry.US;
        }
        if (d.p(0.6)) {
            e |= Geometry.A;
        }
        if (d.p(0.5)) {
            e |= Geometry.D;
        }
        if (d.p(0.05)) {
            e |= Geometry.G;
        }
        boolean leafLevel = depth == Geometry.levels(mode) - 1;
        if (!leafLevel && d.p(Geometry.largeLeafAllowed(mode, depth, true) ? 0.15 : 0.04)) {
            e |= Geometry.PS;
        }
        if (mode != PagingMode.LEGACY2) {
            if (d.p(nxe ? 0.15 : 0.04)) {
                e |= Geometry.NX;
            }
            if (m.maxPhyAddr() < 52 && d.p(0.04)) {
                e |= 1L << (m.maxPhyAddr() + d.range(0, 51 - m.maxPhyAddr()));
            }
        }
        if (mode == PagingMode.LEGACY2) {
            e &= 0xffffffffL;
        }
        return e;
    }

    static ControlWrite crWrite(Draw d, MachineSpec m, DomainPlan plan, VcpuSpec v, boolean hvm) {
        // A vCPU with paging off only changes control flags (turning paging on is not a step of the format).
        int what = v.mode() == null ? 2 : d.weighted(3, 3, 4, 1, 1);
        Long cr3 = null;
        Set<ControlFlag> set = EnumSet.noneOf(ControlFlag.class);
        Set<ControlFlag> clear = EnumSet.noneOf(ControlFlag.class);
        PagingMode mode = null;
        Integer pkru = null;
        switch (what) {
            case 1 -> cr3 = plan.roots().isEmpty() ? v.cr3() : d.pick(plan.roots()) << 12;
            case 2 -> {
                ControlFlag[] flags = {ControlFlag.WP, ControlFlag.NXE, ControlFlag.SMEP, ControlFlag.SMAP,
                    ControlFlag.PSE, ControlFlag.PGE, ControlFlag.AC, ControlFlag.PKE};
                int n = d.range(1, 2);
                for (int i = 0; i < n; i++) {
                    ControlFlag f = d.pick(flags);
                    if (set.contains(f) || clear.contains(f)) {
                        continue;
                    }
                    if (d.p(0.5)) {
                        set.add(f);
                    } else {
                        clear.add(f);
                    }
                }
                if (set.isEmpty() && clear.isEmpty()) {
                    clear.add(ControlFlag.WP);
                }
            }
            case 3 -> mode = d.pick(PagingMode.LONG4, PagingMode.PAE, PagingMode.LEGACY2, PagingMode.LONG5);
            case 4 -> pkru = d.pick(0, 0x55555554, 0xc, (int) d.rangeL(0, 0xffffffffL));
            default -> cr3 = v.cr3();   // a reload: flushes non-global translations
        }
        if (cr3 == null && set.isEmpty() && clear.isEmpty() && mode == null && pkru == null) {
            cr3 = v.cr3();
        }
        return new ControlWrite(cr3, set, clear, mode, pkru);
    }

    /** The Xen knobs of one HVM step, each a coin with the try's probability. */
    static Knobs knobs(Draw d, FaultProfile prof) {
        boolean emul = d.p(prof.p("emulator_fails") * 0.5);
        boolean oom = d.p(prof.p("shadow_oom") * 0.15);
        EventSpec ev = d.p(prof.p("pending_event") * 0.5) ? pendingEvent(d) : null;
        return emul || oom || ev != null ? new Knobs(emul, ev, oom, false) : Knobs.NONE;
    }

    /** An event in flight at the exit: an external interrupt, an exception (with its error code), NMI, software. */
    static EventSpec pendingEvent(Draw d) {
        return switch (d.weighted(3, 5, 1, 1, 1, 1)) {
            case 1 -> {
                int vec = d.pick(14, 13, 8, 6, 0, 11, 17);
                boolean ec = vec == 14 || vec == 13 || vec == 8 || vec == 11 || vec == 17;
                yield new EventSpec(vec, "hw_exc", ec ? (vec == 14 ? d.range(0, 7) : vec == 8 ? 0
                        : d.pick(0, 0x18)) : null);
            }
            case 2 -> new EventSpec(2, "nmi", null);
            case 3 -> new EventSpec(0x80, "sw_int", null);
            case 4 -> new EventSpec(3, "sw_exc", null);
            case 5 -> new EventSpec(1, "priv_sw_exc", null);
            default -> new EventSpec(d.range(0x20, 0xff), "ext_intr", null);
        };
    }

    /** The targets of a plan as linear addresses (for the statistics of what a try aimed at). */
    public static List<String> tags(DomainPlan plan) {
        return plan.targets().stream().map(Target::tag).distinct().toList();
    }
}
