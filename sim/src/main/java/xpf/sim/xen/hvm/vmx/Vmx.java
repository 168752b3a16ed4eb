package xpf.sim.xen.hvm.vmx;

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
import xpf.sim.xen.hvm.HvmDomain;
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
 * Intel VMX for one vCPU (xen/arch/x86/hvm/vmx/{vmx.c,entry.S,intr.c,vmcs.c}; xen-hvm-fault-path.md §2): the VMCS,
 * {@code construct_vmcs}'s exception bitmap and PFEC mask/match, the entry path (guest CR2 loaded into %cr2 before
 * VMRESUME, VM-entry checks), {@code vmx_vmexit_handler} (%cr2 read back into {@code guest_cr2} first, IDT-vectoring
 * re-injection {@code vmx_idtv_reinject}, exit reason 0 / vector 14 → {@code paging_fault}, 2 → triple fault, 48 →
 * {@code ept_handle_violation}) and {@code vmx_inject_event} → {@code __vmx_inject_exception}.
 */
public final class Vmx extends HvmArch {

    private final Vmcs vmcs = new Vmcs();
    private final HvmProfile profile;
    /** 3.1: the IDT-vectoring event waiting for {@code vmx_intr_assist}. */
    private long deferredIdtv;
    private long deferredIdtvEc;
    /** 3.1's {@code vector_injected}: Xen injected something since the last exit. */
    private boolean vectorInjected;
    /** %cr2 was written by the processor while the guest ran (no exit since): guest_cr2 is behind it. */
    private boolean cr2WrittenInGuest;

    public Vmx(HvmVcpu v) {
        super(v);
        this.profile = v.domain().profile();
        constructVmcs();
    }

    public Vmcs vmcs() {
        return vmcs;
    }

    @Override
    public boolean svm() {
        return false;
    }

    /**
     * {@code construct_vmcs}: the exception bitmap is {@code HVM_TRAP_MASK} plus #PF when not HAP, with PFEC mask
     * and match 0 (so every guest #PF exits when bit 14 is set); HAP enables EPT.
     */
    @XenFunction(symbol = "construct_vmcs", file = "xen/arch/x86/hvm/vmx/vmcs.c", version = "3.1, 4.22")
    private void constructVmcs() {
        vmcs.exceptionBitmap = Integer.toUnsignedLong(profile.trapMask());
        if (v.domain().hap()) {
            vmcs.eptEnable = true;
        } else {
            vmcs.exceptionBitmap |= 1L << Vectors.PF;
        }
        vmcs.pfecMask = 0;
        vmcs.pfecMatch = 0;
    }

    /**
     * The exception bitmap; for #PF the SDM rule: if (PFEC &amp; MASK) == MATCH the bitmap bit is obeyed, otherwise
     * its opposite [manual].
     */
    @Override
    public boolean intercepts(int vector, int ec) {
        boolean bit = (vmcs.exceptionBitmap & (1L << vector)) != 0;
        if (vector == Vectors.PF) {
            boolean match = (Integer.toUnsignedLong(ec) & vmcs.pfecMask) == vmcs.pfecMatch;
            return match == bit;
        }
        return bit;
    }

    @Override
    public boolean eventPending() {
        return IntrInfo.decode(vmcs.entryIntrInfo).valid();
    }

    /** {@code vmx_event_injection_faulted} (3.1): IDT-vectoring information valid. */
    @Override
    public boolean eventInjectionFaulted() {
        return IntrInfo.decode(vmcs.idtVectoringInfo).valid();
    }

    @Override
    public long guestVisibleCr2() {
        return vmcs.hwCr2;
    }

    @Override
    public void hardwareWritesCr2(long cr2) {
        vmcs.hwCr2 = cr2;
        cr2WrittenInGuest = true;
    }

    @Override
    public SequencedMap<String, Long> eventFields() {
        SequencedMap<String, Long> m = new LinkedHashMap<>();
        m.put("entry_intr_info", vmcs.entryIntrInfo);
        m.put("entry_error_code", vmcs.entryErrorCode);
        m.put("exit_reason", vmcs.exitReason);
        m.put("exit_intr_info", vmcs.exitIntrInfo);
        m.put("exit_intr_error_code", vmcs.exitIntrErrorCode);
        m.put("exit_qualification", vmcs.exitQualification);
        m.put("idt_vectoring_info", vmcs.idtVectoringInfo);
        m.put("idt_vectoring_error_code", vmcs.idtVectoringErrorCode);
        m.put("guest_cr2", v.guestCr2());
        return m;
    }

