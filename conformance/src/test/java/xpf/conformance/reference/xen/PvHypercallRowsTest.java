package xpf.conformance.reference.xen;

import static xpf.conformance.reference.xen.PvWorld.DATA;
import static xpf.conformance.reference.xen.PvWorld.L1;
import static xpf.conformance.reference.xen.PvWorld.L2;
import static xpf.conformance.reference.xen.PvWorld.L3;
import static xpf.conformance.reference.xen.PvWorld.L4;
import static xpf.conformance.reference.xen.PvWorld.NEWDATA;
import static xpf.conformance.reference.xen.PvWorld.OTHER;
import static xpf.conformance.reference.xen.PvWorld.SPARE;
import static xpf.conformance.reference.xen.PvWorld.call;
import static xpf.conformance.reference.xen.PvWorld.expect;
import static xpf.conformance.reference.xen.PvWorld.ext;
import static xpf.conformance.reference.xen.PvWorld.mmu;
import static xpf.conformance.reference.xen.PvWorld.pte;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * The hypercall tables: §4.7 {@code mmu_update} (stop at the first failure, done count, errno per rule),
 * {@code update_va_mapping}, §4.4 linear page tables (XSA-182, XSA-240), §4.6 {@code mmuext_op} and
 * {@code new_guest_cr3}, §5.1 {@code set_trap_table}, {@code vm_assist}; both profiles where §8 differs.
 */
class PvHypercallRowsTest {

    static final XenProfile NOW = XenProfile.XEN_4_22;
    static final XenProfile OLD = XenProfile.XEN_3_1;

    static String rc(PvPrediction p) {
        return p.prediction().fields().get("rc");
    }

    @Test
    @DisplayName("pv.4.7 + pv.3.3.3: requests run in order and stop at the first failure: -EBUSY, done 1")
    void stopsAtFirstFailure() {
        PvPrediction p = PvWorld.pv64(NOW).predict(call(mmu(pte(L1, 7), (NEWDATA << 12) | 0x27,
                pte(L1, 8), (OTHER << 12) | 0x25, pte(L1, 9), (DATA << 12) | 0x25)));
        expect(p, OutcomeClass.HYPERCALL, "pv.3.3.3", "hypercall", "mmu_update", "rc", "-EBUSY", "done", "1");
    }

    @Test
    @DisplayName("pv.8.8: Xen 3.1 collapses the same failure to -EINVAL")
    void collapsed31() {
        expect(PvWorld.pv64(OLD).predict(call(mmu(pte(L1, 7), (NEWDATA << 12) | 0x27, pte(L1, 8),
                (OTHER << 12) | 0x25))), OutcomeClass.HYPERCALL, null, "rc", "-EINVAL", "done", "1");
    }

    @Test
    @DisplayName("pv.3.3.1 / pv.8.6: PCD in an L1 entry: -EINVAL today, accepted by 3.1")
    void pcd() {
        long e = (DATA << 12) | 0x25 | 0x10;
        expect(PvWorld.pv64(NOW).predict(call(mmu(pte(L1, 9), e))), OutcomeClass.HYPERCALL, "pv.3.3.1", "rc",
                "-EINVAL", "done", "0");
        expect(PvWorld.pv64(OLD).predict(call(mmu(pte(L1, 9), e))), OutcomeClass.HYPERCALL, null, "rc", "0",
                "done", "1");
    }

    @Test
    @DisplayName("pv.3.3.2: I/O memory without permission: -EPERM today (3.1: -EINVAL)")
    void ioMemory() {
        long e = 0x100_0000_0000L | 0x25;
        expect(PvWorld.pv64(NOW).predict(call(mmu(pte(L1, 9), e))), OutcomeClass.HYPERCALL, "pv.3.3.2", "rc",
                "-EPERM");
        expect(PvWorld.pv64(OLD).predict(call(mmu(pte(L1, 9), e))), OutcomeClass.HYPERCALL, null, "rc",
                "-EINVAL");
    }

