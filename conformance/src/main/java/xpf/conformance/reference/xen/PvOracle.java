package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Step;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.xen.DomainView;
import xpf.model.xen.PvDomainView;
import xpf.conformance.reference.CachedTranslationRule;

/**
 * The independent reference model of Xen's outcome for one step of a PV domain (64-bit and compat 32-bit; profiles
 * xen-3.1 and xen-4.22), written from ../shared/reference/xen-pv-fault-path.md and x86-paging.md as decision tables
 * (docs/reference-model-pv.md):
 * <ul>
 *   <li>{@link #STEP_ROWS}: the step-level rows (panicked Xen, crashed domain, then by operation);</li>
 *   <li>{@link Hardware}: the CPU's access (TLB, {@link xpf.conformance.reference.ReferenceWalk});</li>
 *   <li>{@link FaultPath}: §2.2/§2.3 rows a-f; {@link GdtLdtArea} §2.4; {@link Ptwr} §3.1/§3.2/§3.5/§3.6;
 *       {@link PageTypes} and {@link EntryFlags} §3.3/§4.2-§4.5; {@link EntryUpdates} §4.7 entry updates;</li>
 *   <li>{@link Delivery}: §5.2-§5.7 bounce frames (64-bit and compat slot tables) and crash rows;</li>
 *   <li>{@link Hypercalls}: §4.6/§4.7/§5.1/§5.4 return codes;</li>
 *   <li>{@link XenVersionTable}: the 3.1 vs 4.22 differences of §8.</li>
 * </ul>
 * Side-effect free (every prediction works on a private overlay of the view), deterministic, and fast enough to run
 * after every step of a property run.
 */
public final class PvOracle implements OutcomeOracle {

    /** One step-level row: its tag, what it checks, and its action. */
    record StepRow(String tag, String text, BiPredicate<PvState, Step> when,
            BiFunction<PvState, Step, Decided> then) {
    }

    /** The step-level table, evaluated in order (§6 "Domain crash vs hypervisor panic" and the operations). */
    static final List<StepRow> STEP_ROWS = List.of(
            new StepRow("pv.6", "Xen panicked: every domain answers with the panic",
                    (s, st) -> s.view.xenPanic() != null,
                    (s, st) -> Decided.panic(s.view.xenPanic(), "pv.6", "Xen already panicked")),
            new StepRow("pv.6", "the domain was crashed: it answers every later step with its crash",
                    (s, st) -> !s.view.alive(),
                    (s, st) -> Decided.crash(s.view.crashReason(), "pv.6", "the domain was crashed earlier")),
            new StepRow("pv.2", "a guest memory access", (s, st) -> st.op() instanceof GuestAccess,
                    (s, st) -> access(s, st.knobs(), (GuestAccess) st.op())),
            new StepRow("pv.4", "a hypercall", (s, st) -> st.op() instanceof Hypercall,
                    (s, st) -> Hypercalls.predict(s, st.knobs(), ((Hypercall) st.op()).call())),
            new StepRow("pv.4.6", "mov to CR3: emulated as new_guest_cr3", (s, st) -> st.op() instanceof ControlWrite,
                    (s, st) -> controlWrite(s, st.knobs(), (ControlWrite) st.op())),
            new StepRow("1.1f", "INVLPG: no fault", (s, st) -> st.op() instanceof Invlpg,
                    (s, st) -> Decided.ok(null, "1.1f", "invlpg")),
            new StepRow("pv.1", "memory changed behind the guest's back", (s, st) -> st.op() instanceof HostWrite,
                    (s, st) -> Decided.ok(null, "pv.1", "host write")));

    @Override
    public Prediction predict(DomainView before, Step step) {
        return predictPv(before, step).prediction();
    }

    /** The prediction and the intended effects (see {@link PvPrediction}). */
    public PvPrediction predictPv(DomainView before, Step step) {
        if (!(before instanceof PvDomainView v)) {
            return new PvPrediction(Prediction.notModelled("not a PV domain"), new LinkedHashMap<>());
        }
        if (step.vcpu() < 0 || step.vcpu() >= v.vcpus().size()) {
            return new PvPrediction(Prediction.notModelled("no vCPU " + step.vcpu()), new LinkedHashMap<>());
        }
        PvState s = new PvState(v, v.vcpus().get(step.vcpu()));
        try {
            Decided d;
            try {
                d = decide(s, step);
            } catch (Ended e) {
                d = e.decided;
            }
            return new PvPrediction(d.prediction(), s.xen31() ? new LinkedHashMap<>() : s.effects);
        } catch (NotModelled n) {
            return new PvPrediction(Prediction.notModelled(n.getMessage()), new LinkedHashMap<>());
        }
    }

    static Decided decide(PvState s, Step step) {
        for (StepRow r : STEP_ROWS) {
            if (r.when().test(s, step)) {
                return onReturn(s, step.knobs(), r.then().apply(s, step));
            }
        }
        throw new NotModelled("operation " + step.op().opName());
    }

