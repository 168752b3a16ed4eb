package xpf.sim.xen.hvm.svm;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Knobs;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.trace.Trace;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.hvm.EventType;
import xpf.sim.xen.hvm.GuestRun;
import xpf.sim.xen.hvm.HapNestedFault;
import xpf.sim.xen.hvm.HvmArch;
import xpf.sim.xen.hvm.HvmEvent;
import xpf.sim.xen.hvm.HvmExceptions;
import xpf.sim.xen.hvm.HvmInjection;
import xpf.sim.xen.hvm.HvmPaging;
import xpf.sim.xen.hvm.HvmProfile;
import xpf.sim.xen.hvm.HvmTrace;
import xpf.sim.xen.hvm.HvmVcpu;
import xpf.sim.xen.hvm.HwExit;
import xpf.sim.xen.hvm.StepLog;
import xpf.sim.xen.mm.shadow.ShadowPaging;

/**
 * AMD SVM for one vCPU (xen/arch/x86/hvm/svm/{svm.c,entry.S,intr.c,vmcb.c}; xen-hvm-fault-path.md §1): the VMCB,
 * {@code construct_vmcb}'s intercepts, the VMRUN loop ({@code svm_asm_do_resume} with {@code svm_intr_assist}), the
 * exit handler ({@code svm_vmexit_handler}: EXITINTINFO re-queue, #PF → {@code paging_fault}, NPF →
 * {@code svm_do_nested_pgfault}, SHUTDOWN → {@code hvm_triple_fault}) and {@code svm_inject_event}.
 */
public final class Svm extends HvmArch {

    private final Vmcb vmcb = new Vmcb();
    private final HvmProfile profile;
    /** 3.1: EXITINTINFO waiting for {@code svm_intr_assist} (which re-queues external interrupts only). */
    private IntInfo deferred;

    public Svm(HvmVcpu v) {
        super(v);
        this.profile = v.domain().profile();
        constructVmcb();
    }

    public Vmcb vmcb() {
        return vmcb;
    }

    @Override
    public boolean svm() {
        return true;
    }

    /**
     * {@code construct_vmcb}: exceptions in {@code HVM_TRAP_MASK} always intercepted; shadow paging adds #PF and the
     * CR3/INVLPG intercepts; HAP enables nested paging with {@code h_cr3} = the p2m root instead.
     */
    @XenFunction(symbol = "construct_vmcb", file = "xen/arch/x86/hvm/svm/vmcb.c", version = "3.1, 4.22")
    private void constructVmcb() {
        vmcb.exceptionIntercepts = profile.trapMask();
        if (v.domain().hap()) {
            vmcb.npEnable = true;
            vmcb.hCr3 = 0x1000L * (0x100 + v.domain().domid()); // a token for the p2m root
        } else {
            vmcb.exceptionIntercepts |= 1 << Vectors.PF;
            vmcb.cr3Intercepts = true;
            vmcb.invlpgIntercept = true;
        }
    }

    @Override
    public boolean intercepts(int vector, int ec) {
        return (vmcb.exceptionIntercepts & (1 << vector)) != 0;
    }

    @Override
    public boolean eventPending() {
        return IntInfo.decode(vmcb.eventInj).valid();
    }

    /** {@code svm_event_injection_faulted} (3.1): EXITINTINFO.V. */
    @Override
    public boolean eventInjectionFaulted() {
        return IntInfo.decode(vmcb.exitIntInfo).valid();
    }

    @Override
    public long guestVisibleCr2() {
        return vmcb.cr2;
    }

    @Override
    public void hardwareWritesCr2(long cr2) {
        vmcb.cr2 = cr2;
    }

    @Override
    public SequencedMap<String, Long> eventFields() {
        SequencedMap<String, Long> m = new LinkedHashMap<>();
        m.put("eventinj", vmcb.eventInj);
        m.put("exitcode", vmcb.exitcode);
        m.put("exitinfo1", vmcb.exitinfo1);
        m.put("exitinfo2", vmcb.exitinfo2);
        m.put("exit_int_info", vmcb.exitIntInfo);
        m.put("cr2", vmcb.cr2);
        return m;
    }

    /** 3.1: EXITINTINFO waiting for svm_intr_assist (for the view). */
    @Override
    public SequencedMap<String, Long> xenState() {
        SequencedMap<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("deferred_exit_int_info", deferred == null ? 0L : deferred.encode());
        return m;
    }

