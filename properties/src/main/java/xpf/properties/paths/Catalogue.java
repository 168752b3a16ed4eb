package xpf.properties.paths;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.properties.check.Observation;

/**
 * The reachability catalogue: named paths through Xen's (and the processor's) fault handling that the property suite
 * claims to reach, each classified from one step's trace (the {@code CALL} events of Xen's decision points) and
 * outcome, each with the suite that must reach it and the minimum share of that suite's tries that must reach it
 * (enforced by the engine's coverage checks: a path never reached fails the suite).
 *
 * <p>The share is "tries in which the path was reached at least once".
 */
public enum Catalogue {

    // ------------------------------------------------------------------------------------------- HVM, shadow paging
    SHADOW_PROPAGATE(Suite.HVM_SHADOW, 7, "shadow propagate: sh_page_fault builds the shadow, the retry completes",
            o -> fixup(o, OutcomeClass.FIXED, "shadow_fixup")),
    // No "shadow fast path false alarm" (sh_page_fault's reserved-bit fault on a non-magic sl1e): in Xen that is a
    // race, the sl1e changed between the processor's walk and the handler (another vCPU); the model runs one step at
    // a time and puts reserved bits only into magic entries, so no generator can reach it (docs/property-suite.md).
    SHADOW_PT_WRITE(Suite.HVM_SHADOW, 2, "PT write emulated: a write to a shadowed guest page table is emulated and "
            + "re-validated", o -> fixup(o, OutcomeClass.EMULATED, "pt_write")),
    SHADOW_UNSHADOW_USER(Suite.HVM_SHADOW, 1, "unshadow: a user-mode write to a guest page table unshadows it",
            o -> fixup(o, OutcomeClass.FIXED, "unshadow_user")),
    SHADOW_UNSHADOW_EVTINJ(Suite.HVM_SHADOW, 0.02, "unshadow: emulation with an event pending injection",
            o -> fixup(o, OutcomeClass.FIXED, "unshadow_evtinj")),
    SHADOW_UNSHADOW_UNHANDLED(Suite.HVM_SHADOW, 1, "unshadow: the emulator cannot handle the write",
            o -> fixup(o, OutcomeClass.FIXED, "unshadow_unhandled")),
    SHADOW_MMIO(Suite.HVM_SHADOW, 0.6, "MMIO emulated through the shadow MMIO path (device model)",
            o -> fixup(o, OutcomeClass.EMULATED, "mmio")),
    SHADOW_RO_DISCARD(Suite.HVM_SHADOW, 0.04, "write to a read-only p2m type emulated and discarded",
            o -> fixup(o, OutcomeClass.EMULATED, "ro_discard")),
    SHADOW_WP0(Suite.HVM_SHADOW, 0.4, "supervisor write with guest CR0.WP=0 emulated",
            o -> fixup(o, OutcomeClass.EMULATED, "wp0_write")),
    SHADOW_LOGDIRTY(Suite.HVM_SHADOW, 0.5, "log-dirty fix: a write to a log-dirty page marks it dirty and retries",
            o -> o.scenarioHasLogDirty() && o.outcomeClass() == OutcomeClass.FIXED && o.access() != null
                    && o.access().kind() == AccessKind.WRITE && o.dirtied()),
    SHADOW_OOM(Suite.HVM_SHADOW, 3, "shadow out of memory crashes the domain",
            o -> reason(o, OutcomeClass.DOMAIN_CRASH, "shadow_prealloc")),
    EMULATOR_FAULT(Suite.HVM_SHADOW, 0.03, "the emulator raises #PF and Xen injects it",
            o -> o.outcomeClass() == OutcomeClass.INJECTED && o.called("x86_emulate", "result", "EXCEPTION")),
    SVM_INJECT(Suite.HVM_SHADOW, 5, "SVM inject: a guest #PF injected with EVENTINJ and delivered",
            o -> o.spec().kind() == DomainKind.HVM_SVM && injectedPf(o)),
    VMX_INJECT(Suite.HVM_SHADOW, 4, "VMX inject: a guest #PF injected with VM-entry information and delivered",
            o -> o.spec().kind() == DomainKind.HVM_VMX && injectedPf(o)),
    INJECT_FROM_USER(Suite.HVM_SHADOW, 6, "guest #PF from user mode injected",
            o -> injectedPf(o) && cpl(o) == 3),
    INJECT_FROM_KERNEL(Suite.HVM_SHADOW, 5, "guest #PF from kernel mode injected",
            o -> injectedPf(o) && cpl(o) == 0),
    DOUBLE_FAULT(Suite.HVM_SHADOW, 2, "#DF: a fault combined into a double fault (error code 0)",
            o -> o.outcomeClass() == OutcomeClass.DOUBLE_FAULT),
    TRIPLE_FAULT(Suite.HVM_SHADOW, 8, "triple fault: shutdown with the configured reason",
            o -> o.outcomeClass() == OutcomeClass.TRIPLE_FAULT),
    COMBINE(Suite.HVM_SHADOW, 9, "hvm_combine_hw_exceptions decided an injection",
            o -> o.called("hvm_combine_hw_exceptions")),
    REQUEUE(Suite.HVM_SHADOW, 14, "the event in flight at the exit re-queued and delivered",
            o -> o.called("hvm_event_needs_reinjection", "result", "requeued")
                    || o.called("svm_intr_assist", "result", "requeued") || o.called("vmx_idtv_reinject")
                    || o.called("vmx_intr_assist", "result", "requeued")),
    DELIVERY_FAULT(Suite.HVM_SHADOW, 1, "fault while delivering (handler gate or stack unmapped)",
            o -> o.outcome() instanceof Outcome.DoubleFault df && df.cr2() != null && o.access() != null
                    && df.cr2() != o.access().va()),
    CR_WRITE_GP(Suite.HVM_SHADOW, 2, "a control-register write Xen refuses: #GP injected",
            o -> o.called("hvm_set_cr4", "result", "#GP")),
    UPDATE_PAGING_MODES(Suite.HVM_SHADOW, 2, "a paging-mode change drops every shadow",
            o -> o.called("sh_update_paging_modes")),
    XSA173_GUARD(Suite.HVM_SHADOW, 0.01, "XSA-173 guard: a shadowed superpage gfn beyond 44 bits is a reserved-bit "
            + "fault, never a truncated gfn", o -> injectedPf(o) && (ecOf(o) & PfErrorCode.RSVD) != 0
                    && o.access().va() >= 0xa00000L && o.access().va() < 0xc00000L),
    XSA176_GUARD(Suite.HVM_SHADOW, 0.01, "XSA-176 guard: PS in an L4 entry is a reserved-bit fault",
            o -> injectedPf(o) && (ecOf(o) & PfErrorCode.RSVD) != 0 && o.access().va() >= 0x8000000000L
                    && o.access().va() < 0x10000000000L),
    RSVD_FAULT(Suite.HVM_SHADOW, 0.3, "a reserved-bit #PF injected (RSVD|P)",
            o -> injectedPf(o) && (ecOf(o) & PfErrorCode.RSVD) != 0),
    XEN31_FLOW(Suite.HVM_SHADOW, 7, "the 2007 flow (xen-3.1 profile): shadow_fault / svm_inject_exception",
            o -> o.scenario().machine().xen() == XenProfile.XEN_3_1 && (injectedPf(o)
                    || o.outcomeClass() == OutcomeClass.FIXED)),