    @Test
    @DisplayName("pv.4.7: Xen's L4 slots are refused; an unknown command is -ENOSYS; an unknown FD is -ESRCH")
    void requestErrors() {
        PvWorld w = PvWorld.pv64(NOW);
        expect(w.predict(call(mmu(pte(L4, 258), 0))), OutcomeClass.HYPERCALL, "pv.4.7", "rc", "-EINVAL");
        expect(w.predict(call(mmu(pte(L1, 9) | 5, 0))), OutcomeClass.HYPERCALL, "pv.4.7", "rc", "-ENOSYS");
        HypercallOp.MmuUpdate unknown = new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(
                pte(L1, 9), 0)), 9);
        expect(w.predict(call(unknown)), OutcomeClass.HYPERCALL, "pv.4.7", "rc", "-ESRCH", "done", "0");
    }

    @Test
    @DisplayName("pv.4.5: PSE in a PV L2 entry is refused (XSA-148)")
    void pse() {
        expect(PvWorld.pv64(NOW).predict(call(mmu(pte(L2, 1), 0x200000 | 0xa7))), OutcomeClass.HYPERCALL,
                "pv.4.5", "rc", "-EINVAL", "done", "0");
    }

    @Test
    @DisplayName("pv.4.3: an L2 entry types its target as L1, validating it; the new L1's RW entry of a page table "
            + "fails the validation")
    void l2Validation() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(SPARE, 0), (NEWDATA << 12) | 0x27);
        expect(w.predict(call(mmu(pte(L2, 1), (SPARE << 12) | 0x27))), OutcomeClass.HYPERCALL, "pv.4.7", "rc", "0",
                "done", "1");
        PvWorld bad = PvWorld.pv64(NOW).set(pte(SPARE, 0), (L2 << 12) | 0x27);
        expect(bad.predict(call(mmu(pte(L2, 1), (SPARE << 12) | 0x27))), OutcomeClass.HYPERCALL, null, "rc",
                "-EBUSY");
    }

    @Test
    @DisplayName("pv.4.4: a same-level (linear) L4 entry is allowed read-only, refused writable")
    void linear() {
        PvWorld w = PvWorld.pv64(NOW);
        expect(w.predict(call(mmu(pte(L4, 5), (L4 << 12) | 0x25))), OutcomeClass.HYPERCALL, "pv.4.7", "rc", "0");
        expect(w.predict(call(mmu(pte(L4, 6), (L4 << 12) | 0x27))), OutcomeClass.HYPERCALL, "pv.4.4", "rc",
                "-EINVAL");
    }

    @Test
    @DisplayName("pv.4.4 (XSA-240): a table already used as a linear target may not contain one; pv.8.5: 3.1 allows")
    void linearDepth() {
        long b = SPARE;
        long c = SPARE + 1;
        for (XenProfile p : List.of(NOW, OLD)) {
            PvWorld w = PvWorld.pv64(p).set(pte(L4, 5), (b << 12) | 0x25);
            w.frame(new PvDomainView.Frame(L4, 1, 1, FrameType.L4, 1, true, false, 1, false));
            w.frame(new PvDomainView.Frame(b, 1, 2, FrameType.L4, 2, true, true, -1, false));
            w.frame(new PvDomainView.Frame(c, 1, 1, FrameType.L4, 1, true, true, 0, false));
            PvPrediction pr = w.predict(call(mmu(pte(b, 5), (c << 12) | 0x25)));
            expect(pr, OutcomeClass.HYPERCALL, null, "rc", p == NOW ? "-EINVAL" : "0");
        }
    }

    @Test
    @DisplayName("pv.4.7 (XSA-182): adding RW to a read-only recursive L4 entry is re-validated and refused today; "
            + "pv.8.4: 3.1's fast path (frame+P unchanged) accepts it")
    void xsa182() {
        for (XenProfile p : List.of(NOW, OLD)) {
            PvWorld w = PvWorld.pv64(p).set(pte(L4, 5), (L4 << 12) | 0x25);
            PvPrediction pr = w.predict(call(mmu(pte(L4, 5), (L4 << 12) | 0x27)));
            expect(pr, OutcomeClass.HYPERCALL, p == NOW ? "pv.4.4" : "pv.8.4", "rc", p == NOW ? "-EINVAL" : "0");
        }
    }

    @Test
    @DisplayName("pv.4.7: update_va_mapping updates the L1 entry found through the linear page table; no L1: -EINVAL")
    void updateVaMapping() {
        PvWorld w = PvWorld.pv64(NOW);
        expect(w.predict(call(new HypercallOp.UpdateVaMapping(0x7000, (NEWDATA << 12) | 0x27, 2))),
                OutcomeClass.HYPERCALL, "pv.4.7", "hypercall", "update_va_mapping", "rc", "0");
        expect(w.predict(call(new HypercallOp.UpdateVaMapping(0x40000000, (NEWDATA << 12) | 0x27, 2))),
                OutcomeClass.HYPERCALL, "pv.4.7", "rc", "-EINVAL");
        expect(w.predict(call(new HypercallOp.UpdateVaMapping(0x8000000000000000L, 0, 6))),
                OutcomeClass.HYPERCALL, "pv.4.7", "rc", "-EINVAL");
    }

    @Test
    @DisplayName("pv.4.6: pinning twice is -EINVAL (done 1); unpinning an unpinned table is -EINVAL")
    void pins() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(SPARE, 0), (NEWDATA << 12) | 0x27);
        expect(w.predict(call(ext(0, SPARE, 0, 0, SPARE, 0, 4, SPARE, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc",
                "-EINVAL", "done", "1");
        expect(w.predict(call(ext(4, SPARE, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "-EINVAL", "done", "0");
        expect(w.predict(call(ext(0, SPARE, 0, 4, SPARE, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "0", "done",
                "2");
    }

    @Test
    @DisplayName("pv.4.6: NEW_BASEPTR needs an L4; SET_LDT checks alignment; FLUSH_CACHE needs I/O; unknown: -ENOSYS")
    void extCommands() {
        PvWorld w = PvWorld.pv64(NOW);
        expect(w.predict(call(ext(5, L2, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "-EINVAL", "done", "0");
        expect(w.predict(call(ext(13, 0x1001, 4))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "-EINVAL");
        expect(w.predict(call(ext(12, 0, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "-EACCES");
        expect(PvWorld.pv64(OLD).predict(call(ext(12, 0, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "-EINVAL");
        expect(w.predict(call(ext(6, 0, 0, 7, 0x1000, 0, 14, 0, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc",
                "-ENOSYS", "done", "2");
        expect(w.predict(call(ext(19, DATA, 0))), OutcomeClass.HYPERCALL, "pv.4.5", "rc", "-ENOSYS");
    }

    @Test
    @DisplayName("pv.4.6: NEW_BASEPTR to a valid L4 validates it, loads it and drops the old base")
    void newBase() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(SPARE, 0), (L3 << 12) | 0x27);
        expect(w.predict(call(ext(5, SPARE, 0))), OutcomeClass.HYPERCALL, "pv.4.6", "rc", "0", "done", "1");
    }

    @Test
    @DisplayName("pv.4.6: a kernel mov to CR3 is emulated as new_guest_cr3; a frame that cannot be the root: #GP(0)")
    void cr3Write() {
        PvWorld w = PvWorld.pv64(NOW).set(pte(SPARE, 0), (L3 << 12) | 0x27);
        expect(w.predict(new ControlWrite(SPARE << 12, Set.of(), Set.of(), null, null)), OutcomeClass.EMULATED,
                "pv.4.6", "fixup", "priv_op");
        expect(w.predict(new ControlWrite(L2 << 12, Set.of(), Set.of(), null, null)), OutcomeClass.DELIVERED,
                "pv.4.6", "vector", "13", "error_code", "0x0", "handler", "0xffffffff81000100");
    }

    @Test
    @DisplayName("pv.5.1 / pv.8.7: set_trap_table refuses a non-canonical handler today (XSA-7), not in 3.1; null "
            + "handle clears")
    void setTrapTable() {
        HypercallOp.SetTrapTable bad = new HypercallOp.SetTrapTable(List.of(new TrapInfoSpec(13, 0, 0xe033,
                0x8000000000000000L)), false);
        expect(PvWorld.pv64(NOW).predict(call(bad)), OutcomeClass.HYPERCALL, "pv.5.1", "rc", "-EINVAL");
        expect(PvWorld.pv64(OLD).predict(call(bad)), OutcomeClass.HYPERCALL, "pv.8.7", "rc", "0");
        expect(PvWorld.pv64(NOW).predict(call(new HypercallOp.SetTrapTable(List.of(), true))),
                OutcomeClass.HYPERCALL, "pv.5.1", "rc", "0");
    }

    @Test
    @DisplayName("pv.1: vm_assist: an unknown type is -EINVAL, an unknown command -ENOSYS")
    void vmAssist() {
        PvWorld w = PvWorld.pv64(NOW);
        expect(w.predict(call(new HypercallOp.VmAssist(0, 31))), OutcomeClass.HYPERCALL, "pv.1", "rc", "-EINVAL");
        expect(w.predict(call(new HypercallOp.VmAssist(2, 2))), OutcomeClass.HYPERCALL, "pv.1", "rc", "-ENOSYS");
        expect(w.predict(call(new HypercallOp.VmAssist(1, 2))), OutcomeClass.HYPERCALL, "pv.1", "rc", "0");
    }

    @Test
    @DisplayName("pv.4.7: a multicall whose calls all succeed returns 0 with done = the number of calls")
    void multicall() {
        HypercallOp m = new HypercallOp.Multicall(List.of(new HypercallOp.UpdateVaMapping(0x7000,
                (NEWDATA << 12) | 0x27, 0), new HypercallOp.VmAssist(0, 2)));
        expect(PvWorld.pv64(NOW).predict(call(m)), OutcomeClass.HYPERCALL, "pv.4.7", "hypercall", "multicall", "rc",
                "0", "done", "2");
    }

    @Test
    @DisplayName("pv.4.7: a batch sees its own earlier requests: the entry mapped by request 1 is refused as a table")
    void batchState() {
        // request 0 maps SPARE writable (writable type); request 1 makes SPARE an L1 through L2[1]: refused
        expect(PvWorld.pv64(NOW).predict(call(mmu(pte(L1, 7), (SPARE << 12) | 0x27, pte(L2, 1),
                (SPARE << 12) | 0x27))), OutcomeClass.HYPERCALL, null, "rc", "-EINVAL", "done", "1");
    }

    @Test
    @DisplayName("pv.4.7: an existing other domain as FD needs XSM rules the reference lacks: not modelled")
    void foreignDomainNotModelled() {
        HypercallOp.MmuUpdate m = new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(pte(L1, 9),
                0)), 2);
        PvWorld.notModelled(PvWorld.pv64(NOW).predict(call(m)), "XSM");
    }
}