    /**
     * §5.3: whenever Xen returns to the guest, an unmasked pending event is bounced to the event callback. On top
     * of a delivered exception it is part of the delivery ({@link Delivery}); after a fix, an emulation or a
     * hypercall the outcome vocabulary has no place for the upcall, so only the crash rows of that bounce are
     * predicted (no callback, a frame store that faults, a bad stack) and anything else is not modelled.
     */
    static Decided onReturn(PvState s, Knobs knobs, Decided d) {
        boolean pending = knobs.eventsPending() || s.vcpu.upcallPending() != 0;
        OutcomeClass c = d.outcome().outcomeClass();
        if (!pending || !(c == OutcomeClass.FIXED || c == OutcomeClass.EMULATED || c == OutcomeClass.HYPERCALL)) {
            return d;
        }
        Delivery.Interrupted back = s.iretReturn != null ? s.iretReturn : Delivery.current(s);
        if (back.upcallMask() != 0) {
            return d;
        }
        long cb = s.view.eventCallback();
        if (s.pv32() && cb == 0) {
            throw new NotModelled("32-bit event upcall with no callback address (callback CS not in view)");
        }
        Delivery.Bounce b = s.pv32() ? Delivery.bounce32(s, back, null, cb, 0xE019, true, "no_event_callback")
                : Delivery.bounce64(s, back, null, cb, true, "no_event_callback");
        if (b.end() != null) {
            return new Decided(b.end().outcome(), "pv.5.3", b.end().reason() + " (event upcall after "
                    + c.wireName() + ")");
        }
        throw new NotModelled("an event upcall on return from a " + c.wireName() + " step");
    }

    // ------------------------------------------------------------------------- guest accesses

    /** The CPL guest code runs at: a 64-bit PV guest always in ring 3; a 32-bit kernel in ring 1 (§1). */
    static int guestCpl(PvState s) {
        return s.pv32() && s.vcpu.kernelMode() ? 1 : 3;
    }

    static Decided access(PvState s, Knobs knobs, GuestAccess a) {
        int cpl = guestCpl(s);
        if (a.cpl() != null && a.cpl() != cpl) {
            throw new NotModelled("a PV access at CPL " + a.cpl() + " (the guest runs at CPL " + cpl + ")");
        }
        if (s.pv32() && Long.compareUnsigned(a.va(), 0xFFFFFFFFL) > 0 && !a.implicit()) {
            throw new NotModelled("a 32-bit guest's explicit access above 4 GiB");
        }
        if ((s.vcpu.rflags() & Delivery.IF) == 0) {
            throw new NotModelled("guest context with IF=0 (§2.1 step 3 fatal_trap; no reason name)");
        }
        int size = a.kind() == AccessKind.FETCH ? 1 : a.size();
        Access hw = new Access(a.va(), a.kind(), cpl, a.implicit(), a.stack());
        Hardware.Pieces p = Hardware.guest(s, hw, size);
        // §2.3 row e: in log-dirty mode the shadow maps clean frames read-only: the first write to one faults (the
        // pages of an access are checked in order, so a clean first page faults before a missing second one)
        if (s.view.logDirty() && a.kind() == AccessKind.WRITE) {
            long va = a.va();
            for (long[] r : p.ranges()) {
                long frame = r[0] >>> 12;
                if (FaultPath.cleanFrame(s, frame)) {
                    Access piece = new Access(va, a.kind(), cpl, a.implicit(), a.stack());
                    int ec = CachedTranslationRule.accessBits(Hardware.guestControls(s), piece) | PfErrorCode.P;
                    return FaultPath.handle(new FaultPath.Pf(s, knobs, a, hw, ec, va));
                }
                va += r[1];
            }
        }
        if (!p.ok()) {
            Hardware.Translation t = p.fault();
            if (t.vector() != Vectors.PF) {
                // §1.1d step 2: a non-canonical access is #GP(0)/#SS(0); Xen passes it on to the guest's handler
                return Delivery.deliver(s, knobs, t.vector(), 0, null, "1.1d");
            }
            return FaultPath.handle(new FaultPath.Pf(s, knobs, a, hw, t.errorCode(), t.cr2()));
        }
        Long value = null;
        if (a.kind() == AccessKind.READ) {
            long v = 0;
            int shift = 0;
            for (long[] r : p.ranges()) {
                v |= s.read(r[0], (int) r[1]) << shift;
                shift += (int) (8 * r[1]);
            }
            value = v;
        }
        return Decided.ok(value, "1.1a", "the access completes");
    }

    // ------------------------------------------------------------------------- mov to CR3

    /**
     * A PV kernel's {@code mov %reg,%cr3} traps (#GP) and is emulated as {@code new_guest_cr3} (§4.6, what
     * {@code MMUEXT_NEW_BASEPTR} does): a frame that can be the root table is loaded (emulated, {@code priv_op});
     * one that cannot leaves the #GP(0) for the guest.
     */
    static Decided controlWrite(PvState s, Knobs knobs, ControlWrite c) {
        if (c.cr3() == null || !c.set().isEmpty() || !c.clear().isEmpty() || c.mode() != null || c.pkru() != null) {
            throw new NotModelled("PV control-register writes other than CR3");
        }
        if (!s.vcpu.kernelMode()) {
            throw new NotModelled("mov to CR3 from guest user mode");
        }
        if (knobs.emulatorFails()) {
            throw new NotModelled("privileged-op emulation failing (knob)");
        }
        EntryUpdates.Result r = Hypercalls.newBase(s, c.cr3() >>> 12, false);
        if (r.ok()) {
            return Decided.emulated("priv_op", "pv.4.6", "new_guest_cr3 loaded the table");
        }
        return Delivery.deliver(s, knobs, Vectors.GP, 0, null, "pv.4.6");
    }
}