    // ------------------------------------------------------------------------------------------- HVM, HAP
    HAP_GUEST_PF(Suite.HVM_HAP, 7, "HAP: a guest #PF delivered by the hardware (no Xen involvement)",
            o -> o.outcome() instanceof Outcome.Delivered d && d.vector() == Vectors.PF),
    HAP_MMIO(Suite.HVM_HAP, 0.2, "HAP class 2/6: MMIO emulated", o -> fixup(o, OutcomeClass.EMULATED, "mmio")),
    HAP_DISCARD_WRITE(Suite.HVM_HAP, 0.1, "HAP class 6: write to a discard-write type emulated",
            o -> fixup(o, OutcomeClass.EMULATED, "hap_discard_write")),
    HAP_POD(Suite.HVM_HAP, 0.05, "HAP class 3: populate-on-demand page populated",
            o -> fixup(o, OutcomeClass.FIXED, "hap_pod")),
    HAP_UNSHARE(Suite.HVM_HAP, 0.02, "HAP class 3: write to a shared page unshared",
            o -> fixup(o, OutcomeClass.FIXED, "hap_unshare")),
    HAP_PAGING(Suite.HVM_HAP, 0.05, "HAP class 7: paged-out page paged in", o -> fixup(o, OutcomeClass.FIXED,
            "hap_paging")),
    HAP_SHARING_ENOMEM(Suite.HVM_HAP, 0.02, "HAP class 8: unsharing out of memory (crash, or the sharing ring)",
            o -> "hap_sharing_enomem".equals(o.outcome().fields().get("fixup"))
                    || "hap_sharing_enomem".equals(o.outcome().fields().get("reason"))),
    HAP_LOGDIRTY(Suite.HVM_HAP, 0.1, "HAP class 9: log-dirty write marks the page dirty",
            o -> fixup(o, OutcomeClass.FIXED, "hap_logdirty")),
    // No "HAP class 9: spurious nested fault": in Xen that is a nested fault on a p2m entry that allows the access by
    // the time the handler looks (another vCPU fixed it, or a stale nested TLB); the model's nested hardware reads
    // the current p2m entry and re-walks a denying cached translation, so no generator can reach it
    // (docs/property-suite.md).
    HAP_UNHANDLED(Suite.HVM_HAP, 1, "HAP class 10: unhandled nested fault crashes the domain",
            o -> reason(o, OutcomeClass.DOMAIN_CRASH, "npf_unhandled")),
    HAP_DOUBLE_FAULT(Suite.HVM_HAP, 2, "HAP: #DF delivered by the hardware",
            o -> o.outcomeClass() == OutcomeClass.DOUBLE_FAULT),
    HAP_REQUEUE(Suite.HVM_HAP, 11, "HAP: an event in flight at a nested-fault exit re-queued",
            o -> o.called("hvm_event_needs_reinjection", "result", "requeued") || o.called("vmx_idtv_reinject")),

