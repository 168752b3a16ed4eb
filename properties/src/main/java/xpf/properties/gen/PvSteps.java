package xpf.properties.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.x86.AccessKind;
import xpf.properties.gen.DomainPlan.Slot;

/**
 * Steps for PV domains, every way a PV guest changes its page tables and takes faults: accesses of every kind and
 * instruction form (to its data, its read-only table aliases, the stack, the LDT area, Xen's range, non-canonical
 * addresses), direct writes to its own tables through the read-only aliases (ptwr), {@code mmu_update} (normal,
 * wrong foreign domain, bad command), {@code update_va_mapping} with its flush flags, {@code mmuext_op} (pin/unpin at
 * every level, new (user) base pointer, set_ldt, INVLPG/TLB flush), {@code set_trap_table}, {@code iret},
 * {@code vm_assist}, CR3 writes, INVLPG, and entries changing behind the guest's back. Entry values mix the domain's
 * own data frames, its tables, foreign, I/O and unowned frames with drawn flags (reserved bits, PSE, NX). Steps carry
 * the try's Xen knobs (emulator failure, events pending).
 */
public final class PvSteps {

    /** Share of a kernel's step groups that build a chain of linear page tables ({@link #linearChain}). */
    static final double LINEAR_CHAIN_P = 0.05;
    /** Share of a 64-bit kernel's step groups that switch L3[0] inside a multicall ({@link #staleLinear}). */
    static final double STALE_LINEAR_P = 0.05;
    /** The entry of the containing table the linear patterns use (free in every generated table). */
    static final int LINEAR_SLOT = 5;

    private PvSteps() {
    }