    /** 3.1: the IDT-vectoring event waiting for vmx_intr_assist, and vector_injected (for the view). */
    @Override
    public SequencedMap<String, Long> xenState() {
        SequencedMap<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("deferred_idtv", deferredIdtv);
        m.put("deferred_idtv_error_code", deferredIdtvEc);
        m.put("vector_injected", vectorInjected ? 1L : 0L);
        return m;
    }

    @Override
    public SequencedMap<String, Long> fields() {
        return vmcs.fields();
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The VMX entry/exit loop ({@code vmx_asm_do_vmentry} / {@code vmx_asm_vmexit_handler}): {@code vmx_intr_assist},
     * load guest CR2 into %cr2, VM-entry checks, VMRESUME, exit (read %cr2 into {@code guest_cr2}),
     * {@code vmx_vmexit_handler}, until the step's instruction is finished.
     */
    @Override
    @XenFunction(symbol = "vmx_asm_do_vmentry", file = "xen/arch/x86/hvm/vmx/entry.S", version = "3.1, 4.22")
    public void run(GuestAccess insn, Knobs knobs, StepLog log, Trace t) {
        GuestAccess pending = insn;
        boolean first = true;
        if (cr2WrittenInGuest) {
            // The processor wrote %cr2 while the guest ran (a #PF it delivered itself, HAP); the exit that hands this
            // step to Xen reads %cr2 into guest_cr2 before anything else (vmx_asm_vmexit_handler, entry.S,
            // xen-hvm-fault-path.md §2.3 step 1), so the value Xen loads back before the next VM entry is the
            // guest's. Fixed (rule hvm.2.3): the model loaded its stale guest_cr2 over it.
            v.setGuestCr2(vmcs.hwCr2);
            cr2WrittenInGuest = false;
        }
        for (int exits = 0;; exits++) {
            if (!v.domain().alive()) {
                return;
            }
            if (exits >= HvmDomain.MAX_EXITS) {
                log.livelock();
                t.note("livelock: " + exits + " exits without progress; the guest would loop forever here");
                return;
            }
            vmxIntrAssist(t);
            if (pending == null && !eventPending() && !v.raisesException()) {
                return;
            }
            vmcs.hwCr2 = v.guestCr2(); // Xen loads the software guest CR2 into %cr2 right before entry
            IntrInfo entry = IntrInfo.decode(vmcs.entryIntrInfo);
            if (entry.valid() && entry.deliverErrorCode() && (vmcs.entryErrorCode & 0xFFFF8000L) != 0) {
                // SDM vol. 3C §26.2.1.3 (checks on VM-entry control fields): "If the deliver-error-code bit (bit 11)
                // is 1, bits 31:15 of the VM-entry exception error-code field are 0." VM entry fails (VMfailValid,
                // VM-instruction error 7, invalid control fields) and Xen crashes the domain.
                vmcs.vmInstructionError = 7;
                t.hardware("vmentry_failure", "entry_intr_info", vmcs.entryIntrInfo, "entry_error_code",
                        vmcs.entryErrorCode, "vm_instruction_error", 7);
                v.domainCrash("vmentry_failure", "VM entry failed (VM-instruction error 7): VM-entry exception "
                        + "error code 0x" + Long.toHexString(vmcs.entryErrorCode) + " has bits 31:15 set", t);
                return;
            }
            HvmEvent inject = entry.event(vmcs.entryErrorCode, vmcs.hwCr2);
            HvmTrace.vmentry(t, profile);
            t.resume("VMRESUME", "entry_intr_info", vmcs.entryIntrInfo, "entry_error_code", vmcs.entryErrorCode,
                    "cr2", vmcs.hwCr2, "seed_step", 5);
            vmcs.entryIntrInfo = 0; // the valid bit is cleared by the entry that delivers it
            vectorInjected = false;
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
                    v.setGuestCr2(vmcs.hwCr2); // vmx_asm_vmexit_handler: %cr2 → guest_cr2 at once
                    cr2WrittenInGuest = false;
                    if (vmxVmexitHandler(pending, knobs, log, t)) {
                        pending = null;
                    }
                }
            }
        }
    }

    /** The processor writes the exit into the VMCS (the pending_event knob stands for IDT-vectoring info). */
    private void encodeExit(HwExit exit, EventSpec knob) {
        vmcs.exitIntrInfo = 0;
        vmcs.exitIntrErrorCode = 0;
        vmcs.exitQualification = 0;
        switch (exit) {
            case HwExit.Exception x -> {
                vmcs.exitReason = VmxExitReason.EXCEPTION_NMI;
                vmcs.exitIntrInfo = IntrInfo.of(HvmEvent.hwException(x.vector(), x.errorCode())).encode();
                vmcs.exitIntrErrorCode = x.errorCode() == null ? 0 : Integer.toUnsignedLong(x.errorCode());
                vmcs.exitQualification = x.vector() == Vectors.PF ? x.va() : 0;
            }
            case HwExit.NestedFault n -> {
                var f = n.fault();
                vmcs.exitReason = VmxExitReason.EPT_VIOLATION;
                long q = switch (f.kind()) {
                    case READ -> VmxExitReason.EPT_READ;
                    case WRITE -> VmxExitReason.EPT_WRITE;
                    case FETCH -> VmxExitReason.EPT_FETCH;
                };
                if (f.entry() != null) {
                    q |= (f.entry().read() ? VmxExitReason.EPT_ENTRY_READABLE : 0)
                            | (f.entry().write() ? VmxExitReason.EPT_ENTRY_WRITABLE : 0)
                            | (f.entry().execute() ? VmxExitReason.EPT_ENTRY_EXECUTABLE : 0);
                }
                q |= VmxExitReason.EPT_GLA_VALID | (f.finalAccess() ? VmxExitReason.EPT_GLA_FINAL : 0);
                vmcs.exitQualification = q;
                vmcs.guestPhysicalAddress = f.gpa();
                vmcs.guestLinearAddress = f.gla();
            }
            case HwExit.Shutdown s -> vmcs.exitReason = VmxExitReason.TRIPLE_FAULT;
        }
        HvmEvent idtv = exit.idtVectoring();
        if (knob != null) {
            idtv = new HvmEvent(knob.vector(), EventType.fromWire(knob.type()), knob.errorCode(), null);
        }
        vmcs.idtVectoringInfo = idtv == null ? 0 : IntrInfo.of(idtv).encode();
        vmcs.idtVectoringErrorCode = idtv == null || idtv.errorCode() == null ? 0
                : Integer.toUnsignedLong(idtv.errorCode());
    }

    /**
     * {@code vmx_vmexit_handler}.
     *
     * @return true if the step's instruction was completed by emulation
     */
    @XenFunction(symbol = "vmx_vmexit_handler", file = "xen/arch/x86/hvm/vmx/vmx.c", version = "3.1, 4.22")
    boolean vmxVmexitHandler(GuestAccess insn, Knobs knobs, StepLog log, Trace t) {
        long reason = vmcs.exitReason & 0xFFFF;
        t.vmexit("VM exit", "exit_reason", reason, "name", VmxExitReason.name(reason), "exit_intr_info",
                vmcs.exitIntrInfo, "exit_intr_error_code", vmcs.exitIntrErrorCode, "exit_qualification",
                vmcs.exitQualification, "idt_vectoring_info", vmcs.idtVectoringInfo, "seed_step", 1);
        HvmTrace.vmexit(t, profile, false, reason, v.rip(), v.longMode());
        t.call("vmx_vmexit_handler", "exit_reason", reason, "name", VmxExitReason.name(reason));
        if (profile.vmxRequeue() == HvmProfile.Requeue.EXIT_HANDLER_NEEDS_REINJECTION) {
            vmxIdtvReinject(t);
        } else {
            deferredIdtv = vmcs.idtVectoringInfo;
            deferredIdtvEc = vmcs.idtVectoringErrorCode;
        }
        if (reason == VmxExitReason.EXCEPTION_NMI) {
            IntrInfo info = IntrInfo.decode(vmcs.exitIntrInfo);
            if (info.vector() != Vectors.PF) {
                v.domainCrash("unexpected_exception", "unexpected exception exit, vector " + info.vector(), t);
                return false;
            }
            long va = vmcs.exitQualification;
            int ec = (int) vmcs.exitIntrErrorCode;
            ShadowPaging.Result r = HvmPaging.pagingFault(v, va, ec, insn, knobs, t);
            if (r.rc() != 0) {
                if (!v.domain().tracingShadow()) {
                    HvmTrace.pfXen(t, profile, r.errorCode(), va, v.longMode());
                }
                return HvmPaging.recordFixed(v, r);
            }
            if (v.domain().alive()) {
                HvmInjection.hvmInjectPageFault(v, r.errorCode(), va, t);
            }
            return false;
        }
        if (reason == VmxExitReason.TRIPLE_FAULT) {
            HvmInjection.hvmTripleFault(v, "shutdown_exit", t);
            return false;
        }
        if (reason == VmxExitReason.EPT_VIOLATION) {
            return eptHandleViolation(insn, knobs, t);
        }
        v.domainCrash("unexpected_exit", "unexpected exit reason " + reason, t);
        return false;
    }

    /**
     * {@code vmx_idtv_reinject}: a valid IDT-vectoring event that {@code hvm_event_needs_reinjection} is written to
     * VM-entry interruption information with bits 30:12 cleared, its error code copied if bit 11 is set.
     */
    @XenFunction(symbol = "vmx_idtv_reinject", file = "xen/arch/x86/hvm/vmx/vmx.c", version = "4.22")
    private void vmxIdtvReinject(Trace t) {
        IntrInfo idtv = IntrInfo.decode(vmcs.idtVectoringInfo);
        if (!idtv.valid()) {
            return;
        }
        if (v.domain().xen().bug("no-idt-vectoring-requeue")) {
            t.call("vmx_idtv_reinject", "idt_vectoring_info", vmcs.idtVectoringInfo, "result", "dropped");
            return;
        }
        if (!HvmExceptions.hvmEventNeedsReinjection(EventType.of(idtv.type()), idtv.vector())) {
            t.call("vmx_idtv_reinject", "idt_vectoring_info", vmcs.idtVectoringInfo, "result", "not reinjected");
            return;
        }
        vmcs.entryIntrInfo = vmcs.idtVectoringInfo & ~Integer.toUnsignedLong(IntrInfo.RESVD_BITS_MASK);
        if (idtv.deliverErrorCode()) {
            vmcs.entryErrorCode = vmcs.idtVectoringErrorCode;
        }
        if (idtv.type() == EventType.NMI.value()) {
            vmcs.guestInterruptibility &= ~8L; // clear NMI blocking
        }
        t.call("vmx_idtv_reinject", "idt_vectoring_info", vmcs.idtVectoringInfo, "result", "reinjected",
                "entry_intr_info", vmcs.entryIntrInfo, "entry_error_code", vmcs.entryErrorCode);
    }

    /**
     * {@code vmx_intr_assist}: in 3.1, the IDT-vectoring event is copied to the entry information only if Xen did not
     * inject something itself ({@code vector_injected}); otherwise it is silently dropped.
     */
    @XenFunction(symbol = "vmx_intr_assist", file = "xen/arch/x86/hvm/vmx/intr.c", version = "3.1, 4.22")
    private void vmxIntrAssist(Trace t) {
        IntrInfo idtv = IntrInfo.decode(deferredIdtv);
        long raw = deferredIdtv;
        deferredIdtv = 0;
        if (idtv.valid()) {
            if (vectorInjected || eventPending()) {
                t.call("vmx_intr_assist", "idt_vectoring_info", raw, "result", "dropped (vector_injected)");
            } else {
                vmcs.entryIntrInfo = raw & ~Integer.toUnsignedLong(IntrInfo.RESVD_BITS_MASK);
                if (idtv.deliverErrorCode()) {
                    vmcs.entryErrorCode = deferredIdtvEc;
                }
                t.call("vmx_intr_assist", "idt_vectoring_info", raw, "result", "reinjected");
            }
        }
        if (eventPending()) {
            t.call("vmx_intr_assist", "result", "event pending: no interrupt injected over it");
        }
    }

    /**
     * {@code ept_handle_violation}: npfec = {read = r|w (RMW treated as read), write = w, fetch = x, present = any of
     * the entry's r/w/x, GLA valid (bit 7), final (bit 8)}; 0 from {@code hvm_hap_nested_page_fault} crashes.
     */
    @XenFunction(symbol = "ept_handle_violation", file = "xen/arch/x86/hvm/vmx/vmx.c", version = "4.22")
    private boolean eptHandleViolation(GuestAccess insn, Knobs knobs, Trace t) {
        long q = vmcs.exitQualification;
        long gpa = vmcs.guestPhysicalAddress;
        boolean glaValid = (q & VmxExitReason.EPT_GLA_VALID) != 0;
        long gla = glaValid ? vmcs.guestLinearAddress : ~0L;
        HapNestedFault.Npfec npfec = new HapNestedFault.Npfec((q & (VmxExitReason.EPT_READ
                | VmxExitReason.EPT_WRITE)) != 0, (q & VmxExitReason.EPT_WRITE) != 0,
                (q & VmxExitReason.EPT_FETCH) != 0, (q & 0x38) != 0, glaValid, (q & VmxExitReason.EPT_GLA_FINAL) != 0);
        // VMX traces TRC_HVM_NPF before handling, with the p2m entry as found (ept_handle_violation, vmx.c).
        var before = v.domain().p2m().lookup(gpa >>> 12);
        HvmTrace.npf(t, gpa, before.mfn(), q, before.type().value());
        HapNestedFault.Result r = HapNestedFault.hvmHapNestedPageFault(v, gpa, gla, npfec, insn, knobs, t);
        t.call("ept_handle_violation", "gpa", gpa, "qualification", q, "rc", r.rc().value(), "class", r.fixup());
        if (r.rc() == HapNestedFault.Rc.CRASH) {
            v.domainCrash(r.fixup(), String.format("EPT violation %#x (%c%c%c/%c%c%c) gpa %#x mfn %#x type %d", q,
                    (q & 1) != 0 ? 'r' : '-', (q & 2) != 0 ? 'w' : '-', (q & 4) != 0 ? 'x' : '-',
                    (q & 8) != 0 ? 'r' : '-', (q & 16) != 0 ? 'w' : '-', (q & 32) != 0 ? 'x' : '-', gpa,
                    r.entry().mfn(), r.entry().type().value()), t);
            return false;
        }
        return HvmPaging.recordHap(v, r);
    }

    /**
     * {@code vmx_inject_event} → {@code __vmx_inject_exception}: for #PF {@code guest_cr2} first (loaded into %cr2
     * before entry, even if the event becomes #DF); a pending hardware exception in the entry information is
     * combined (#DF → error code 0); then entry information = valid | type &lt;&lt; 8 | vector (+ bit 11 and the
     * error code). In 3.1 there is no combination: the new event replaces the pending one ({@code vector_injected}).
     */
    @Override
    @XenFunction(symbol = "vmx_inject_event", file = "xen/arch/x86/hvm/vmx/vmx.c", version = "3.1, 4.22",
            formerly = {"vmx_inject_hw_exception"})
    public HvmEvent injectEvent(HvmEvent e, Trace t) {
        IntrInfo pending = IntrInfo.decode(vmcs.entryIntrInfo);
        int vector = e.vector();
        Integer ec = e.errorCode();
        boolean pf = vector == Vectors.PF && e.type() == EventType.HW_EXC;
        boolean cr2Late = v.domain().xen().bug("cr2-after-combine");
        if (pf && !cr2Late) {
            v.setGuestCr2(e.cr2());
        }
        if (pending.valid()) {
            boolean combine = profile.combineExceptions() && !v.domain().xen().bug("no-df-combine");
            if (combine && pending.type() == EventType.HW_EXC.value() && e.type() == EventType.HW_EXC) {
                HvmExceptions.Combined c = HvmExceptions.hvmCombineHwExceptions(pending.vector(), vector);
                t.call("hvm_combine_hw_exceptions", "vec1", pending.vector(), "vec2", vector, "result", c.vector());
                if (c.tripleFault()) {
                    HvmInjection.hvmTripleFault(v, "fault while delivering #DF", t);
                }
                vector = c.vector();
                if (vector == Vectors.DF) {
                    ec = 0;
                }
            }
        }
        if (pf && cr2Late && vector == Vectors.PF) {
            v.setGuestCr2(e.cr2());
        }
        vectorInjected = true;
        HvmEvent written = new HvmEvent(vector, e.type(), ec, vector == Vectors.PF ? e.cr2() : null);
        vmxInjectException(written, t);
        return written;
    }

    /** {@code __vmx_inject_exception(vector, type, ec)}. */
    @XenFunction(symbol = "__vmx_inject_exception", file = "xen/arch/x86/hvm/vmx/vmx.c", version = "4.22")
    private void vmxInjectException(HvmEvent e, Trace t) {
        if (e.errorCode() != null) {
            if ((e.errorCode() & ~0xFFFF) != 0) {
                t.note("ASSERT in __vmx_inject_exception would fire: error code 0x"
                        + Integer.toHexString(e.errorCode()) + " does not fit 16 bits");
            }
            vmcs.entryErrorCode = Integer.toUnsignedLong(e.errorCode());
        }
        vmcs.entryIntrInfo = IntrInfo.of(e).encode();
        t.call("__vmx_inject_exception", "entry_intr_info", vmcs.entryIntrInfo, "entry_error_code",
                vmcs.entryErrorCode, "guest_cr2", v.guestCr2(), "seed_step", 4);
        if (e.vector() == Vectors.PF) {
            HvmTrace.pfInject(t, profile, e.errorCode(), v.guestCr2());
        } else {
            HvmTrace.injExc(t, e.vector(), e.errorCode());
        }
    }
}