    // ------------------------------------------------------------------------------------------- PV
    PV_PTWR_EMULATED(Suite.PV, 6, "PV ptwr emulated: a direct write to the guest's own L1 validated and stored",
            o -> fixup(o, OutcomeClass.EMULATED, "ptwr")),
    PV_PTWR_REFUSED(Suite.PV, 10, "PV ptwr refused: the new entry fails validation, the #PF is forwarded",
            o -> o.outcome() instanceof Outcome.Delivered d && d.vector() == Vectors.PF && o.access() != null
                    && o.called("ptwr_do_page_fault")),
    PV_PTWR_EMULATOR_FAILS(Suite.PV, 5, "PV ptwr: the emulator cannot handle the write (knob)",
            o -> o.step().knobs().emulatorFails() && o.called("ptwr_do_page_fault")
                    && o.outcomeClass() != OutcomeClass.EMULATED),
    PV_LDT_MAPPED(Suite.PV, 0.05, "PV LDT lazily mapped: a fault in the LDT area fixed silently",
            o -> fixup(o, OutcomeClass.FIXED, "ldt_mapped")),
    PV_SPURIOUS(Suite.PV, 1.2, "PV spurious fault in Xen's context: Xen's own access (the bounce frame, a hypercall's "
            + "read of guest memory) faulted on a stale TLB entry, spurious_page_fault re-walked the tables, found the "
            + "access allowed, and Xen retried (the step ends as what Xen was doing ends: a guest context fault is "
            + "the guest's, PV §2.2, so no step is ever 'fixed' by this path)",
            o -> o.called("spurious_page_fault", "result", "spurious_fault")),
    PV_LOG_DIRTY(Suite.PV, 0.3, "PV log-dirty fix: a write under shadow log-dirty marks the frame and retries",
            o -> fixup(o, OutcomeClass.FIXED, "paging")),
    PV_MMIO_RO(Suite.PV, 0.05, "PV read-only MMIO write emulated (hardware domain)",
            o -> fixup(o, OutcomeClass.EMULATED, "mmio_ro")),
    PV_FORWARDED_USER(Suite.PV, 6, "PV #PF forwarded to the guest handler from user mode",
            o -> pvForwarded(o) && o.cplBefore() == 3),
    PV_FORWARDED_KERNEL(Suite.PV, 14, "PV #PF forwarded to the guest handler from kernel mode",
            o -> pvForwarded(o) && o.cplBefore() == 0),
    PV_XEN_RANGE(Suite.PV, 4, "PV access to Xen's range forwarded as a #PF (or #GP when non-canonical)",
            o -> o.access() != null && (o.access().va() >= 0xffff800000000000L && o.access().va()
                    < 0xffff880000000000L || o.spec().kind() == DomainKind.PV32 && (o.access().va() & 0xFFFFFFFFL)
                    >= 0xF5800000L) && o.outcome() instanceof Outcome.Delivered),
    PV_NO_HANDLER_CRASH(Suite.PV, 2, "PV no #PF handler registered: the domain is crashed",
            o -> o.outcome() instanceof Outcome.DomainCrash c && "no_pf_handler".equals(c.reason())),
    PV_BOUNCE_CRASH(Suite.PV, 3, "PV bounce-frame write faults: the domain is crashed",
            o -> o.outcome() instanceof Outcome.DomainCrash c && c.reason() != null
                    && (c.reason().startsWith("domain_crash_page_fault") || c.reason().equals("bounce_frame_fault")
                    || c.reason().equals("bad_stack"))),
    PV_MMU_UPDATE_OK(Suite.PV, 4, "PV mmu_update: every request validated and applied",
            o -> o.outcome() instanceof Outcome.HypercallReturned h && h.hypercall().equals("mmu_update")
                    && h.rc() == 0),
    PV_MMU_UPDATE_REFUSED(Suite.PV, 5, "PV mmu_update refused (validation, ownership, bad command)",
            o -> o.outcome() instanceof Outcome.HypercallReturned h && h.hypercall().equals("mmu_update")
                    && h.rc() < 0),
    PV_UPDATE_VA_MAPPING(Suite.PV, 3, "PV update_va_mapping applied",
            o -> o.outcome() instanceof Outcome.HypercallReturned h && h.hypercall().equals("update_va_mapping")
                    && h.rc() == 0),
    PV_PIN(Suite.PV, 0.7, "PV mmuext pin / unpin succeeded",
            o -> o.step().op() instanceof xpf.model.scenario.Hypercall hc
                    && hc.call() instanceof xpf.model.scenario.HypercallOp.MmuextOp m
                    && m.ops().stream().anyMatch(r -> r.cmd() <= 4)
                    && o.outcome() instanceof Outcome.HypercallReturned h && h.rc() == 0),
    PV_NEW_BASEPTR(Suite.PV, 0.8, "PV mmuext new (user) base pointer loaded",
            o -> o.step().op() instanceof xpf.model.scenario.Hypercall hc
                    && hc.call() instanceof xpf.model.scenario.HypercallOp.MmuextOp m
                    && m.ops().stream().anyMatch(r -> r.cmd() == 5 || r.cmd() == 15)
                    && o.outcome() instanceof Outcome.HypercallReturned h && h.rc() == 0),
    PV_SET_TRAP_TABLE(Suite.PV, 3, "PV set_trap_table registered (or cleared) handlers",
            o -> o.outcome() instanceof Outcome.HypercallReturned h && h.hypercall().equals("set_trap_table")),
    PV_GP(Suite.PV, 3, "PV #GP forwarded (non-canonical access, privileged instruction)",
            o -> o.outcome() instanceof Outcome.Delivered d && d.vector() == Vectors.GP),
    PV_XEN31(Suite.PV, 8, "PV under the xen-3.1 profile (2007 paths)",
            o -> o.scenario().machine().xen() == XenProfile.XEN_3_1 && o.access() != null),
    PV32_BOUNCE(Suite.PV, 6, "PV 32-bit compat bounce frame",
            o -> o.spec().kind() == DomainKind.PV32 && pvForwarded(o)),
    PV_LINEAR_PT(Suite.PV, 4, "PV linear page table: a read-only same-level entry to another validated table of "
            + "the domain accepted (get_lN_linear_pagetable, PV §4.4)",
            o -> o.called("get_l2_linear_pagetable", "result", "linear")
                    || o.called("get_l3_linear_pagetable", "result", "linear")
                    || o.called("get_l4_linear_pagetable", "result", "linear")),
    XSA240_GUARD(Suite.PV, 3, "XSA-240 guard: a linear page-table chain two deep refused (linear_pt_count)",
            o -> callWhyContains(o, "do_mmu_update", "XSA-240 depth")),
    XSA286_FLUSH(Suite.PV, 2, "XSA-286 guard: an L2+ change inside a multicall flushed Xen's linear mappings "
            + "before a later update_va_mapping of the same batch used them",
            o -> linearUseAfterUpperChange(o) && callWhyContains(o, "flush_tlb_mask", "flush_linear_pt")),
    PV_STALE_LINEAR(Suite.PV, 0.8, "PV stale linear mapping: an L2+ change inside a multicall not flushed (xen-3.1) "
            + "before a later update_va_mapping of the same batch", o -> linearUseAfterUpperChange(o)
                    && o.observation().noted("Xen's linear mappings may be stale")),