    /**
     * A chain of linear (same-level) page tables, PV §4.4 and XSA-240: the spare frames lin0 and lin1 are pinned as
     * tables of one level (64-bit: L2, L3 or L4; 32-bit: L2, the only level with the linear rule), then two
     * read-only same-level entries link the guest's own table of that level to lin0 and lin0 to lin1 (in either
     * order, in one batch or two). 4.22 counts linear uses ({@code linear_pt_count}): a table that is the target of
     * a linear entry may not contain one and vice versa, so the second link is refused (-EINVAL); 3.1 has no depth
     * limit. Sometimes an entry is writable (always refused), sometimes RW or PSE is added to the first link afterwards (the
     * fast path of {@code mod_l2_entry}..{@code mod_l4_entry} must not let it through: XSA-182, XSA-148), and sometimes the
     * chain is undone again (the put side of the counts).
     */
    static List<Step> linearChain(Draw d, DomainPlan plan, boolean pv32) {
        DomainSpec spec = plan.spec();
        String name = spec.name();
        int level = pv32 ? 2 : d.pick(2, 3, 4);
        long own = spec.frames().get(switch (level) {
            case 4 -> "l4";
            case 3 -> "l3";
            default -> "l2";
        });
        long lin0 = spec.frames().get(PvDomains.LIN0);
        long lin1 = spec.frames().get(PvDomains.LIN1);
        int pin = level - 1;   // MMUEXT_PIN_L<level>_TABLE
        List<Step> out = new ArrayList<>();
        out.add(hypercallStep(name, new HypercallOp.MmuextOp(List.of(new HypercallOp.MmuextOp.Request(pin, lin0, 0),
                new HypercallOp.MmuextOp.Request(pin, lin1, 0)), 0x7ff0)));
        long flags = PvDomains.P | PvDomains.A | (d.p(0.7) ? PvDomains.US : 0) | (d.p(0.08) ? PvDomains.RW : 0);
        HypercallOp.MmuUpdate.Request first = new HypercallOp.MmuUpdate.Request((own << 12) + 8L * LINEAR_SLOT,
                (lin0 << 12) | flags);
        HypercallOp.MmuUpdate.Request second = new HypercallOp.MmuUpdate.Request((lin0 << 12) + 8L * LINEAR_SLOT,
                (lin1 << 12) | flags);
        List<HypercallOp.MmuUpdate.Request> order = d.p(0.7) ? List.of(first, second) : List.of(second, first);
        if (d.p(0.4)) {
            out.add(hypercallStep(name, new HypercallOp.MmuUpdate(order, 0x7ff0)));
        } else {
            out.add(hypercallStep(name, new HypercallOp.MmuUpdate(List.of(order.get(0)), 0x7ff0)));
            out.add(hypercallStep(name, new HypercallOp.MmuUpdate(List.of(order.get(1)), 0x7ff0)));
        }
        if (d.p(0.35)) {
            // RW (or PSE) added to the first linear entry, frame and P unchanged: Xen's fast path must still refuse
            // a writable linear entry (XSA-182: the pre-fix comparison let RW through) and PSE in an L2 entry
            // (XSA-148)
            out.add(hypercallStep(name, new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(
                    first.ptr(), first.val() | d.pick(PvDomains.RW, PvDomains.RW, PvDomains.PS))), 0x7ff0)));
        }
        if (d.p(0.3)) {
            // undo: clear the links, then unpin (MMUEXT_UNPIN_TABLE)
            out.add(hypercallStep(name, new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(
                    first.ptr(), 0), new HypercallOp.MmuUpdate.Request(second.ptr(), 0)), 0x7ff0)));
            out.add(hypercallStep(name, new HypercallOp.MmuextOp(List.of(new HypercallOp.MmuextOp.Request(4, lin1,
                    0), new HypercallOp.MmuextOp.Request(4, lin0, 0)), 0x7ff0)));
        }
        return out;
    }

    /**
     * Xen's linear mapping used after an L3 change in the same batch, PV §4.7 and XSA-286 (the corpus's
     * xsa-286.yaml made random): one multicall caches the linear L2-entry mapping of the low 1 GiB (an
     * update_va_mapping there), moves L3[0] from the domain's L2 to the spare hierarchy l2b -> l1c, and updates
     * 0x9000 again by update_va_mapping, which must find l1c (4.22 flushes after an L2+ change; 3.1 and the seeded
     * XSA-286 do not, and the stale mapping leads to the old L1). Sometimes the old L2 is pinned first (it stays a
     * validated table, and the stale update lands in the old L1); then the guest reads 0x9000.
     */
    static List<Step> staleLinear(Draw d, DomainPlan plan) {
        DomainSpec spec = plan.spec();
        String name = spec.name();
        long l2 = spec.frames().get("l2");
        long l3 = spec.frames().get("l3");
        long l2b = spec.frames().get(PvDomains.L2B);
        List<Long> data = plan.dataFrames();
        List<Step> out = new ArrayList<>();
        if (d.p(0.6)) {
            out.add(hypercallStep(name, new HypercallOp.MmuextOp(List.of(new HypercallOp.MmuextOp.Request(1, l2,
                    0)), 0x7ff0)));
        }
        List<HypercallOp> calls = new ArrayList<>();
        long rw = PvDomains.P | PvDomains.RW | PvDomains.US | PvDomains.A;
        if (d.p(0.8)) {
            calls.add(new HypercallOp.UpdateVaMapping(d.pick(0x9000L, 0x1000L, 0xb000L), (d.pick(data) << 12) | rw,
                    0));
        }
        calls.add(new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(l3 << 12, (l2b << 12) | rw)),
                0x7ff0));
        calls.add(new HypercallOp.UpdateVaMapping(0x9000, (d.pick(data) << 12) | PvDomains.P | PvDomains.US
                | PvDomains.A, d.p(0.2) ? 2 : 0));
        out.add(hypercallStep(name, new HypercallOp.Multicall(calls)));
        if (d.p(0.8)) {
            out.add(new Step(name, 0, GuestAccess.read(0x9000), Knobs.NONE, null, null, 0));
        }
        return out;
    }

    static Step hypercallStep(String domain, HypercallOp op) {
        return new Step(domain, 0, new Hypercall(op), Knobs.NONE, null, null, 0);
    }

    public static List<Step> group(Draw d, MachineSpec m, List<DomainPlan> plans, FaultProfile prof) {
        DomainPlan plan = plans.get(0);   // the acting domain; the others only own frames (foreign frames)
        DomainSpec spec = plan.spec();
        boolean pv32 = spec.kind() == DomainKind.PV32;
        List<Long> foreign = new ArrayList<>();
        for (int i = 1; i < plans.size(); i++) {
            foreign.addAll(plans.get(i).dataFrames());
        }
        // A vCPU that starts in user mode makes no hypercalls and no CR3 writes (privileged: the kernel makes
        // them). No entry changes behind Xen's back: under PV every page-table change goes through Xen (a host
        // write would break Xen's own bookkeeping, which neither the reference nor the invariants can follow).
        boolean kernel = spec.vcpus().get(0).pvKernelMode();
        int kind = d.weighted(X86Steps.w(prof, "access"), X86Steps.w(prof, "pte_write"), 0, kernel ? X86Steps.w(prof, "cr_write") : 0, X86Steps.w(prof, "invlpg"),
                kernel ? X86Steps.w(prof, "hypercall") * 2 : 0);
        List<Step> out = new ArrayList<>();
        if (kernel && d.p(0.04)) {
            return staleTlb(d, m, plan);
        }
        if (kernel && d.p(LINEAR_CHAIN_P)) {
            return linearChain(d, plan, pv32);
        }
        if (kernel && !pv32 && d.p(STALE_LINEAR_P)) {
            return staleLinear(d, plan);
        }
        Slot changed = null;
        Operation op;
        switch (kind) {
            case 1 -> {
                Slot s = X86Steps.aliasedSlot(d, plan);
                op = s == null ? access(d, m, plan, foreign, pv32) : ptwr(d, m, plan, foreign, s, pv32);
                changed = s;
            }
            case 2 -> {
                Slot s = d.pick(plan.slots());
                op = new HostWrite((s.table() << 12) + 8L * s.index(), 8, entry(d, m, plan, foreign, s.depth()));
                changed = s;
            }
            case 3 -> op = new ControlWrite(d.pick(plan.roots()) << 12, Set.of(), Set.of(), null, null);
            case 4 -> op = new Invlpg(d.p(0.6) ? d.pick(plan.targets()).va() : d.pick(plan.slots()).mapsVa());
            case 5 -> {
                op = hypercall(d, m, plan, foreign, pv32);
                if (op instanceof Hypercall h && h.call() instanceof HypercallOp.MmuUpdate) {
                    changed = d.pick(plan.slots());
                }
            }
            default -> op = access(d, m, plan, foreign, pv32);
        }
        // The emulator-failure knob matters to ptwr and MMIO writes only; events pending need a callback.
        boolean emulates = op instanceof GuestAccess ga && ga.kind() == AccessKind.WRITE;
        boolean callback = spec.params().containsKey("event_callback");
        Knobs k = new Knobs(emulates && d.p(prof.p("emulator_fails") * 0.5), null, false,
                callback && d.p(prof.p("events_pending") * 0.5));
        out.add(new Step(spec.name(), 0, op, k, null, null, 0));
        if (changed != null && kernel && !d.p(prof.p("no_flush"))) {
            Operation flush = d.p(0.6) || !kernel ? new Invlpg(changed.mapsVa())
                    : new ControlWrite(spec.vcpus().get(0).cr3(), Set.of(), Set.of(), null, null);
            out.add(new Step(spec.name(), 0, flush, Knobs.NONE, null, null, 0));
        }
        return out;
    }

    /**
     * The stale-TLB pattern: read a page through a read-only entry (the translation is cached), make the entry
     * writable with mmu_update and use it without a flush: the guest's own write faults on the stale entry (the
     * guest owes the flush), and on the kernel stack page the bounce frame of the next #PF does, in Xen's context,
     * where Xen finds the fault spurious (PV §2.3 row a, pv-spurious-xen-fault.yaml).
     */
    static List<Step> staleTlb(Draw d, MachineSpec m, DomainPlan plan) {
        String name = plan.spec().name();
        int index = d.pick(6, 6, 2, 5, 11);
        long va = 0x1000L * index;
        boolean stack = index == 6;
        long frame = stack ? plan.spec().frames().get("stack") : d.pick(plan.dataFrames());
        Slot s = plan.slots().stream().filter(x -> x.depth() == 3 && x.index() == index).findFirst().orElse(null);
        if (s == null) {
            return List.of(new Step(name, 0, GuestAccess.read(va), Knobs.NONE, null, null, 0));
        }
        long ro = (frame << 12) | PvDomains.P | PvDomains.US | PvDomains.A;
        List<Step> out = new ArrayList<>();
        out.add(new Step(name, 0, new Hypercall(new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate
                .Request((s.table() << 12) + 8L * index, ro)), 0x7ff0)), Knobs.NONE, null, null, 0));
        out.add(new Step(name, 0, new Invlpg(va), Knobs.NONE, null, null, 0));
        out.add(new Step(name, 0, GuestAccess.read(va), Knobs.NONE, null, null, 0));
        out.add(new Step(name, 0, new Hypercall(new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate
                .Request((s.table() << 12) + 8L * index, ro | PvDomains.RW)), 0x7ff0)), Knobs.NONE, null, null, 0));
        // On the stack page: a fault whose bounce frame Xen writes through the stale read-only translation (a
        // spurious fault in Xen's own context); elsewhere the guest's own write.
        out.add(new Step(name, 0, stack ? GuestAccess.read(0x9000) : GuestAccess.write(va + 8L * d.range(0, 7),
                d.rangeL(0, 0xffff)), Knobs.NONE, null, null, 0));
        return out;
    }

    static GuestAccess access(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign, boolean pv32) {
        long va = d.pick(plan.targets()).va();
        if (!pv32 && d.p(0.08)) {
            va = PvDomains.LDT_AREA_64 + 8L * d.range(0, 15);   // a descriptor of the LDT (lazily mapped by Xen)
        }
        if (d.p(0.5)) {
            va += d.p(0.2) ? 0xffc : 8L * d.range(0, 15);
        }
        if (pv32) {
            va &= 0xFFFFFFFFL;
        }
        boolean ldtArea = !pv32 && va >= PvDomains.LDT_AREA_64 - 0x10000 && va < PvDomains.LDT_AREA_64 + 0x10000;
        // Implicit (descriptor-table) accesses only in the GDT/LDT area: Xen loads GDTR/LDTR with that area and owns
        // the IDT and TSS, so a PV guest makes no implicit access anywhere else (the simulator refuses one: seed 21
        // try 244068 had an implicit write through Xen's read-write linear page table). The draw for other
        // addresses stays, unused, so the rest of the random stream is as before.
        boolean implicitDraw = ldtArea ? !d.p(0.3) : d.p(0.04);
        boolean implicit = ldtArea && implicitDraw;
        AccessKind kind = AccessKind.values()[d.weighted(5, 5, 1)];
        if (kind == AccessKind.FETCH) {
            return new GuestAccess(va, kind, 1, null, null, implicit, false, Insn.LOAD, null);
        }
        boolean stack = d.p(0.05);
        if (kind == AccessKind.READ) {
            return new GuestAccess(va, kind, d.pick(8, 8, 4, 2, 1), null, null, implicit, stack, Insn.LOAD, null);
        }
        return write(d, m, plan, foreign, va, implicit, stack, 3);
    }

    /** A direct write of a new entry into the guest's own (read-only mapped) table: Xen's ptwr path. */
    static GuestAccess ptwr(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign, Slot s, boolean pv32) {
        GuestAccess w = write(d, m, plan, foreign, s.aliasVa(), false, false, s.depth());
        if (w.size() == 8 && w.insn() == Insn.MOV && d.p(0.3)) {
            return new GuestAccess(w.va(), w.kind(), 8, entryFor(d, m, plan, foreign, s), null, false, false,
                    Insn.MOV, null);
        }
        return w;
    }

    /**
     * A new value for an existing entry: often the entry as it was with a few flags flipped (RW, PSE, US, NX, A),
     * the case Xen's fast paths take (frame and P unchanged: XSA-148, XSA-182), else any entry.
     */
    static long entryFor(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign, Slot s) {
        Long orig = null;
        for (xpf.model.scenario.PteSpec p : plan.spec().pageTables()) {
            if (p.tableFrame() == s.table() && p.index() == s.index()) {
                orig = p.value();
            }
        }
        if (orig == null || !d.p(0.4)) {
            return entry(d, m, plan, foreign, s.depth());
        }
        long flip = d.pick(PvDomains.RW, PvDomains.PS, PvDomains.PS | PvDomains.RW, PvDomains.US, PvDomains.A,
                PvDomains.D);
        return orig ^ flip;
    }

    static GuestAccess write(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign, long va, boolean implicit,
            boolean stack, int depth) {
        Insn insn = d.pick(Insn.MOV, Insn.MOV, Insn.MOV, Insn.MOV, Insn.CMPXCHG, Insn.XCHG, Insn.LOCK_OR,
                Insn.MOVDQU);
        int size = insn == Insn.MOVDQU ? 16 : d.pick(8, 8, 8, 4, 2, 1);
        long value = entry(d, m, plan, foreign, depth);
        if (size < 8) {
            value &= (1L << (8 * size)) - 1;
        }
        Long compare = null;
        if (insn == Insn.CMPXCHG) {
            compare = d.p(0.5) ? 0L : entry(d, m, plan, foreign, depth);
            if (size < 8) {
                compare &= (1L << (8 * size)) - 1;
            }
        }
        return new GuestAccess(va, AccessKind.WRITE, size, value, null, implicit, stack, insn, compare);
    }

    /** An entry value: mostly a valid mapping of an own frame, sometimes one Xen must refuse. */
    static long entry(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign, int depth) {
        if (d.p(0.05)) {
            return 0;
        }
        long frame = switch (d.weighted(10, 3, 1, 1)) {
            case 1 -> d.pick(plan.otherFrames());
            case 2 -> foreign.isEmpty() ? d.pick(plan.otherFrames()) : d.pick(foreign);
            case 3 -> d.pick(plan.roots());
            default -> d.pick(plan.dataFrames());
        };
        long e = (frame << 12) | PvDomains.P | PvDomains.A;
        if (d.p(0.6)) {
            e |= PvDomains.RW;
        }
        if (d.p(0.8)) {
            e |= PvDomains.US;
        }
        if (d.p(0.2)) {
            e |= PvDomains.D;
        }
        if (d.p(0.04)) {
            e |= PvDomains.PS;
        }
        if (d.p(0.04)) {
            e |= 0x100;   // G
        }
        if (d.p(0.1) && m.has(CpuFeature.NX)) {
            e |= PvDomains.NX;
        }
        if (m.maxPhyAddr() < 52 && d.p(0.04)) {
            e |= 1L << d.range(m.maxPhyAddr(), 51);   // a reserved address bit
        }
        if (d.p(0.06)) {
            e &= ~PvDomains.P;
        }
        return e;
    }

    static Operation hypercall(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign, boolean pv32) {
        return switch (d.weighted(8, 4, 5, 2, 2, 1, 1)) {
            case 1 -> new Hypercall(new HypercallOp.UpdateVaMapping(d.pick(plan.targets()).va() & (pv32 ? 0xFFFFF000L
                    : ~0xFFFL), entry(d, m, plan, foreign, 3), d.pick(0L, 0L, 1L, 2L, 4L, 6L)));
            case 2 -> new Hypercall(new HypercallOp.MmuextOp(List.of(mmuext(d, plan, pv32)), 0x7ff0));
            case 3 -> trapTable(d, pv32);
            case 4 -> new Hypercall(new HypercallOp.Iret());
            case 5 -> new Hypercall(new HypercallOp.VmAssist(d.pick(0, 1), d.pick(2, 2, 4, 31)));
            case 6 -> new Hypercall(new HypercallOp.Multicall(List.of(mmuUpdate(d, m, plan, foreign),
                    new HypercallOp.UpdateVaMapping(0x1000, entry(d, m, plan, foreign, 3), 0))));
            default -> new Hypercall(mmuUpdate(d, m, plan, foreign));
        };
    }

    static HypercallOp.MmuUpdate mmuUpdate(Draw d, MachineSpec m, DomainPlan plan, List<Long> foreign) {
        List<HypercallOp.MmuUpdate.Request> reqs = new ArrayList<>();
        int n = d.range(1, 3);
        for (int i = 0; i < n; i++) {
            Slot s = d.pick(plan.slots());
            long cmd = d.p(0.08) ? d.range(1, 7) : 0;
            reqs.add(new HypercallOp.MmuUpdate.Request((s.table() << 12) + 8L * s.index() + cmd,
                    entryFor(d, m, plan, foreign, s)));
        }
        return new HypercallOp.MmuUpdate(reqs, d.p(0.05) ? d.pick(0x7ff1, 9) : 0x7ff0);
    }

    /**
     * One mmuext_op: pin L1-L4 (0-3), unpin (4), new base pointer (5), TLB flush (6), INVLPG (7), set_ldt (13), new
     * user base pointer (15).
     */
    static HypercallOp.MmuextOp.Request mmuext(Draw d, DomainPlan plan, boolean pv32) {
        int cmd = d.pick(0, 1, 2, 3, 4, 5, 5, 6, 7, 13, 13, 13, 13, 15);
        if (pv32 && cmd == 15) {
            cmd = 5;
        }
        long frame = d.p(0.7) ? d.pick(plan.otherFrames()) : d.pick(plan.dataFrames());
        return switch (cmd) {
            case 6 -> new HypercallOp.MmuextOp.Request(cmd, 0, 0);
            case 7 -> new HypercallOp.MmuextOp.Request(cmd, d.pick(plan.targets()).va(), 0);
            case 13 -> new HypercallOp.MmuextOp.Request(cmd, d.pick(PvDomains.LDT_VA, PvDomains.LDT_VA,
                    PvDomains.LDT_VA, 0x1000L, 0x1001L, 0L), d.pick(16L, 16L, 512L, 0L, 1L, 9000L));
            case 5, 15 -> new HypercallOp.MmuextOp.Request(cmd, d.p(0.6) ? d.pick(plan.roots()) : frame, 0);
            default -> new HypercallOp.MmuextOp.Request(cmd, frame, 0);
        };
    }

    static Operation trapTable(Draw d, boolean pv32) {
        if (d.p(0.15)) {
            return new Hypercall(new HypercallOp.SetTrapTable(List.of(), true));
        }
        long h = pv32 ? d.pick(0xc0100000L, 0xc0100000L, 0L) : d.pick(0xffffffff81000000L, 0xffffffff81000000L,
                0x8000000000000000L, 0L);
        return new Hypercall(new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(d.pick(14, 14, 13), d.pick(0, 0,
                4), pv32 ? 0xe019 : 0xe033, h)), false));
    }
}
