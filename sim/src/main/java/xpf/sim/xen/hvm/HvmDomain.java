package xpf.sim.xen.hvm;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vectors;
import xpf.sim.domain.BuildContext;
import xpf.sim.domain.GuestDomain;
import xpf.sim.domain.InitialMemory;
import xpf.sim.domain.ScenarioError;
import xpf.sim.domain.VcpuControls;
import xpf.sim.trace.Trace;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.IdtGate;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.x86.ReservedBits;
import xpf.sim.xen.Xen;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.hvm.dm.DeviceModel;
import xpf.sim.xen.hvm.dm.MmioDevice;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.vmx.Vmx;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;
import xpf.sim.xen.mm.shadow.ShadowPaging;
import xpf.sim.xen.mm.walk.GuestWalk;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * An HVM domain (SVM or VMX; shadow paging or HAP) on the simulated machine.
 *
 * <p>Memory: every named frame and spare frame of the spec is a guest frame (gfn) backed by RAM in the p2m; its
 * machine frame is allocated in order (named frames in file order, then spares, then frames that p2m entries need)
 * from {@code 0x100000 + domainIndex * 0x40000} upwards, skipping frames the frame table already gives someone.
 * {@code p2m} entries of the spec override types (and mfns); {@code devices} sit behind {@code mmio_dm} frames.
 * Guest page tables hold gfns. IDT gates of each vCPU's {@code idt} are written into guest memory at build (16-byte
 * 64-bit gates for long-mode guests, 8-byte 32-bit gates otherwise; see {@link IdtGate}), where the IDT's page is
 * mapped.
 *
 * <p>Steps: a guest access runs the architecture's resume loop (exits, Xen's handlers, injection, IDT delivery); a
 * control-register write goes through Xen's CR handling (shadow: CR3 → {@code sh_update_cr3}, paging-mode / PSE /
 * NXE changes → {@code sh_update_paging_modes}); INVLPG → {@code sh_invlpg} (shadow) or nothing (HAP); a host write
 * writes guest-physical memory behind the vCPUs' backs (validated if it hits a shadowed page table).
 */
public final class HvmDomain implements GuestDomain {

    /** HVM params this model reads ({@code params}). */
    private static final Set<String> KNOWN_PARAMS = Set.of("triple_fault_reason", "mem_sharing_ring",
            "xentrace_shadow", "unshare_fails");
    /** Exits one step may take before the model calls it a livelock. */
    public static final int MAX_EXITS = 16;

    private final DomainSpec spec;
    private final BuildContext ctx;
    private final Xen xen;
    private final HvmProfile profile;
    private final boolean hap;
    private final int domid;
    private final P2m p2m;
    private final ShadowPaging shadow;
    private final DeviceModel devices = new DeviceModel();
    private final CpuConfig guestCpu;
    private final List<HvmVcpu> vcpus = new ArrayList<>();
    private long nextMfn;
    private Outcome end;

