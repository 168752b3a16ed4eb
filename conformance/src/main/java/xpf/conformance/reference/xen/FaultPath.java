package xpf.conformance.reference.xen;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Knobs;
import xpf.model.x86.Access;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;

/**
 * xen-pv-fault-path.md §2.2 {@code handle_PF} and §2.3 {@code fixup_page_fault} for a #PF raised by guest code, as
 * an ordered table: each row has its tag, a condition and an action; an action returns the decided outcome
 * ({@link Done}), {@link #NEXT} to fall through to the next row, or {@link NoFixup} when {@code fixup_page_fault}
 * returns 0 (then §2.2 steps 4-6 with the #PF it carries: row e may have rewritten the error code).
 */
final class FaultPath {

    /** The #PF as {@code handle_PF} sees it. */
    record Pf(PvState s, Knobs knobs, GuestAccess access, Access hw, int ec, long cr2) {
        boolean has(int bit) {
            return (ec & bit) != 0;
        }
    }

    /** What a row's action did. */
    sealed interface Result permits Done, NoFixup, Next {
    }

    /** The row decided the step. */
    record Done(Decided decided) implements Result {
    }

    /** {@code fixup_page_fault} returns 0. */
    record NoFixup(Pf pf) implements Result {
    }

    /** Fall through to the next row. */
    record Next() implements Result {
    }

    static final Next NEXT = new Next();

    /** One row of §2.3. */
    record Row(String tag, String text, Predicate<Pf> when, Function<Pf, Result> then) {
    }

    /** §2.3 "evaluated strictly in this order". */
    static final List<Row> FIXUP = List.of(
            // a: in_irq() or interrupted IF=0: guest code always runs with IF=1 (checked before the table)
            new Row("pv.2.3a", "in IRQ or IF=0: no fixups", pf -> false, NoFixup::new),
            // b: memory hot-plug of the compat M2P: hot-plug is not part of the modelled machine
            new Row("pv.2.3b", "memory hot-plug M2P fault", pf -> false, NoFixup::new),
            new Row("pv.2.3c", "address in Xen's range [HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END)",
                    pf -> inXenRange(pf.cr2()), FaultPath::xenRange),
            new Row("pv.2.3d", "guest kernel write: ptwr / read-only MMIO", FaultPath::roCandidate,
                    FaultPath::roFault),
            new Row("pv.2.3e", "shadow paging (log-dirty): paging_fault", pf -> pf.s().view.logDirty(),
                    FaultPath::pagingFault),
            new Row("pv.2.3f", "otherwise", pf -> true, NoFixup::new));

    private FaultPath() {
    }

    static boolean inXenRange(long addr) {
        return Long.compareUnsigned(addr, Hardware.HYPERVISOR_VIRT_START) >= 0
                && Long.compareUnsigned(addr, Hardware.HYPERVISOR_VIRT_END) < 0;
    }

    /** §2.2: a #PF from guest context. {@code ec} and {@code cr2} are what the CPU reported. */
    static Decided handle(Pf pf) {
        // the hardware's #PF has already invalidated the faulting address's TLB and paging-structure-cache entries
        pf.s().pageFault(pf.cr2());
        // §2.2.2 "If error code has PFEC_shstk (0x40) → panic"
        if (pf.has(PfErrorCode.SS)) {
            return Decided.panic("shstk_page_fault", "pv.2.2.2", "shadow-stack #PF");
        }
        // §2.2.3 fixup_page_fault
        Pf current = pf;
        for (Row r : FIXUP) {
            if (!r.when().test(current)) {
                continue;
            }
            Result res = r.then().apply(current);
            if (res instanceof Done d) {
                return d.decided();
            }
            if (res instanceof NoFixup n) {
                current = n.pf();
                break;
            }
        }
        // §2.2.4 "If error code has RSVD → panic ... in Xen and guest context (since 4.14)"; 3.1 forwards (§8.6)
        if (current.has(PfErrorCode.RSVD) && current.s().has(XenVersionTable.RSVD_PANIC)) {
            return Decided.panic("rsvd_page_fault", "pv.2.2.4", "RSVD #PF not fixed by the shadow code");
        }
        // §2.2.6 / §2.5 guest context → pv_inject_page_fault(regs->error_code, cr2)
        return Delivery.deliver(current.s(), current.knobs(), Vectors.PF, current.ec(), current.cr2(), "pv.2.5");
    }

