package xpf.properties.check;

import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;

/**
 * Simulator behaviours the suite found, reported to the lead with a shrunk scenario (properties/findings/), and
 * excluded here as narrowly as possible so that the rest of the suite keeps running green. Each exclusion is counted
 * (statistics label {@code known issue: ...}), so a run shows how often it was hit; when the simulator changes, the
 * exclusion is removed.
 */
public final class KnownIssues {

    private KnownIssues() {
    }

    /**
     * livelock-user-write-to-own-walk-table.yaml: a user-mode write to a guest page table that is itself on the walk
     * of the written address (a user-writable alias of the top-level table, or of a table under which the alias
     * lives) is answered with {@code unshadow_user} forever: the retry's own walk shadows the table again and the
     * propagation removes RW from the alias (shadowed page table), so the write faults again; 16 exits later the
     * model reports a livelock. Real Xen has the same structure (sh_page_fault E2, then _sh_propagate on the retry), so
     * this is reported as a question for the lead, not as a simulator bug.
     */
    static boolean userWriteToOwnWalkTable(Observation o, Snapshot.Hvm before) {
        WalkProbe.Probe p = before.probe();
        if (o.outcomeClass() != OutcomeClass.FIXED || !"unshadow_user".equals(o.outcome().fields().get("fixup"))
                || o.access() == null || o.access().kind() != AccessKind.WRITE || p == null || p.outcome().fault()) {
            return false;
        }
        long frame = p.outcome().pa() >>> 12;
        if (frame == before.controls().cr3() >>> 12) {
            return true;
        }
        for (long addr : p.words().keySet()) {
            if (addr >>> 12 == frame) {
                return true;
            }
        }
        return false;
    }

    /**
     * livelock-shadow-read-of-paged-gfn.yaml: under shadow paging, an access to a gfn of a paging or sharing p2m type
     * (ram_paged, ram_paging_out, ram_shared, ram_broken) is "fixed" with an empty shadow entry, and the retry faults
     * the same way until the model reports a livelock. Xen's {@code get_gfn} (P2M_ALLOC) would start paging the page
     * in and return an invalid mfn (F9: a #PF is injected), or the pager would complete; the model's shadow path does
     * neither (under HAP the pager completes at once).
     */
    static boolean shadowAccessToPagingType(Observation o, Snapshot.Hvm before) {
        WalkProbe.Probe p = before.probe();
        if (p == null || p.outcome().fault() || "hap".equals(before.view().paging())) {
            return false;
        }
        long gfn = p.outcome().pa() >>> 12;
        for (var e : before.view().p2m()) {
            if (e.gfn() == gfn) {
                return switch (e.type()) {
                    case RAM_PAGED, RAM_PAGING_OUT, RAM_PAGING_IN, RAM_SHARED, RAM_BROKEN -> true;
                    default -> false;
                };
            }
        }
        return false;
    }

    /**
     * The unshadow-and-retry loop: Xen answers a fault by unshadowing the target and letting the guest retry (E2 user
     * write to a page table, E5 emulation with an event pending, E8 unhandleable emulation), but the retry faults the
     * same way, so Xen unshadows again, forever. Found as livelock-user-write-to-own-walk-table.yaml (the retry's
     * own walk shadows the table again), livelock-wp0-delivery-to-read-only-stack.yaml and
     * livelock-event-delivery-onto-page-table-stack.yaml (E5: a delivery's stack write needs emulation while the
     * event is pending), livelock-wp0-write-to-read-only-mmio-direct.yaml (E8: the CR0.WP=0 emulation of a write to
     * direct MMIO is unhandleable and there is nothing to unshadow). Xen's E2/E5/E8 rules have the same structure.
     *
     * @return the unshadow reason, or null when the step did not unshadow twice
     */
    static String unshadowLoop(Observation o) {
        int n = 0;
        String why = null;
        for (var e : o.events()) {
            if (e.kind() == xpf.sim.trace.TraceEvent.Kind.CALL && e.name().equals("shadow_remove_all_shadows")) {
                n++;
                why = e.fields().get("why");
            }
        }
        return n >= 2 ? why : null;
    }

    /**
     * livelock-implicit-supervisor-access-smap-ac.yaml: an implicit supervisor access (descriptor-table read at CPL
     * 0) to a user page with SMAP on and EFLAGS.AC=1: the processor faults (SMAP ignores AC for implicit accesses),
     * Xen's walk cannot tell the access was implicit (the hardware error code has no such bit; Xen derives
     * PFEC_implicit only at CPL 3), finds it allowed, fixes the shadow, and the retry faults again.
     */
    static boolean implicitSupervisorSmapAc(Observation o, Snapshot.Hvm before) {
        // The step's own implicit access, or the IDT gate read of a delivery (also implicit: see
        // livelock-gate-read-of-user-idt-smap-ac.yaml).
        return o.access() != null && before.controls().cr4Smap() && before.controls().eflagsAc()
                && (o.access().implicit() || o.noted("livelock"));
    }

