package xpf.sim.xen.hvm;

import java.util.ArrayList;
import java.util.List;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.IdtSpec;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.sim.trace.Trace;
import xpf.sim.x86.IdtDelivery;
import xpf.sim.x86.PagingGeometry;
import xpf.sim.xen.emul.EmulEvent;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.shadow.ShadowVcpu;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * One HVM vCPU: the guest's architectural state (paging mode and controls, cached PAE PDPTEs, CPL, RIP/RSP/RFLAGS,
 * CS/SS, its IDT and TSS stacks), Xen's software copy of guest CR2 ({@code v->arch.hvm.guest_cr[2]}), and the
 * architecture half ({@link HvmArch}: VMCB or VMCS). Implements what the shadow code asks of a vCPU.
 *
 * <p>Selectors are not modelled by a GDT: CS/SS follow the CPL with Linux's flat selectors (64-bit: kernel 0x10/0x18,
 * user 0x33/0x2b; 32-bit: kernel 0x08/0x10, user 0x1b/0x23); a delivery loads the gate's selector into CS.
 */
public final class HvmVcpu implements ShadowVcpu {

    private final HvmDomain domain;
    private final int id;
    PagingMode mode;
    PagingControls controls;
    final long[] pdpte = new long[4];
    int cpl;
    long rip;
    long rsp;
    long rflags;
    int cs;
    int ss;
    final IdtSpec idt;
    /** {@code v->arch.hvm.guest_cr[2]}. */
    long guestCr2;
    HvmArch arch;
    /** The running step's log (what the outcome will report). */
    StepLog log = new StepLog();
    /**
     * The last VMRUN / VMRESUME delivered an event and the exit being handled came from that delivery: the faulting
     * access is the processor's (IDT gate read, frame push), not the instruction at RIP's.
     */
    private boolean exitFromDelivery;
    /**
     * An exception the guest's current instruction raises in the processor without touching memory (a MOV CR3
     * whose PDPTE load fails, §1.1b): the next guest run delivers it through the guest IDT, as for a fault of an
     * access; null when there is none.
     */
    HvmEvent raisedByProcessor;

    HvmVcpu(HvmDomain domain, int id, PagingMode mode, PagingControls controls, int cpl, long rip, long rsp,
            long rflags, IdtSpec idt) {
        this.domain = domain;
        this.id = id;
        this.mode = mode;
        this.controls = controls;
        this.cpl = cpl;
        this.rip = rip;
        this.rsp = rsp;
        this.rflags = rflags;
        this.idt = idt;
        this.cs = codeSelector(cpl, longMode());
        this.ss = stackSelector(cpl, longMode());
    }

    static int codeSelector(int cpl, boolean lm) {
        return IdtDelivery.flatCodeSelector(cpl, lm);
    }

    static int stackSelector(int cpl, boolean lm) {
        return IdtDelivery.flatStackSelector(cpl, lm);
    }

    public HvmDomain domain() {
        return domain;
    }

    public HvmArch arch() {
        return arch;
    }

    @Override
    public int vcpuId() {
        return id;
    }

    @Override
    public PagingMode guestMode() {
        return mode;
    }

    public PagingControls controls() {
        return controls;
    }

    @Override
    public int cpl() {
        return cpl;
    }

    public long rip() {
        return rip;
    }

    public long guestCr2() {
        return guestCr2;
    }

    /** The guest is in IA-32e mode (64-bit frames, 16-byte gates). */
    public boolean longMode() {
        return mode != null && PagingGeometry.ia32e(mode);
    }

    public boolean pagingEnabled() {
        return mode != null;
    }

    /** The last context handed out: the same again while mode, controls and PDPTE registers are unchanged. */
    private GuestWalker.WalkContext walkContext;

    @Override
    public GuestWalker.WalkContext walkContext() {
        GuestWalker.WalkContext c = walkContext;
        if (c == null || c.mode() != mode || c.controls() != controls || !java.util.Arrays.equals(c.pdpte(), pdpte)) {
            c = new GuestWalker.WalkContext(mode, controls, pdpte.clone(), domain.guestCpu(), !domain.hap(),
                    domain.hostNx(), domain.profile().paging(), domain.xen()::bug);
            walkContext = c;
        }
        return c;
    }