    // ------------------------------------------------------------------------------------------- bare x86
    BARE_OK(Suite.BARE, 16, "bare: an access translated and completed", o -> o.outcomeClass() == OutcomeClass.OK
            && o.access() != null),
    BARE_PF(Suite.BARE, 7, "bare: #PF raised (no IDT)", o -> o.outcome() instanceof Outcome.ArchException x
            && x.vector() == Vectors.PF),
    BARE_PF_DELIVERED(Suite.BARE, 4, "bare: #PF delivered through the guest IDT",
            o -> o.outcome() instanceof Outcome.Delivered d && d.vector() == Vectors.PF),
    BARE_NON_CANONICAL(Suite.BARE, 0.4, "bare: non-canonical address #GP/#SS",
            o -> o.outcome() instanceof Outcome.ArchException x && (x.vector() == Vectors.GP
                    || x.vector() == Vectors.SS) && o.access() != null),
    BARE_DOUBLE_FAULT(Suite.BARE, 1, "bare: #PF while delivering: #DF",
            o -> o.outcomeClass() == OutcomeClass.DOUBLE_FAULT);

    /** Which property suite must reach a path. */
    public enum Suite {
        BARE, HVM_SHADOW, HVM_HAP, PV
    }

    private final Suite suite;
    private final double minPercent;
    private final String description;
    private final Predicate<Facts> when;
    /** Computed once: classify labels every path a step reaches. */
    private final String label;