    // ------------------------------------------------------------------------- row c

    private static Result xenRange(Pf pf) {
        PvState s = pf.s();
        if (!GdtLdtArea.contains(s, pf.cr2())) {
            return new NoFixup(pf);
        }
        if (s.has(XenVersionTable.GDT_LDT_FILTER) && (pf.has(PfErrorCode.U) || pf.has(PfErrorCode.RSVD))) {
            return new NoFixup(pf);   // "if U=0 and RSVD=0 and addr in the GDT/LDT area"; 3.1: no filter (§8.6)
        }
        Decided d = GdtLdtArea.handle(s, pf.knobs(), pf.ec(), pf.cr2());
        return d == null ? new NoFixup(pf) : new Done(d);
    }

    // ------------------------------------------------------------------------- row d

    /**
     * §2.3 row d: "guest_kernel_mode and W=1 and RSVD=0 and I=0; ptwr := VM_ASSIST(writable_pagetables) and (paging
     * enabled or P=1); mmio_ro := hardware domain and P=1". 3.1 (§8.3): assist, guest kernel mode, W=1.
     */
    private static boolean roCandidate(Pf pf) {
        PvState s = pf.s();
        if (!s.vcpu.kernelMode() || !pf.has(PfErrorCode.W)) {
            return false;
        }
        if (!s.has(XenVersionTable.PTWR_TRIGGER_FILTER)) {
            return s.assist("writable_pagetables");
        }
        if (pf.has(PfErrorCode.RSVD) || pf.has(PfErrorCode.I)) {
            return false;
        }
        boolean ptwr = s.assist("writable_pagetables") && (s.view.logDirty() || pf.has(PfErrorCode.P));
        boolean mmio = s.view.hardwareDomain() && pf.has(PfErrorCode.P);
        return ptwr || mmio;
    }

    private static Result roFault(Pf pf) {
        Decided d = Ptwr.roPageFault(pf.s(), pf.knobs(), pf.access(), pf.cr2());
        return d == null ? NEXT : new Done(d);
    }

    // ------------------------------------------------------------------------- row e

    static boolean cleanFrame(PvState s, long frame) {
        return s.owner(frame) == s.domid && !s.view.dirtyFrames().contains(frame);
    }

    /**
     * §2.3 row e {@code paging_fault} for a PV guest in shadow log-dirty mode: the shadow code walks the guest's
     * tables; a write they allow to a clean frame is the log-dirty fault: fixed ({@code paging}). A fault they refuse
     * is a real guest fault: 0, with the guest walk's error code. (Other shadow faults are not described.)
     */
    private static Result pagingFault(Pf pf) {
        PvState s = pf.s();
        if (pf.knobs().shadowOom()) {
            throw new NotModelled("shadow_oom for a PV log-dirty domain (no rule in the reference)");
        }
        Access a = new Access(pf.cr2(), pf.hw().kind(), pf.hw().cpl(), pf.hw().implicit(), pf.hw().stack());
        // the shadow code walks the guest's tables with the guest's own controls (x86-paging.md §1.1f "never the
        // host's"): a PV guest has no SMEP/SMAP of its own
        Hardware.Translation w = Hardware.walk(s, Hardware.guestControls(s).withSmep(false).withSmap(false), a);
        if (!w.fault()) {
            // "first write to a clean page faults, shadow code marks it dirty and fixes the fault invisibly"
            if (a.kind() == xpf.model.x86.AccessKind.WRITE && cleanFrame(s, w.pa() >>> 12)) {
                return new Done(Decided.fixed("paging", "pv.2.3e", "log-dirty: the frame is marked dirty"));
            }
            throw new NotModelled("a shadow fault the guest's tables allow, other than a write to a clean frame");
        }
        // "regs->error_code = gw.pfec": the guest walk's error code is forwarded (4.22; 3.1 forwards the hardware's)
        boolean rewrite = s.has(XenVersionTable.SHADOW_GUEST_WALK_ERROR_CODE) && w.vector() == Vectors.PF;
        return new NoFixup(new Pf(s, pf.knobs(), pf.access(), pf.hw(), rewrite ? w.errorCode() : pf.ec(), pf.cr2()));
    }
}