    /** The top-level shadow key: the guest's CR3 table address (PAE: 32-byte aligned), -1 when paging is off. */
    @Override
    public long shadowRoot() {
        if (mode == null) {
            return -1;
        }
        return mode == PagingMode.PAE ? controls.cr3() & 0xFFFFFFE0L : controls.cr3() & ~0xFFFL;
    }

    @Override
    public boolean eventPending() {
        return arch.eventPending();
    }

    @Override
    public boolean eventInjectionFaulted() {
        return arch.eventInjectionFaulted();
    }

    @Override
    public java.util.List<HvmVcpu> domainVcpus() {
        return domain.vcpus();
    }

    @Override
    public MmioResult handleMmioWithTranslation(long va, long gfn, GuestAccess insn, boolean emulatorFails,
            Trace t) {
        return HvmEmulate.handleMmioWithTranslation(this, va, gfn, insn, emulatorFails, t);
    }

    @Override
    public void injectEvent(EmulEvent e, Trace t) {
        HvmInjection.hvmInjectEvent(this, new HvmEvent(e.vector(), EventType.HW_EXC, e.errorCode(), e.cr2()), t);
    }

    @Override
    public void domainCrash(String reason, String detail, Trace t) {
        domain.domainCrash(reason, detail, t);
    }

    @Override
    public void hostPanic(String reason, String detail, Trace t) {
        domain.hostPanic(reason, detail, t);
    }

    /** Xen writes {@code v->arch.hvm.guest_cr[2]}. */
    public void setGuestCr2(long cr2) {
        guestCr2 = cr2;
    }

    /** This step's log. */
    public StepLog log() {
        return log;
    }

    /** VMRUN / VMRESUME: the processor in guest mode delivers {@code inject}, or runs {@code insn}. */
    public GuestRun runHardware(HvmEvent inject, GuestAccess insn, Trace t) {
        exitFromDelivery = inject != null;
        return HvmHardware.run(this, inject, insn, t);
    }

    /** Whether the exit being handled interrupted the delivery of an event Xen had queued (see runHardware). */
    public boolean exitFromDelivery() {
        return exitFromDelivery;
    }

    /** The state the processor delivers an event from. */
    IdtDelivery.CpuState cpuState() {
        return new IdtDelivery.CpuState(cpl, rip, cs, rflags, rsp, ss, longMode());
    }

    IdtDelivery.Tables idtTables() {
        List<Long> ist = idt.ist() == null ? List.of() : new ArrayList<>(idt.ist());
        return new IdtDelivery.Tables(idt.base(), idt.rsp0(), stackSelector(0, longMode()), ist);
    }

    /** The handler now runs: its state becomes the vCPU's. */
    void enterHandler(IdtDelivery.Delivered d) {
        IdtDelivery.CpuState a = d.after();
        cpl = a.cpl();
        rip = a.rip();
        cs = a.cs();
        rsp = a.rsp();
        ss = a.ss();
        rflags = a.rflags();
    }

    /** Sets the CPL the guest runs at (and the flat selectors that go with it). */
    void setCpl(int newCpl) {
        cpl = newCpl;
        cs = codeSelector(newCpl, longMode());
        ss = stackSelector(newCpl, longMode());
    }

    /** PAE: loads the four PDPTEs at CR3 from guest memory (through the p2m), as MOV CR3 does. */
    void loadPdptes() {
        if (mode != PagingMode.PAE) {
            return;
        }
        long[] next = pdptesAt(controls.cr3());
        System.arraycopy(next, 0, pdpte, 0, 4);
    }

    /** The four PDPTEs a load for {@code cr3} would read from guest memory (through the p2m). */
    long[] pdptesAt(long cr3) {
        long base = cr3 & 0xFFFFFFE0L;
        P2mEntry e = domain.p2m().lookup(base >>> 12);
        long[] r = new long[4];
        for (int i = 0; i < 4; i++) {
            r[i] = e.mfnValid() ? domain.machineMemory().readWord((e.mfn() << 12) + (base & 0xFFF) + 8L * i) : 0;
        }
        return r;
    }

    /** Whether the processor has an exception to deliver for the current instruction (see raisedByProcessor). */
    public boolean raisesException() {
        return raisedByProcessor != null;
    }

    /** A plain-data view. */
    public HvmView.Vcpu view() {
        return new HvmView.Vcpu(id, mode == null ? "off" : mode.wireName(), controls.cr3(), cpl, rip, rsp, rflags,
                cs, ss, guestCr2, arch.guestVisibleCr2(), arch.fields());
    }
}