    Catalogue(Suite suite, double minPercent, String description, Predicate<Facts> when) {
        this.label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        this.suite = suite;
        this.minPercent = minPercent;
        this.description = description;
        this.when = when;
    }

    /** The path's label in statistics ({@code shadow-propagate}). */
    public String label() {
        return label;
    }

    public Suite suite() {
        return suite;
    }

    /** Minimum percentage of the suite's tries that must reach the path. */
    public double minPercent() {
        return minPercent;
    }

    public String description() {
        return description;
    }

    /** {@link #values()} once (it copies the array on every call; classify runs after every step). */
    private static final Catalogue[] ALL = values();

    /** The statistics category the paths are counted in. */
    public static final String CATEGORY = "path";

    /** Every catalogued path one step reached. */
    public static List<Catalogue> classify(Facts f) {
        List<Catalogue> out = new ArrayList<>(2);
        Suite s = suiteOf(f);
        if (s == null) {
            return out;
        }
        for (Catalogue c : BY_SUITE[s.ordinal()]) {
            if (c.when.test(f)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The paths of each suite, in declaration order, computed once (classify runs after every step). */
    private static final Catalogue[][] BY_SUITE = bySuite();

    private static Catalogue[][] bySuite() {
        Catalogue[][] out = new Catalogue[Suite.values().length][];
        for (Suite s : Suite.values()) {
            out[s.ordinal()] = java.util.Arrays.stream(ALL).filter(c -> c.suite == s).toArray(Catalogue[]::new);
        }
        return out;
    }

    /** The suite whose paths apply to the acting domain's kind (null for none). */
    private static Suite suiteOf(Facts f) {
        DomainKind k = f.spec().kind();
        if (k == DomainKind.BARE) {
            return Suite.BARE;
        }
        if (k.hvm()) {
            return f.spec().paging() == HvmPaging.HAP ? Suite.HVM_HAP : Suite.HVM_SHADOW;
        }
        return k.pv() ? Suite.PV : null;
    }

    /** The paths a suite claims. */
    public static List<Catalogue> of(Suite s) {
        List<Catalogue> out = new ArrayList<>();
        for (Catalogue c : values()) {
            if (c.suite == s) {
                out.add(c);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static boolean fixup(Facts o, OutcomeClass cls, String fixup) {
        return o.outcomeClass() == cls && fixup.equals(o.outcome().fields().get("fixup"));
    }

    static boolean reason(Facts o, OutcomeClass cls, String reason) {
        return o.outcomeClass() == cls && reason.equals(o.outcome().fields().get("reason"));
    }

    static boolean injectedPf(Facts o) {
        return o.outcome() instanceof Outcome.Injected i && i.vector() == Vectors.PF && o.access() != null;
    }

    /** A CALL of {@code symbol} whose {@code why} field contains {@code text}. */
    static boolean callWhyContains(Facts o, String symbol, String text) {
        for (xpf.sim.trace.TraceEvent e : o.observation().events()) {
            if (e.kind() == xpf.sim.trace.TraceEvent.Kind.CALL && e.name().equals(symbol)) {
                String why = e.fields().get("why");
                if (why != null && why.contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A multicall that completed with an mmu_update changing an L2+ entry (Xen then flushes, or notes that it does
     * not) followed by an update_va_mapping, which finds its L1 through Xen's linear mapping.
     */
    static boolean linearUseAfterUpperChange(Facts o) {
        if (!(o.step().op() instanceof xpf.model.scenario.Hypercall hc)
                || !(hc.call() instanceof xpf.model.scenario.HypercallOp.Multicall m)
                || !(o.outcome() instanceof Outcome.HypercallReturned h) || h.rc() != 0) {
            return false;
        }
        boolean upper = false;
        for (xpf.model.scenario.HypercallOp c : m.calls()) {
            if (c instanceof xpf.model.scenario.HypercallOp.MmuUpdate) {
                upper = true;
            } else if (upper && c instanceof xpf.model.scenario.HypercallOp.UpdateVaMapping) {
                return true;
            }
        }
        return false;
    }

    static boolean pvForwarded(Facts o) {
        return o.outcome() instanceof Outcome.Delivered d && d.vector() == Vectors.PF && o.access() != null;
    }

    static int ecOf(Facts o) {
        return o.outcome() instanceof Outcome.Injected i && i.errorCode() != null ? i.errorCode() : 0;
    }

    static int cpl(Facts o) {
        GuestAccess a = o.access();
        if (a != null && a.cpl() != null) {
            return a.cpl();
        }
        return o.cplBefore();
    }

    /** An event in flight at the exit ({@code pending_event}), or null. */
    static EventSpec pending(Facts o) {
        return o.step().knobs().pendingEvent();
    }

    /** What the classifier sees of one step: the observation plus a few facts from the snapshots. */
    public interface Facts {
        Observation observation();

        int cplBefore();

        /** Whether the step added a gfn to the log-dirty set. */
        boolean dirtied();

        boolean scenarioHasLogDirty();

        default xpf.model.scenario.Scenario scenario() {
            return observation().scenario();
        }

        default xpf.model.scenario.DomainSpec spec() {
            return observation().spec();
        }

        default xpf.model.scenario.Step step() {
            return observation().step();
        }

        default Outcome outcome() {
            return observation().outcome();
        }

        default OutcomeClass outcomeClass() {
            return observation().outcomeClass();
        }

        default GuestAccess access() {
            return observation().access();
        }

        default boolean called(String symbol) {
            return observation().called(symbol);
        }

        default boolean called(String symbol, String field, String value) {
            return observation().called(symbol, field, value);
        }
    }
}
