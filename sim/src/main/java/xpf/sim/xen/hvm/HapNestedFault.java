package xpf.sim.xen.hvm;

import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Knobs;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.hvm.dm.MmioDevice;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;
import xpf.sim.xen.mm.shadow.ShadowVcpu;

/**
 * {@code hvm_hap_nested_page_fault(gpa, gla, npfec)} (xen/arch/x86/hvm/hvm.c; xen-hvm-fault-path.md §5.2), shared by
 * SVM's {@code svm_do_nested_pgfault} and VMX's {@code ept_handle_violation}. The outcome classes, in order:
 * internal MMIO (2), p2m lookup with populate-on-demand and unsharing (3), emulated MMIO and writes to
 * discard-write / ioreq-server types (6), paging (7), sharing ENOMEM (8), RAM types incl. log-dirty (9), and
 * anything else: the caller crashes the domain (10). Not modelled: nested HVM (1), altp2m (4), mem_access (5) —
 * every p2m entry has full access rights here.
 */
public final class HapNestedFault {

    /** {@code struct npfec}: the access that faulted and where. */
    public record Npfec(boolean read, boolean write, boolean fetch, boolean present, boolean glaValid,
            boolean finalAccess) {
    }

    /** Xen's return: 1 handled (the guest retries or the instruction was emulated), 0 the caller crashes, -1 nested. */
    public enum Rc {
        HANDLED(1), CRASH(0), NESTED(-1);

        private final int value;

        Rc(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }
    }

    /** The result, its outcome-class name (docs/hvm-path.md), and the p2m entry after the lookup. */
    public record Result(Rc rc, String fixup, boolean emulated, Long value, P2mEntry entry) {
    }

    private HapNestedFault() {
    }

    @XenFunction(symbol = "hvm_hap_nested_page_fault", file = "xen/arch/x86/hvm/hvm.c", version = "4.22")
    public static Result hvmHapNestedPageFault(HvmVcpu v, long gpa, long gla, Npfec npfec, GuestAccess insn,
            Knobs knobs, Trace t) {
        HvmDomain d = v.domain();
        long gfn = gpa >>> 12;
        // 2: internal MMIO (hvm_mmio_internal) is emulated without a p2m lookup.
        MmioDevice dev = d.devices().at(gfn);
        if (dev != null && dev.internal()) {
            return emulate(v, gla, gfn, insn, knobs, "mmio", d.p2m().lookup(gfn), t);
        }
        // 3: p2m lookup with P2M_ALLOC (populates PoD) and, on writes, P2M_UNSHARE.
        P2mEntry before = d.p2m().lookup(gfn);
        P2mEntry e = d.p2m().getGfnTypeAccess(gfn, npfec.write() ? P2m.Query.ALLOC_UNSHARE : P2m.Query.ALLOC);
        t.call("get_gfn_type_access", "gfn", gfn, "type", before.type().wireName(), "now", e.type().wireName(),
                "mfn", e.mfn());
        // 6: emulated MMIO, and writes to types whose writes are emulated.
        if (e.type() == P2mType.MMIO_DM) {
            return emulate(v, gla, gfn, insn, knobs, "mmio", e, t);
        }
        if (npfec.write() && (e.type().isDiscardWrite() || e.type() == P2mType.IOREQ_SERVER)) {
            return emulate(v, gla, gfn, insn, knobs, "hap_discard_write", e, t);
        }
        // 7: paging: the pager brings the page back (the vCPU waits), then the guest retries.
        if (e.type().isPaging()) {
            d.p2m().memPagingPopulate(gfn);
            return new Result(Rc.HANDLED, "hap_paging", false, null, d.p2m().lookup(gfn));
        }
        // 8: a write to a page still shared: ENOMEM.
        if (npfec.write() && e.type() == P2mType.RAM_SHARED) {
            if (d.param("mem_sharing_ring", 0) != 0) {
                // The sharing helper is notified; it frees memory and the retry unshares.
                d.p2m().setUnshareFails(false);
                return new Result(Rc.HANDLED, "hap_sharing_enomem", false, null, e);
            }
            return new Result(Rc.CRASH, "hap_sharing_enomem", false, null, e);
        }
        // 9: RAM types: log-dirty writes are logged and the type becomes ram_rw; anything else is spurious.
        if (e.type().isRam() && e.mfnValid()) {
            if (npfec.write() && e.type() == P2mType.RAM_LOGDIRTY) {
                d.p2m().markDirty(gfn);
                d.p2m().changeTypeOne(gfn, P2mType.RAM_LOGDIRTY, P2mType.RAM_RW);
                return new Result(Rc.HANDLED, "hap_logdirty", false, null, d.p2m().lookup(gfn));
            }
            String fixup = before.type() == P2mType.POPULATE_ON_DEMAND ? "hap_pod"
                    : before.type() == P2mType.RAM_SHARED && e.type() == P2mType.RAM_RW ? "hap_unshare"
                    : "hap_spurious";
            // A RAM type whose nested entry still denies this access would fault forever: not RAM for this access.
            var hw = d.p2m().hardwareEntry(gfn);
            boolean allowed = hw != null && (npfec.fetch() ? hw.execute() : npfec.write() ? hw.write() : hw.read());
            if (allowed) {
                return new Result(Rc.HANDLED, fixup, false, null, e);
            }
        }
        // 10: anything else: the caller crashes the domain.
        return new Result(Rc.CRASH, "npf_unhandled", false, null, e);
    }

    private static Result emulate(HvmVcpu v, long gla, long gfn, GuestAccess insn, Knobs knobs, String fixup,
            P2mEntry e, Trace t) {
        ShadowVcpu.MmioResult r = HvmEmulate.handleMmioWithTranslation(v, gla, gfn, insn, knobs.emulatorFails(), t);
        if (!r.ok()) {
            // Emulation failure: #GP(0) is injected, the fault is handled.
            HvmInjection.hvmInjectHwException(v, Vectors.GP, 0, t);
            return new Result(Rc.HANDLED, fixup, false, null, e);
        }
        if (r.faulted()) {
            // The emulator's fault was injected; the instruction did not retire (RIP still points at it).
            return new Result(Rc.HANDLED, fixup, false, null, e);
        }
        return new Result(Rc.HANDLED, fixup, true, r.value(), e);
    }
}