    @Override
    public SequencedMap<String, Long> fields() {
        return vmcb.fields();
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * {@code svm_asm_do_resume}: {@code svm_intr_assist}, VMRUN (the processor takes EVENTINJ and delivers it, or
     * runs the instruction), #VMEXIT, {@code svm_vmexit_handler}, and again, until the step's instruction is
     * finished: completed by the guest, emulated by Xen, or abandoned because an event handler now runs.
     */
    @Override
    @XenFunction(symbol = "svm_asm_do_resume", file = "xen/arch/x86/hvm/svm/entry.S", version = "3.1, 4.22")
    public void run(GuestAccess insn, Knobs knobs, StepLog log, Trace t) {
        GuestAccess pending = insn;
        boolean first = true;
        for (int exits = 0;; exits++) {
            if (!v.domain().alive()) {
                return;
            }
            if (exits >= xpf.sim.xen.hvm.HvmDomain.MAX_EXITS) {
                log.livelock();
                t.note("livelock: " + exits + " exits without progress; the guest would loop forever here");
                return;
            }
            svmIntrAssist(t);
            if (pending == null && !eventPending() && !v.raisesException()) {
                return;
            }
            HvmEvent inject = IntInfo.decode(vmcb.eventInj).event(vmcb.cr2);
            HvmTrace.vmentry(t, profile);
            t.resume("VMRUN", "eventinj", vmcb.eventInj, "cr2", vmcb.cr2, "asid", vmcb.guestAsid, "seed_step", 5);
            vmcb.eventInj = 0; // the processor takes the event
            GuestRun r = v.runHardware(inject, inject == null ? pending : null, t);
            switch (r) {
                case GuestRun.Completed c -> {
                    log.completed(c.value());
                    return;
                }
                case GuestRun.Delivered d -> {
                    log.delivered(d);
                    return;
                }
                case GuestRun.Exit e -> {
                    encodeExit(e.exit(), first ? knobs.pendingEvent() : null);
                    first = false;
                    if (svmVmexitHandler(pending, knobs, log, t)) {
                        pending = null;
                    }
                }
            }
        }
    }

    /** The processor writes the exit into the VMCB (the step's pending_event knob stands for EXITINTINFO). */
    private void encodeExit(HwExit exit, EventSpec knob) {
        vmcb.exitinfo1 = 0;
        vmcb.exitinfo2 = 0;
        switch (exit) {
            case HwExit.Exception x -> {
                vmcb.exitcode = SvmExitCode.exception(x.vector());
                vmcb.exitinfo1 = x.errorCode() == null ? 0 : Integer.toUnsignedLong(x.errorCode());
                vmcb.exitinfo2 = x.va();
            }
            case HwExit.NestedFault n -> {
                var f = n.fault();
                vmcb.exitcode = SvmExitCode.VMEXIT_NPF;
                long ec = PfErrorCode.U; // nested walks are user accesses [MEM]
                if (f.present()) {
                    ec |= PfErrorCode.P;
                }
                if (f.kind() == AccessKind.WRITE) {
                    ec |= PfErrorCode.W;
                }
                if (f.kind() == AccessKind.FETCH) {
                    ec |= PfErrorCode.I;
                }
                ec |= f.finalAccess() ? SvmExitCode.NPT_PFEC_WITH_GLA : SvmExitCode.NPT_PFEC_IN_GPT;
                vmcb.exitinfo1 = ec;
                vmcb.exitinfo2 = f.gpa();
            }
            case HwExit.Shutdown s -> vmcb.exitcode = SvmExitCode.VMEXIT_SHUTDOWN;
        }
        HvmEvent idtv = exit.idtVectoring();
        if (knob != null) {
            Integer ec = knob.errorCode();
            idtv = new HvmEvent(knob.vector(), EventType.fromWire(knob.type()), ec, null);
        }
        vmcb.exitIntInfo = idtv == null ? 0 : IntInfo.of(idtv).encode();
    }

    /**
     * {@code svm_vmexit_handler}.
     *
     * @return true if the step's instruction was completed by emulation
     */
    @XenFunction(symbol = "svm_vmexit_handler", file = "xen/arch/x86/hvm/svm/svm.c", version = "3.1, 4.22")
    boolean svmVmexitHandler(GuestAccess insn, Knobs knobs, StepLog log, Trace t) {
        long exitcode = vmcb.exitcode;
        t.vmexit("#VMEXIT", "exitcode", exitcode, "name", SvmExitCode.name(exitcode), "exitinfo1", vmcb.exitinfo1,
                "exitinfo2", vmcb.exitinfo2, "exit_int_info", vmcb.exitIntInfo, "seed_step", 1);
        HvmTrace.vmexit(t, profile, true, exitcode, v.rip(), v.longMode());
        v.setGuestCr2(vmcb.cr2); // guest_cr[2] := VMCB CR2 on every exit
        vmcb.cleanbits = 0;
        requeue(t);
        t.call("svm_vmexit_handler", "exitcode", exitcode, "name", SvmExitCode.name(exitcode));
        if (exitcode == SvmExitCode.VMEXIT_EXCEPTION_PF) {
            long va = vmcb.exitinfo2;
            int ec = (int) vmcb.exitinfo1;
            ShadowPaging.Result r = HvmPaging.pagingFault(v, va, ec, insn, knobs, t);
            if (r.rc() != 0) {
                if (!v.domain().tracingShadow()) {
                    HvmTrace.pfXen(t, profile, r.errorCode(), va, v.longMode());
                }
                if (profile.asidFlushAfterFix()) {
                    vmcb.guestAsid++; // ARCH_SVM_VMCB_ASSIGN_ASID: a new ASID flushes the guest's TLB
                    t.call("svm_asid", "result", "new ASID after a fixed shadow fault", "asid", vmcb.guestAsid);
                }
                return HvmPaging.recordFixed(v, r);
            }
            if (v.domain().alive()) {
                HvmInjection.hvmInjectPageFault(v, r.errorCode(), va, t);
            }
            return false;
        }
        if (exitcode == SvmExitCode.VMEXIT_NPF) {
            long ec = vmcb.exitinfo1;
            long gpa = vmcb.exitinfo2;
            if ((ec & PfErrorCode.P) != 0) {
                t.call("p2m_pt_handle_deferred_changes", "gpa", gpa, "result", 0);
            }
            return svmDoNestedPgfault(gpa, ec, insn, knobs, log, t);
        }
        if (exitcode == SvmExitCode.VMEXIT_SHUTDOWN) {
            t.call("svm_vmexit_handler.shutdown", "log", "triple fault");
            HvmInjection.hvmTripleFault(v, "shutdown_exit", t);
            return false;
        }
        v.domainCrash("unexpected_exit", "unexpected exit code 0x" + Long.toHexString(exitcode), t);
        return false;
    }

    /** Re-queue of the event the exit interrupted (EXITINTINFO → EVENTINJ), per the profile. */
    private void requeue(Trace t) {
        IntInfo ii = IntInfo.decode(vmcb.exitIntInfo);
        if (!ii.valid()) {
            return;
        }
        if (v.domain().xen().bug("no-idt-vectoring-requeue")) {
            t.call("svm_vmexit_handler.requeue", "exit_int_info", vmcb.exitIntInfo, "result", "dropped");
            return;
        }
        switch (profile.svmRequeue()) {
            case EXIT_HANDLER_NEEDS_REINJECTION -> {
                if (HvmExceptions.hvmEventNeedsReinjection(EventType.of(ii.type()), ii.vector())) {
                    vmcb.eventInj = vmcb.exitIntInfo;
                    t.call("hvm_event_needs_reinjection", "vector", ii.vector(), "type", ii.type(), "result",
                            "requeued", "eventinj", vmcb.eventInj);
                } else {
                    t.call("hvm_event_needs_reinjection", "vector", ii.vector(), "type", ii.type(), "result",
                            "not requeued");
                }
            }
            case INTR_ASSIST_EXT_INTR_ONLY, INTR_ASSIST_UNLESS_INJECTED -> deferred = ii;
        }
    }

    /**
     * {@code svm_intr_assist}: in 3.1 the EXITINTINFO re-queue of external interrupts (an interrupted exception is
     * dropped); never injects an interrupt over a pending event (there are no interrupt sources in this model).
     */
    @XenFunction(symbol = "svm_intr_assist", file = "xen/arch/x86/hvm/svm/intr.c", version = "3.1, 4.22")
    private void svmIntrAssist(Trace t) {
        if (deferred != null) {
            IntInfo ii = deferred;
            deferred = null;
            if (ii.type() == IntInfo.TYPE_INTR && !eventPending()) {
                vmcb.eventInj = ii.encode();
                t.call("svm_intr_assist", "exitintinfo", ii.encode(), "result", "requeued");
            } else {
                t.call("svm_intr_assist", "exitintinfo", ii.encode(), "result", "dropped");
            }
        }
        if (eventPending()) {
            t.call("svm_intr_assist", "result", "event pending: no interrupt injected over it");
        }
    }

    /**
     * {@code svm_do_nested_pgfault}: npfec = {read = !I, write = W, fetch = I, present = P, final from bit 32}; the
     * guest-linear address is unknown on SVM.
     */
    @XenFunction(symbol = "svm_do_nested_pgfault", file = "xen/arch/x86/hvm/svm/svm.c", version = "4.22")
    private boolean svmDoNestedPgfault(long gpa, long ec, GuestAccess insn, Knobs knobs, StepLog log, Trace t) {
        HapNestedFault.Npfec npfec = new HapNestedFault.Npfec((ec & PfErrorCode.I) == 0, (ec & PfErrorCode.W) != 0,
                (ec & PfErrorCode.I) != 0, (ec & PfErrorCode.P) != 0, false,
                (ec & SvmExitCode.NPT_PFEC_WITH_GLA) != 0);
        HapNestedFault.Result r = HapNestedFault.hvmHapNestedPageFault(v, gpa, ~0L, npfec, insn, knobs, t);
        // SVM traces TRC_HVM_NPF after handling, re-reading the p2m entry, qualification 0 (svm_do_nested_pgfault).
        var after = v.domain().p2m().lookup(gpa >>> 12);
        HvmTrace.npf(t, gpa, after.mfn(), 0, after.type().value());
        t.call("svm_do_nested_pgfault", "gpa", gpa, "rc", r.rc().value(), "class", r.fixup());
        if (r.rc() == HapNestedFault.Rc.CRASH) {
            v.domainCrash(r.fixup(), String.format("SVM violation gpa %#x, mfn %#x, type %d", gpa, r.entry().mfn(),
                    r.entry().type().value()), t);
            return false;
        }
        return HvmPaging.recordHap(v, r);
    }

    /**
     * {@code svm_inject_event}: for #PF, guest CR2 and VMCB CR2 are written before any combination (8dab867c81); a
     * pending hardware exception in EVENTINJ is combined with {@code hvm_combine_hw_exceptions} (#DF → error code
     * 0); the new EVENTINJ is V=1, type, vector, EV and the error code. In 3.1 ({@code svm_inject_exception}) there is
     * no combination: the pending event is overwritten (the ASSERT is a debug-build check).
     */
    @Override
    @XenFunction(symbol = "svm_inject_event", file = "xen/arch/x86/hvm/svm/svm.c", version = "3.1, 4.22",
            formerly = {"svm_inject_exception"})
    public HvmEvent injectEvent(HvmEvent e, Trace t) {
        IntInfo pending = IntInfo.decode(vmcb.eventInj);
        int vector = e.vector();
        Integer ec = e.errorCode();
        boolean pf = vector == Vectors.PF && e.type() == EventType.HW_EXC;
        boolean cr2Late = v.domain().xen().bug("cr2-after-combine");
        if (pf && !cr2Late) {
            v.setGuestCr2(e.cr2());
            vmcb.cr2 = e.cr2();
        }
        if (pending.valid()) {
            boolean combine = profile.combineExceptions() && !v.domain().xen().bug("no-df-combine");
            if (combine && pending.type() == IntInfo.TYPE_EXCEPTION && e.type() == EventType.HW_EXC) {
                HvmExceptions.Combined c = HvmExceptions.hvmCombineHwExceptions(pending.vector(), vector);
                t.call("hvm_combine_hw_exceptions", "vec1", pending.vector(), "vec2", vector, "result", c.vector());
                if (c.tripleFault()) {
                    HvmInjection.hvmTripleFault(v, "fault while delivering #DF", t);
                }
                vector = c.vector();
                if (vector == Vectors.DF) {
                    ec = 0;
                }
            } else if (!profile.combineExceptions()) {
                t.note("ASSERT(!eventinj.v) in svm_inject_exception: pending event 0x"
                        + Long.toHexString(vmcb.eventInj) + " is overwritten");
            }
        }
        if (pf && cr2Late && vector == Vectors.PF) {
            v.setGuestCr2(e.cr2());
            vmcb.cr2 = e.cr2();
        }
        HvmEvent written = new HvmEvent(vector, e.type(), ec, vector == Vectors.PF ? e.cr2() : null);
        vmcb.eventInj = IntInfo.of(written).encode();
        t.call(profile.svmInjectSymbol(), "eventinj", vmcb.eventInj, "vector", vector, "ec",
                ec == null ? "-" : vector == Vectors.PF ? Trace.ec(ec) : ec, "cr2", vmcb.cr2, "seed_step", 4);
        if (vector == Vectors.PF) {
            HvmTrace.pfInject(t, profile, ec, vmcb.cr2);
        } else {
            HvmTrace.injExc(t, vector, ec);
        }
        return written;
    }
}