    /**
     * livelock-rmw-emulation-on-discard-write-table.yaml: an XCHG/CMPXCHG emulated on a page whose p2m type discards
     * writes (here a shadowed page table in a ram_ro frame): the model's emulator answers RETRY every time, so the
     * guest retries forever. In Xen, sh_emulate_map_dest returns MAPPING_SILENT_FAIL for discard-write types, which
     * the emulator reports as X86EMUL_OKAY (the write is dropped and the instruction retires): a simulator bug.
     */
    static boolean retryLoop(Observation o) {
        int n = 0;
        for (var e : o.events()) {
            if (e.kind() == xpf.sim.trace.TraceEvent.Kind.CALL && e.name().equals("x86_emulate")
                    && "RETRY".equals(e.fields().get("result"))) {
                n++;
            }
        }
        return n >= 2;
    }

    /** The label of the known issue that explains a livelock or an unfinished retry of this step, or null. */
    static String livelock(Observation o, Snapshot.Hvm before) {
        if (userWriteToOwnWalkTable(o, before)) {
            return "known issue: livelock on a user write to a table of its own walk";
        }
        if (shadowAccessToPagingType(o, before)) {
            return "known issue: livelock on a shadowed access to a paging/sharing p2m type";
        }
        if (retryLoop(o)) {
            return "known issue: livelock: a read-modify-write emulated on a discard-write page retries forever";
        }
        String loop = unshadowLoop(o);
        if (loop != null) {
            return "known issue: livelock in an unshadow-and-retry loop (" + loop + ")";
        }
        if (implicitSupervisorSmapAc(o, before)) {
            return "known issue: livelock on an implicit supervisor access to a user page (SMAP, AC=1)";
        }
        return null;
    }

    /**
     * npe-event-delivery-through-mmio-page.yaml, npe-event-delivery-write-needs-emulation.yaml: when an event
     * delivery's own access (the IDT gate read, a stack push) needs Xen's emulator (the page is emulated MMIO, a
     * shadowed page table, or read-only with CR0.WP=0), the shadow code hands the emulator no instruction:
     * NullPointerException in X86Emulate.emulate (a simulator bug; the run cannot continue).
     *
     * @return the label of the known crash, or null when {@code t} is not one
     */
    public static String knownCrash(Throwable t) {
        if (t instanceof NullPointerException) {
            StackTraceElement[] st = t.getStackTrace();
            if (st.length > 0 && st[0].getClassName().endsWith("X86Emulate")) {
                return "known issue: simulator NPE when an event delivery's access needs emulation";
            }
        }
        return null;
    }

    static final String STALE_PAE = "known issue: stale PAE top-level shadow after a PDPT change";

    /**
     * stale-pae-shadow-after-pdpt-change.yaml: a PAE guest's PDPT changes while another CR3 is loaded; when the guest
     * loads the old CR3 again, the kept top-level shadow still maps what the old PDPTEs mapped (the model keeps the
     * top-level shadow keyed by the PDPT address and does not rebuild it from the newly loaded PDPTEs), so shadow
     * entries exist where the guest's walk fails. Once this happened in a run, the shadow invariants of that run
     * ignore "shadow present but the guest walk fails" (and the rights that follow from it).
     */
    static boolean stalePaeTopShadow(Observation o, Snapshot.Hvm before) {
        return before.mode() == xpf.model.x86.PagingMode.PAE
                && o.step().op() instanceof xpf.model.scenario.ControlWrite w && w.cr3() != null;
    }

    static final String MIXED_MODES = "known issue: one top-level shadow for vCPUs in different paging modes";

    /**
     * shared-shadow-across-vcpus-in-different-modes.yaml: two vCPUs load the same CR3 in different paging modes (one
     * changed its mode); the model keys top-level shadows by the CR3 address only, so one vCPU runs on shadow entries
     * built by the other's walk in the other mode (Xen's shadows are typed by guest paging level, so each mode has
     * its own). Once this happened in a run, its shadow invariants are relaxed as for the stale PAE case.
     */
    static boolean vcpusInDifferentModes(xpf.sim.xen.hvm.HvmDomain d) {
        var view = d.view();
        if (view.vcpus().size() < 2) {
            return false;
        }
        String m = view.vcpus().get(0).mode();
        for (var v : view.vcpus()) {
            if (!java.util.Objects.equals(v.mode(), m)) {
                return true;
            }
        }
        return false;
    }

    static final String UNSHADOW_IN_USE = "known issue: unshadowing a table that cannot be dropped";

    /**
     * writable-mapping-of-reshadowed-top-level-table.yaml: a write to another vCPU's current top-level table (through
     * an alias) is unhandleable, so Xen unshadows the table, but the in-use top level cannot be dropped (dropped=0);
     * the model nevertheless stops treating the frame as a page table, the retry maps it writable, and when the other
     * vCPU's walk shadows it again the writable mapping stays: a writable mapping of a shadowed page table. Once a
     * run unshadowed a table it could not drop, "writable mapping of a shadowed page table" is not checked in it.
     */
    static boolean unshadowInUse(Observation o) {
        return o.called("shadow_remove_all_shadows", "dropped", "0");
    }
}