    public HvmDomain(DomainSpec spec, BuildContext ctx) {
        this.spec = spec;
        this.ctx = ctx;
        this.xen = ctx.xen();
        this.profile = HvmProfile.of(xen.profile());
        this.domid = ctx.domid();
        this.hap = spec.paging() == HvmPaging.HAP;
        String path = ctx.path();
        if (hap && !profile.hap()) {
            throw new ScenarioError(path + ".paging", "xen-3.1 has no hardware-assisted paging (NPT/EPT support came "
                    + "with later Xen versions): use paging: shadow");
        }
        if (spec.vcpus().isEmpty()) {
            throw new ScenarioError(path + ".vcpus", "a domain needs at least one vCPU");
        }
        for (String p : spec.params().keySet()) {
            if (!KNOWN_PARAMS.contains(p)) {
                throw new ScenarioError(path + ".params." + p, "unknown HVM param (expected one of "
                        + new java.util.TreeSet<>(KNOWN_PARAMS) + ")");
            }
        }
        int machinePaddr = ctx.machine().spec().maxPhyAddr();
        // XSA-173 fix: a shadowed guest sees at most 44 physical-address bits.
        int guestPaddr = !hap && profile.paging().limitShadowPaddrBits() && !xen.bug("xsa-173")
                ? Math.min(machinePaddr, 44) : machinePaddr;
        this.guestCpu = new CpuConfig(ctx.machine().cpu().vendor(), guestPaddr, hap && ctx.machine().cpu().page1gb());
        this.nextMfn = 0x100000L + (long) ctx.domainIndex() * 0x40000L;
        this.p2m = new P2m(ctx.machine().memory(), this::allocFrame);
        if (param("unshare_fails", 0) != 0) {
            p2m.setUnshareFails(true);
        }
        buildP2m(path);
        VcpuSpec v0 = spec.vcpus().get(0);
        Deque<Long> spares = InitialMemory.spareFrames(spec);
        InitialMemory.write(spec, path, v0.mode(), guestPaddr, gfn -> machineFrame(gfn, path), machineMemory(),
                spares);
        this.shadow = hap ? null : new ShadowPaging(xen, profile.paging(), p2m);
        if (shadow != null) {
            shadow.setTraceShadow(param("xentrace_shadow", 1) != 0);
        }
        for (int i = 0; i < spec.vcpus().size(); i++) {
            vcpus.add(buildVcpu(spec.vcpus().get(i), i, path + ".vcpus[" + i + "]"));
        }
        Trace quiet = Trace.disabled();
        for (HvmVcpu v : vcpus) {
            writeIdt(v);
            if (shadow != null) {
                shadow.shUpdateCr3(v, quiet);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Build

    private long allocFrame() {
        FrameTable ft = xen.frameTable();
        while (ft.get(nextMfn) != null) {
            nextMfn++;
        }
        if (nextMfn >= ctx.machine().frameLimit()) {
            throw new ScenarioError(ctx.path(), "no machine frame left below MAXPHYADDR for this HVM domain");
        }
        long mfn = nextMfn++;
        ft.assign(mfn, domid);
        return mfn;
    }

    private long machineFrame(long gfn, String path) {
        P2mEntry e = p2m.lookup(gfn);
        if (!e.mfnValid()) {
            throw new ScenarioError(path, "guest frame 0x" + Long.toHexString(gfn) + " has no machine frame (p2m type "
                    + e.type().wireName() + "): initial memory can only be written to RAM");
        }
        return e.mfn();
    }

    private void buildP2m(String path) {
        for (long gfn : spec.frames().values()) {
            if (p2m.lookup(gfn).type() == P2mType.INVALID) {
                p2m.set(new P2mEntry(gfn, allocFrame(), P2mType.RAM_RW, null));
            }
        }
        for (long gfn = InitialMemory.firstSpareFrame(spec), end = gfn + spec.spareFrames(); gfn < end; gfn++) {
            p2m.set(new P2mEntry(gfn, allocFrame(), P2mType.RAM_RW, null));
        }
        for (int i = 0; i < spec.devices().size(); i++) {
            DeviceSpec d = spec.devices().get(i);
            try {
                devices.add(DeviceModel.create(d));
            } catch (IllegalArgumentException e) {
                throw new ScenarioError(path + ".devices[" + i + "].model", e.getMessage());
            }
            p2m.set(new P2mEntry(d.gfn(), P2mEntry.INVALID_MFN, P2mType.MMIO_DM, d.name()));
        }
        for (int i = 0; i < spec.p2m().size(); i++) {
            P2mSpec s = spec.p2m().get(i);
            P2mType type;
            try {
                type = P2mType.fromWire(s.type());
            } catch (IllegalArgumentException e) {
                throw new ScenarioError(path + ".p2m[" + i + "].type", e.getMessage());
            }
            P2mEntry cur = p2m.lookup(s.gfn());
            long mfn = switch (type) {
                case MMIO_DM, INVALID, POPULATE_ON_DEMAND -> P2mEntry.INVALID_MFN;
                case MMIO_DIRECT -> s.mfn() != null ? s.mfn() : 0xFEE00L + i; // a DOMID_IO frame
                default -> s.mfn() != null ? s.mfn() : cur.mfnValid() ? cur.mfn() : allocFrame();
            };
            if (type == P2mType.MMIO_DIRECT && xen.frameTable().get(mfn) == null) {
                xen.frameTable().assign(mfn, FrameTable.DOMID_IO);
            }
            if (type == P2mType.MMIO_DM && s.device() != null && devices.at(s.gfn()) == null) {
                throw new ScenarioError(path + ".p2m[" + i + "].device", "no device named '" + s.device()
                        + "' at gfn 0x" + Long.toHexString(s.gfn()));
            }
            p2m.set(new P2mEntry(s.gfn(), mfn, type, type == P2mType.MMIO_DM ? cur.device() : null));
        }
    }

    private HvmVcpu buildVcpu(VcpuSpec vs, int i, String path) {
        PagingControls c = VcpuControls.of(vs);
        String missing = VcpuControls.unsupported(c, ctx.machine().spec());
        if (missing != null) {
            throw new ScenarioError(path, missing + " is not supported by the machine (add its CPU feature to "
                    + "machine.features)");
        }
        if (!hap && vs.mode() == PagingMode.LONG5) {
            throw new ScenarioError(path + ".mode", "Xen's shadow code has no 5-level mode: use paging: hap");
        }
        if (!hap && (vs.has(ControlFlag.PKE) || vs.has(ControlFlag.PKS))) {
            throw new ScenarioError(path + ".controls", "Xen offers protection keys only to HAP guests");
        }
        HvmVcpu v = new HvmVcpu(this, i, vs.mode(), c, vs.cpl(), vs.rip(), vs.rsp(), vs.rflags(), vs.idt());
        v.loadPdptes();
        v.arch = spec.kind() == DomainKind.HVM_SVM ? new Svm(v) : new Vmx(v);
        return v;
    }

    /** Writes the vCPU's IDT gates into guest memory where the IDT is mapped (skipping unmapped gates). */
    private void writeIdt(HvmVcpu v) {
        if (v.idt == null) {
            return;
        }
        boolean lm = v.longMode();
        int size = IdtGate.size(lm);
        GuestWalker.WalkContext wc = v.walkContext();
        GuestWalker.WalkContext pure = new GuestWalker.WalkContext(wc.mode(), wc.controls(), wc.pdpte(),
                wc.guestCpu(), wc.shadow(), wc.hostNxe(), wc.profile().translateOnly(), wc.bug());
        for (GateSpec g : v.idt.gates()) {
            long la = v.idt.base() + (long) g.vector() * size;
            GuestWalk w = GuestWalker.guestWalkTables(pure, p2m, machineMemory(), la, 0, false);
            if (!w.ok()) {
                continue;
            }
            P2mEntry e = p2m.lookup(w.gfn());
            if (!e.mfnValid() || !e.type().isRam()) {
                continue;
            }
            long pa = (e.mfn() << 12) | (w.gpa() & 0xFFF);
            IdtGate gate = IdtGate.of(g.handler(), g.selector(), g.trapGate(), g.dpl(), g.ist(), g.present());
            if (lm) {
                long[] q = gate.encode64();
                machineMemory().write(pa, 8, q[0]);
                machineMemory().write(pa + 8, 8, q[1]);
            } else {
                machineMemory().write(pa, 8, gate.encode32());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accessors

    public Xen xen() {
        return xen;
    }

    public HvmProfile profile() {
        return profile;
    }

    public boolean hap() {
        return hap;
    }

    public P2m p2m() {
        return p2m;
    }

    /** The shadow paging state (null under HAP). */
    public ShadowPaging shadow() {
        return shadow;
    }

    public DeviceModel devices() {
        return devices;
    }

    public CpuConfig guestCpu() {
        return guestCpu;
    }

    /** Xen's EFER.NXE: on whenever the machine has NX. */
    public boolean hostNx() {
        return ctx.machine().spec().has(xpf.model.scenario.CpuFeature.NX);
    }

    public PhysicalMemory machineMemory() {
        return ctx.machine().memory();
    }

    /** The HVM params the scenario set, by name (for the plain-data view). */
    public java.util.SequencedMap<String, Long> params() {
        return spec.params();
    }

    /** The terminal outcome of a domain that stopped (null while it is alive), for the plain-data view. */
    public Outcome end() {
        return end;
    }

    public long param(String name, long dflt) {
        Long v = spec.params().get(name);
        return v == null ? dflt : v;
    }

    /** Whether TRC_SHADOW is in the trace mask (then TRC_HVM_PF_XEN is not emitted for fixed faults). */
    public boolean tracingShadow() {
        return profile.paging().shadowTrace() && param("xentrace_shadow", 1) != 0;
    }

    /** The domain's vCPUs, read-only. */
    public List<HvmVcpu> vcpus() {
        return java.util.Collections.unmodifiableList(vcpus);
    }

    public HvmVcpu vcpu(int i) {
        return vcpus.get(i);
    }

    public int domid() {
        return domid;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public DomainKind kind() {
        return spec.kind();
    }

    @Override
    public boolean alive() {
        return end == null;
    }

    /** {@code domain_crash}: print + {@code domain_shutdown(d, SHUTDOWN_crash)}. */
    @XenFunction(symbol = "domain_crash", file = "xen/common/domain.c", version = "3.1, 4.22")
    public void domainCrash(String reason, String detail, Trace t) {
        if (end != null) {
            return;
        }
        t.call("domain_crash", "domain", spec.name(), "reason", reason, "detail", detail);
        end = new Outcome.DomainCrash(reason, detail);
        for (HvmVcpu v : vcpus) {
            v.log.terminal(end);
        }
    }

    /** A Xen {@code BUG()} / {@code panic()}: the host stops; the domain with it. */
    void hostPanic(String reason, String detail, Trace t) {
        if (end != null) {
            return;
        }
        t.call("panic", "reason", reason, "detail", detail);
        end = new Outcome.Panic(reason, detail);
        for (HvmVcpu v : vcpus) {
            v.log.terminal(end);
        }
    }

    /** {@code domain_shutdown(d, reason)} after a triple fault. */
    @XenFunction(symbol = "domain_shutdown", file = "xen/common/domain.c", version = "3.1, 4.22")
    void shutdown(String reason, String cause, Trace t) {
        if (end != null) {
            return;
        }
        t.call("domain_shutdown", "domain", spec.name(), "reason", reason);
        end = new Outcome.TripleFault(reason, cause);
        for (HvmVcpu v : vcpus) {
            v.log.terminal(end);
        }
    }

    /** Guest memory at {@code mfn} changed outside the shadow code's emulation: revalidate shadows built from it. */
    void guestMemoryWritten(long mfn, long offset, int size, Trace t) {
        if (shadow != null) {
            shadow.guestMemoryWritten(mfn, offset, size, t);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Steps

    @Override
    public Outcome step(Step step, Trace t) {
        if (step.vcpu() < 0 || step.vcpu() >= vcpus.size()) {
            throw new ScenarioError("steps[" + t.currentStep() + "].vcpu", "domain " + spec.name() + " has no vCPU "
                    + step.vcpu());
        }
        if (end != null) {
            t.note("domain " + spec.name() + " is no longer running");
            return end;
        }
        HvmVcpu v = vcpus.get(step.vcpu());
        v.log = new StepLog();
        Knobs knobs = step.knobs();
        switch (step.op()) {
            case GuestAccess a -> access(v, a, knobs, t);
            case ControlWrite w -> controlWrite(v, w, knobs, t);
            case Invlpg i -> invlpg(v, i, t);
            case HostWrite h -> hostWrite(h, t);
            case Hypercall h -> throw new ScenarioError("steps[" + t.currentStep() + "].op",
                    "HVM hypercalls are not modelled (" + h.call().hypercallName() + ")");
        }
        return v.log.outcome();
    }

    private void access(HvmVcpu v, GuestAccess a, Knobs knobs, Trace t) {
        if (a.size() > 8 && a.insn() != Insn.MOVDQU) {
            throw new ScenarioError("steps[" + t.currentStep() + "].size", "accesses wider than 8 bytes need "
                    + "insn: movdqu");
        }
        int savedCpl = v.cpl();
        long savedRip = v.rip;
        if (a.cpl() != null) {
            v.setCpl(a.cpl());
        }
        t.op("access", "va", a.va(), "kind", a.kind().wireName(), "cpl", v.cpl(), "size", a.size());
        v.arch.run(a, knobs, v.log, t);
        if (a.cpl() != null && v.rip == savedRip) {
            v.setCpl(savedCpl); // no handler ran: the CPL was this instruction's only
        }
    }

    /**
     * A guest control-register write, as Xen handles the intercepted MOV CR / WRMSR EFER ({@code hvm_set_cr0},
     * {@code hvm_set_cr3}, {@code hvm_set_cr4}, {@code hvm_set_efer}): an unsupported bit injects #GP(0); under shadow
     * paging a new CR3 makes Xen switch top-level shadows, a change of paging mode, CR4.PSE or EFER.NXE rebuilds them.
     */
    @XenFunction(symbol = "hvm_set_cr3", file = "xen/arch/x86/hvm/hvm.c", version = "3.1, 4.22")
    private void controlWrite(HvmVcpu v, ControlWrite w, Knobs knobs, Trace t) {
        PagingControls prev = v.controls;
        PagingMode prevMode = v.mode;
        PagingControls next = VcpuControls.apply(prev, w);
        PagingMode nextMode = w.mode() != null ? w.mode() : prevMode;
        t.op("cr_write", "cr3", next.cr3(), "controls", VcpuControls.flags(next), "mode",
                nextMode == null ? "off" : nextMode.wireName());
        String missing = VcpuControls.unsupported(next, ctx.machine().spec());
        if (missing == null && !hap && (nextMode == PagingMode.LONG5 || next.cr4Pke() || next.cr4Pks())) {
            missing = nextMode == PagingMode.LONG5 ? "LA57 (shadow)" : "PKE/PKS (shadow)";
        }
        if (missing != null) {
            t.call("hvm_set_cr4", "result", "#GP", "cause", missing + " unsupported");
            HvmInjection.hvmInjectHwException(v, Vectors.GP, 0, t);
            v.arch.run(null, knobs, v.log, t);
            return;
        }
        if (hap && !v.arch.svm() && vmxPdpteLoadFails(v, w, prev, prevMode, next, nextMode, t)) {
            // the processor's #GP(0), delivered through the guest IDT; CR3 and the PDPTE registers stay
            v.raisedByProcessor = new HvmEvent(Vectors.GP, EventType.HW_EXC, 0, null);
            v.arch.run(null, knobs, v.log, t);
            return;
        }
        v.controls = next;
        v.mode = nextMode;
        boolean modeChange = prevMode != nextMode || prev.cr4Pse() != next.cr4Pse()
                || prev.eferNxe() != next.eferNxe();
        boolean cr3Change = prev.cr3() != next.cr3();
        if (cr3Change || w.cr3() != null || modeChange) {
            // SDM vol. 3 §4.4.1: every MOV to CR3 in PAE paging loads the PDPTE registers, also one that writes the
            // value CR3 already holds. Under shadow paging the same holds for what the guest sees: hvm_set_cr3 calls
            // paging_update_cr3 for every MOV to CR3 (HEAD c447b73 xen/arch/x86/hvm/hvm.c; 3.1 vmx.c mov_to_cr:
            // paging_update_cr3 for the same value, update_cr3 for a new one), and sh_update_cr3 re-reads the four
            // guest l3 entries into gl3e[] (the PDPTEs its walks use) and rebuilds the top level from them
            // (ShadowPaging.installPaeTopLevel). Fixed: HAP since mut-hvm2; shadow paging since the known issue
            // stale-pae-shadow-after-pdpt-change was fixed (before, a same-value MOV CR3 kept the old PDPTEs under
            // shadow because the top-level shadow was not rebuilt from reloaded ones).
            v.loadPdptes();
        }
        if (shadow != null) {
            if (modeChange) {
                t.call("paging_update_paging_modes", "mode", nextMode == null ? "off" : nextMode.wireName());
                shadow.shUpdatePagingModes(v, t);
            } else if (cr3Change || w.cr3() != null) {
                // hvm_set_cr3 calls paging_update_cr3 for every MOV to CR3, also one that reloads the same value
                // (a TLB flush: sh_update_cr3 empties the shadow vTLB). Fixed (finding
                // pt-write-after-host-write-to-walk): the model skipped a reload, keeping cached translations.
                t.call("hvm_set_cr3", "cr3", next.cr3());
                shadow.shUpdateCr3(v, t);
            }
        } else {
            t.call("hvm_set_cr", "result", "hardware (HAP: no shadow to update)");
        }
        v.log.completed(null);
    }

    /**
     * A guest MOV to CR3 in PAE paging under EPT (HAP on VMX) is not intercepted: with EPT Xen clears
     * CPU_BASED_CR3_LOAD_EXITING (construct_vmcs, xen/arch/x86/hvm/vmx/vmcs.c; vmx_update_guest_cr sets it again
     * only while guest paging is off without unrestricted guest, or for a CR3 vm_event monitor; Xen 4.22, HEAD
     * c447b73). The processor loads the PDPTE registers from the new CR3 (through EPT) and a present PDPTE with a
     * reserved bit (63:M, 8:5, 2:1) makes the MOV fault with #GP(0), nothing loaded (SDM vol. 3 §4.4.1, x86-paging.md
     * §1.1b); #GP is not in Xen's exception bitmap, so the guest takes it. Writes that change the paging mode or a
     * CR0/CR4 flag are intercepted (hvm_set_cr0/cr4 → vmx_load_pdptrs, which copies the PDPTEs unchecked: "The CPU
     * will do this during vm entry, and we can handle the failure there and crash the guest"); their reserved-PDPTE
     * case is not decided here (they keep loading unchecked). Finding seed5-try67837 (27 Nov 2026): the model loaded
     * an A bit (reserved) into PDPTE 0 on a same-value MOV CR3 and walked on. (The processor's decision, not Xen's:
     * no XenFunction.)
     */
    private boolean vmxPdpteLoadFails(HvmVcpu v, ControlWrite w, PagingControls prev, PagingMode prevMode,
            PagingControls next, PagingMode nextMode, Trace t) {
        if (w.cr3() == null || prevMode != PagingMode.PAE || nextMode != PagingMode.PAE
                || !VcpuControls.flags(prev).equals(VcpuControls.flags(next)) || prev.pkru() != next.pkru()) {
            return false;
        }
        long rsvd = ReservedBits.pdpteRegister(guestCpu.maxPhyAddr());
        long[] loaded = v.pdptesAt(next.cr3());
        for (int i = 0; i < 4; i++) {
            if ((loaded[i] & EntryBits.P) != 0 && (loaded[i] & rsvd) != 0) {
                t.hardware("mov_cr3", "pdpte", i, "value", loaded[i], "reserved", loaded[i] & rsvd, "result",
                        "#GP(0)", "intercepted", false);
                return true;
            }
        }
        return false;
    }

    private void invlpg(HvmVcpu v, Invlpg i, Trace t) {
        t.op("invlpg", "va", i.va());
        if (shadow != null) {
            shadow.shInvlpg(v, i.va(), t);
        } else {
            t.hardware("invlpg", "intercepted", false);
        }
        v.log.completed(null);
    }

    /**
     * Guest-physical memory changes behind every vCPU's back ({@code pa} is a guest-physical address for HVM
     * domains). A write that lands on a shadowed page table is validated, as Xen's write protection would make it.
     */
    private void hostWrite(HostWrite h, Trace t) {
        t.op("host_write", "gpa", h.pa(), "size", h.size(), "value", h.value());
        P2mEntry e = p2m.lookup(h.pa() >>> 12);
        if (!e.mfnValid()) {
            throw new ScenarioError("steps[" + t.currentStep() + "].pa", "guest-physical address 0x"
                    + Long.toHexString(h.pa()) + " is not RAM of domain " + spec.name());
        }
        machineMemory().write((e.mfn() << 12) | (h.pa() & 0xFFF), h.size(), h.value());
        guestMemoryWritten(e.mfn(), h.pa() & 0xFFF, h.size(), t);
        for (HvmVcpu v : vcpus) {
            v.log.completed(null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // View

    /** A plain-data snapshot of the whole domain (see {@link HvmView}). */
    public HvmView view() {
        List<HvmView.Vcpu> vs = new ArrayList<>();
        for (HvmVcpu v : vcpus) {
            vs.add(v.view());
        }
        List<HvmView.Device> ds = new ArrayList<>();
        for (MmioDevice d : devices.devices()) {
            ds.add(new HvmView.Device(d.name(), d.model(), d.gfn(), d.registers()));
        }
        return new HvmView(spec.name(), spec.kind().wireName(), hap ? "hap" : "shadow", profile.name(), alive(),
                end == null ? null : end.summary(), vs, p2m.entries(), p2m.dirtyGfns(),
                shadow == null ? new java.util.TreeMap<>() : shadow.tables().entries(),
                shadow == null ? new java.util.TreeMap<>() : shadow.tables().pageTables(), ds);
    }

    /** The shadow invariants of §3.3 (empty under HAP, or when they all hold). */
    public List<String> checkInvariants() {
        return shadow == null ? List.of() : shadow.checkInvariants();
    }
}
