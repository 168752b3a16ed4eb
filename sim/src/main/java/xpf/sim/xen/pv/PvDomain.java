package xpf.sim.xen.pv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.sim.domain.BuildContext;
import xpf.sim.domain.GuestDomain;
import xpf.sim.domain.InitialMemory;
import xpf.sim.domain.Machine;
import xpf.sim.domain.ScenarioError;
import xpf.sim.trace.Trace;
import xpf.sim.x86.AccessRights;
import xpf.sim.x86.ErrorCodes;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PageWalker;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.xen.Xen;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageRefs;

/**
 * A paravirtualised guest (64-bit, or 32-bit on 64-bit Xen) running on its own page tables under Xen, and Xen's PV
 * path around it (xen-pv-fault-path.md). Built from a {@link DomainSpec} as Xen's domain builder would leave it:
 * frames owned, tables written, the base table validated as {@code MMUEXT_NEW_BASEPTR} would (a refusal is bad input,
 * a {@link ScenarioError}), the trap table registered. Steps run as the guest would run them: accesses on the x86
 * model ({@link Mmu}: a 64-bit PV kernel in ring 3, a 32-bit one in ring 1), hypercalls into Xen, and every fault down
 * Xen's #PF path.
 *
 * <p>State is inspectable through {@link #view()} (plain data: frames, vCPUs, trap tables) for invariant checks and
 * the reference model. See docs/pv-path.md for the decision procedure as implemented.
 */
public final class PvDomain implements GuestDomain {
    static final int VMASST_WRITABLE_PAGETABLES = 2;
    static final int VMASST_PAE_EXTENDED_CR3 = 3;
    static final int VMASST_ARCHITECTURAL_IOPL = 4;
    static final int VMASST_M2P_STRICT = 32;

    private static final Map<String, Integer> VM_ASSIST_NAMES = Map.of("writable_pagetables",
            VMASST_WRITABLE_PAGETABLES, "pae_extended_cr3", VMASST_PAE_EXTENDED_CR3, "architectural_iopl",
            VMASST_ARCHITECTURAL_IOPL, "m2p_strict", VMASST_M2P_STRICT);
    /** {@link #VM_ASSIST_NAMES} in type order (the order views list them in). */
    private static final List<Map.Entry<String, Integer>> VM_ASSISTS_BY_TYPE = VM_ASSIST_NAMES.entrySet().stream()
            .sorted(Map.Entry.comparingByValue()).toList();

    private static List<Long> boxed(long[] a) {
        Long[] b = new Long[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return List.of(b);
    }

    /** Domain {@code params} this path reads (docs/pv-path.md "Domain params"). */
    static final List<String> PARAMS = List.of("mmio_mfn", "mmio_pages", "mmio_ro_mfn", "mmio_ro_pages", "log_dirty",
            "event_callback", "upcall_mask");

    private final String name;
    private final DomainKind kind;
    private final int domid;
    private final boolean pv32;
    private final boolean hardwareDomain;
    private final Xen xen;
    private final Machine machine;
    private final PvProfile profile;
    private final List<PvVcpu> vcpus = new ArrayList<>();
    private long vmAssist;
    private final TreeSet<Long> iomemCaps = new TreeSet<>();
    private final TreeSet<Long> mmioRoRanges = new TreeSet<>();
    private final boolean logDirty;
    private final TreeSet<Long> dirty = new TreeSet<>();
    private final TreeMap<Long, Long> m2p = new TreeMap<>();
    private final long eventCallback;
    private final long perdomainL3;
    private final long perdomainL2;
    private final long perdomainL1;
    private final TreeSet<Long> ownedAtStart = new TreeSet<>();
    private String crashReason;
    private String crashDetail;

    private Trace trace = Trace.disabled();
    private PvTrace pvTrace;
    private GuestAccess currentAccess;
    private Knobs currentKnobs = Knobs.NONE;

    private final PvMm mm = new PvMm(this);
    private final PvTraps traps = new PvTraps(this);
    private final PvRoPageFault ro = new PvRoPageFault(this);
    private final PvInject inject = new PvInject(this);
    private final BounceFrame bounce = new BounceFrame(this);
    private final XenGuestAccess access = new XenGuestAccess(this);
    private final DoMmuUpdate mmuUpdate = new DoMmuUpdate(this);
    private final DoMmuextOp mmuextOp = new DoMmuextOp(this);
    private final DoUpdateVaMapping updateVaMapping = new DoUpdateVaMapping(this);
    private final Callbacks callbacks = new Callbacks(this);
    private final DoIret iret = new DoIret(this);
    private final PvGuestSteps steps = new PvGuestSteps(this);

    /** Builds the domain (the domain builder's and {@code arch_set_info_guest}'s part). */
    public PvDomain(DomainSpec spec, BuildContext ctx) {
        this.name = spec.name();
        this.kind = spec.kind();
        this.domid = ctx.domid();
        this.pv32 = spec.kind() == DomainKind.PV32;
        this.hardwareDomain = spec.hardwareDomain();
        this.xen = ctx.xen();
        this.machine = ctx.machine();
        this.profile = PvProfile.of(xen.profile());
        this.pvTrace = new PvTrace(trace, profile, pv32);
        String path = ctx.path();
        if (!spec.kind().pv()) {
            throw new ScenarioError(path + ".kind", "not a PV domain");
        }
        if (spec.vcpus().isEmpty()) {
            throw new ScenarioError(path + ".vcpus", "a domain needs at least one vCPU");
        }
        if (spec.vcpus().size() > 16) {
            throw new ScenarioError(path + ".vcpus", "at most 16 vCPUs (one GDT/LDT L1 table of the model)");
        }
        if (spec.paging() != null) {
            throw new ScenarioError(path + ".paging", "PV domains have no HVM paging mode");
        }
        for (String p : spec.params().keySet()) {
            if (!PARAMS.contains(p)) {
                throw new ScenarioError(path + ".params." + p, "unknown PV param (known: " + String.join(", ", PARAMS)
                        + ")");
            }
        }
        for (String a : spec.vmAssist()) {
            Integer type = VM_ASSIST_NAMES.get(a);
            if (type == null || !profile.vmAssistKnown(type, pv32)) {
                throw new ScenarioError(path + ".vm_assist", "'" + a + "' is not a vm_assist type of Xen "
                        + profile.version() + (pv32 ? " for 32-bit guests" : ""));
            }
            vmAssist |= 1L << type;
        }
        this.logDirty = spec.params().getOrDefault("log_dirty", 0L) != 0;
        this.eventCallback = spec.params().getOrDefault("event_callback", 0L);

        // Frames: named, spare, then I/O ranges.
        FrameTable ft = xen.frameTable();
        for (Map.Entry<String, Long> f : spec.frames().entrySet()) {
            claim(ft, f.getValue(), path + ".frames." + f.getKey());
        }
        Deque<Long> spares = InitialMemory.spareFrames(spec);
        for (long f : spares) {
            claim(ft, f, path + ".spare_frames");
        }
        ioRange(ft, spec, "mmio_mfn", "mmio_pages", false, path);
        ioRange(ft, spec, "mmio_ro_mfn", "mmio_ro_pages", true, path);

        // Xen's per-domain area: L3 (L4 slot 260) -> L2 -> L1 holding every vCPU's GDT/LDT shadow slots.
        this.perdomainL3 = xen.allocXenFrame();
        this.perdomainL2 = xen.allocXenFrame();
        this.perdomainL1 = xen.allocXenFrame();
        memory().writeWord(perdomainL3 << 12, Pte.of(perdomainL2, Pte.HYPERVISOR_RW));
        memory().writeWord(perdomainL2 << 12, Pte.of(perdomainL1, Pte.HYPERVISOR_RW));

        PagingMode tableMode = pv32 ? PagingMode.PAE : PagingMode.LONG4;
        InitialMemory.write(spec, path, tableMode, machine.spec().maxPhyAddr(), f -> f, memory(), spares);

        for (int i = 0; i < spec.vcpus().size(); i++) {
            buildVcpu(spec.vcpus().get(i), i, path + ".vcpus[" + i + "]", spec);
        }
    }

    private void claim(FrameTable ft, long mfn, String path) {
        if (mfn < Xen.XEN_FRAMES) {
            throw new ScenarioError(path, "frame 0x" + Long.toHexString(mfn) + " is Xen's (frames 0x0..0x"
                    + Long.toHexString(Xen.XEN_FRAMES - 1) + " belong to Xen)");
        }
        if (mfn >= machine.frameLimit()) {
            throw new ScenarioError(path, "frame 0x" + Long.toHexString(mfn) + " is beyond MAXPHYADDR "
                    + machine.spec().maxPhyAddr());
        }
        PageInfo p = ft.get(mfn);
        if (p != null) {
            throw new ScenarioError(path, "frame 0x" + Long.toHexString(mfn) + " is already owned by "
                    + (p.owner() == FrameTable.DOMID_IO ? "DOMID_IO" : "d" + p.owner()));
        }
        ft.assign(mfn, domid);
        ownedAtStart.add(mfn);
    }

    private void ioRange(FrameTable ft, DomainSpec spec, String key, String pagesKey, boolean readOnly, String path) {
        Long first = spec.params().get(key);
        if (first == null) {
            return;
        }
        long pages = spec.params().getOrDefault(pagesKey, 1L);
        for (long mfn = first; mfn < first + pages; mfn++) {
            if (mfn < machine.frameLimit()) {
                PageInfo p = ft.get(mfn);
                if (p != null && p.owner() != FrameTable.DOMID_IO) {
                    throw new ScenarioError(path + ".params." + key, "frame 0x" + Long.toHexString(mfn)
                            + " is RAM owned by " + (p.owner() == FrameTable.DOMID_XEN ? "Xen" : "d" + p.owner()));
                }
                if (p == null) {
                    ft.assign(mfn, FrameTable.DOMID_IO);
                }
            }
            iomemCaps.add(mfn);
            if (readOnly) {
                mmioRoRanges.add(mfn);
            }
        }
    }

    private void buildVcpu(VcpuSpec vs, int id, String path, DomainSpec spec) {
        PagingMode want = pv32 ? PagingMode.PAE : PagingMode.LONG4;
        if (vs.mode() != null && vs.mode() != want) {
            throw new ScenarioError(path + ".mode", (pv32 ? "32-bit PV guests use PAE tables (mode: pae)"
                    : "64-bit PV guests use 4-level tables (mode: long4)"));
        }
        if ((vs.cr3() & 0xFFF) != 0) {
            throw new ScenarioError(path + ".cr3", "a PV base pointer is a frame (page-aligned)");
        }
        long hwCr3 = 0;
        long compatL4 = 0;
        if (pv32) {
            compatL4 = xen.allocXenFrame();
            memory().writeWord((compatL4 << 12) + 8L * PvLayout.LINEAR_PT_SLOT, Pte.of(compatL4, Pte.HYPERVISOR_RW));
            memory().writeWord((compatL4 << 12) + 8L * PvLayout.PERDOMAIN_SLOT, Pte.of(perdomainL3,
                    Pte.HYPERVISOR_RW));
            hwCr3 = compatL4 << 12;
        }
        PagingControls c = hardwareControls(hwCr3 == 0 ? vs.cr3() : hwCr3);
        PvVcpu v = new PvVcpu(id, new Mmu(machine.cpu(), machine.memory(), c));
        v.compatL4 = compatL4;
        vcpus.add(v);
        mm.resetFailure();
        int rc = mm.newGuestCr3(v, vs.cr3() >>> 12);
        if (rc != 0) {
            throw new ScenarioError(path + ".cr3", "Xen refuses frame 0x" + Long.toHexString(vs.cr3() >>> 12)
                    + " as the base table (" + Rc.name(rc) + "): " + mm.lastFailure());
        }
        v.kernelMode = vs.pvKernelMode();
        if (vs.userCr3() != 0) {
            if (pv32) {
                throw new ScenarioError(path + ".user_cr3", "32-bit PV guests have no separate user page tables");
            }
            mm.resetFailure();
            int urc = mm.newUserBaseptr(v, vs.userCr3() >>> 12);
            if (urc != 0) {
                throw new ScenarioError(path + ".user_cr3", "Xen refuses frame 0x"
                        + Long.toHexString(vs.userCr3() >>> 12) + " as the user base table (" + Rc.name(urc) + "): "
                        + mm.lastFailure());
            }
        } else if (!pv32 && !vs.pvKernelMode()) {
            throw new ScenarioError(path + ".user_cr3", "a 64-bit PV vCPU in user mode needs user page tables "
                    + "(user_cr3; it may be the kernel's L4)");
        }
        v.rip = vs.rip();
        v.rsp = vs.rsp();
        v.rflags = vs.rflags() | BounceFrame.EFLAGS_IF | DoIret.EFLAGS_MBS; // PV guests always run with IF=1
        if (pv32) {
            v.cs = vs.pvKernelMode() ? PvLayout.FLAT_RING1_CS : PvLayout.FLAT_RING3_CS;
            v.ss = vs.pvKernelMode() ? PvLayout.FLAT_RING1_SS : PvLayout.FLAT_RING3_SS;
        } else {
            v.cs = vs.pvKernelMode() ? PvLayout.FLAT_KERNEL_CS64 : PvLayout.FLAT_USER_CS64;
            v.ss = vs.pvKernelMode() ? PvLayout.FLAT_KERNEL_SS64 : PvLayout.FLAT_USER_SS64;
        }
        v.kernelSp = vs.kernelSp();
        v.kernelSs = vs.kernelSs();
        v.upcallMask = (int) (spec.params().getOrDefault("upcall_mask", 0L) & 1);
        writePtbase(v);
        List<TrapInfoSpec> tt = spec.trapTable();
        for (int i = 0; i < tt.size(); i++) {
            TrapInfoSpec e = tt.get(i);
            if (e.address() == 0) {
                throw new ScenarioError(path.replaceAll("\\.vcpus\\[\\d+]$", "") + ".trap_table[" + i + "].address",
                        "0 ends a set_trap_table list; leave the vector out instead");
            }
            int trc = callbacks.doSetTrapTable(v, List.of(e), false);
            if (trc != 0) {
                throw new ScenarioError(path.replaceAll("\\.vcpus\\[\\d+]$", "") + ".trap_table[" + i + "]",
                        "set_trap_table refuses it (" + Rc.name(trc) + "): the address is not canonical");
            }
        }
    }

    /**
     * The hardware controls a PV vCPU runs with: Xen's, not the guest's. CR0.WP and EFER.NXE (if the CPU has NX)
     * always; CR4.SMEP/SMAP as Xen sets them for itself (4.22 on a capable CPU, cleared while a 32-bit PV guest
     * runs); EFLAGS.AC=1 stands for Xen's STAC around its guest-memory accesses (no effect on a ring-3 guest).
     */
    private PagingControls hardwareControls(long cr3) {
        boolean smepSmap = !pv32 && profile.xenUsesSmepSmap();
        return new PagingControls(PagingMode.LONG4, true, false, false,
                smepSmap && machine.spec().has(CpuFeature.SMEP), smepSmap && machine.spec().has(CpuFeature.SMAP),
                false, false, cpuHasNx(), true, 0, 0, cr3);
    }

    // ---- accessors for the components ----

    /** vCPU {@code i} (tests drive decision points directly). */
    PvVcpu vcpu(int i) {
        return vcpus.get(i);
    }

    /** Records into {@code t} from now on (tests calling decision points outside a step). */
    void useTrace(Trace t) {
        this.trace = t;
        this.pvTrace = new PvTrace(t, profile, pv32);
    }

    Trace trace() {
        return trace;
    }

    PvTrace pvTrace() {
        return pvTrace;
    }

    PvProfile profile() {
        return profile;
    }

    Xen xen() {
        return xen;
    }

    Machine machine() {
        return machine;
    }

    PhysicalMemory memory() {
        return machine.memory();
    }

    FrameTable frameTable() {
        return xen.frameTable();
    }

    int domid() {
        return domid;
    }

    boolean pv32() {
        return pv32;
    }

    boolean hardwareDomain() {
        return hardwareDomain;
    }

    boolean cpuHasNx() {
        return machine.spec().has(CpuFeature.NX);
    }

    /** {@code cache_flush_permitted(d)}: a domain with I/O memory may choose cache attributes. */
    boolean cacheFlushPermitted() {
        return !iomemCaps.isEmpty();
    }

    boolean iomemAccessPermitted(long mfn) {
        return iomemCaps.contains(mfn);
    }

    boolean mmioRo(long mfn) {
        return mmioRoRanges.contains(mfn);
    }

    boolean vmAssist(int type) {
        return (vmAssist & (1L << type)) != 0;
    }

    void setVmAssist(int type, boolean on) {
        vmAssist = on ? vmAssist | (1L << type) : vmAssist & ~(1L << type);
    }

    boolean logDirty() {
        return logDirty;
    }

    boolean isDirty(long mfn) {
        return dirty.contains(mfn);
    }

    void markDirty(long mfn) {
        if (logDirty) {
            dirty.add(mfn);
        }
    }

    void setM2p(long mfn, long gpfn) {
        m2p.put(mfn, gpfn);
    }

    long eventCallback() {
        return eventCallback;
    }

    int kernelCs() {
        return pv32 ? PvLayout.FLAT_RING1_CS : PvLayout.FLAT_KERNEL_CS64;
    }

    long perdomainL3() {
        return perdomainL3;
    }

    long perdomainL1() {
        return perdomainL1;
    }

    /** CR4.SMAP while Xen runs. */
    boolean xenSmap() {
        return profile.xenUsesSmepSmap() && machine.spec().has(CpuFeature.SMAP);
    }

    boolean xenSmepSmap() {
        return profile.xenUsesSmepSmap()
                && (machine.spec().has(CpuFeature.SMEP) || machine.spec().has(CpuFeature.SMAP));
    }

    GuestAccess currentAccess() {
        return currentAccess;
    }

    Knobs currentKnobs() {
        return currentKnobs;
    }

    PvMm mm() {
        return mm;
    }

    void setCurrentAccess(GuestAccess a) {
        currentAccess = a;
    }

    DoMmuextOp mmuextOp() {
        return mmuextOp;
    }

    DoUpdateVaMapping updateVaMapping() {
        return updateVaMapping;
    }

    Callbacks callbacks() {
        return callbacks;
    }

    DoIret iret() {
        return iret;
    }

    PvGuestSteps steps() {
        return steps;
    }

    PvTraps traps() {
        return traps;
    }

    PvRoPageFault ro() {
        return ro;
    }

    PvInject inject() {
        return inject;
    }

    BounceFrame bounce() {
        return bounce;
    }

    XenGuestAccess access() {
        return access;
    }

    DoMmuUpdate mmuUpdate() {
        return mmuUpdate;
    }

    // ---- machine-level helpers ----

    /** {@code write_ptbase}: load the hardware CR3 for the vCPU's current mode. */
    void writePtbase(PvVcpu v) {
        long mfn;
        if (pv32) {
            mfn = v.compatL4;
        } else {
            mfn = v.kernelMode || v.guestTableUser == 0 ? v.guestTable : v.guestTableUser;
        }
        // MOV to CR3 flushes non-global translations even when the value does not change (a 32-bit guest's new L3
        // goes into slot 0 of the same Xen L4).
        v.mmu.loadCr3(mfn << 12);
    }

    /** {@code flush_tlb_mask(d->dirty_cpumask)}: every vCPU of the domain. */
    void flushAllTlbs(String why) {
        for (PvVcpu v : vcpus) {
            v.mmu.flushAll();
        }
        trace.call("flush_tlb_mask", "domain", "d" + domid, "why", why);
    }

    void invlpgAll(long va) {
        for (PvVcpu v : vcpus) {
            v.mmu.invlpg(va);
        }
        trace.call("flush_tlb_one_mask", "va", va);
    }

    /** {@code pv_destroy_ldt} / {@code invalidate_shadow_ldt}: drop the LDT shadow mappings and their references. */
    @XenFunction(symbol = "pv_destroy_ldt", file = "xen/arch/x86/pv/descriptor-tables.c", version = "4.22",
            formerly = "invalidate_shadow_ldt")
    void invalidateShadowLdt(PvVcpu v) {
        boolean any = false;
        for (int i = 0; i < v.ldtShadow.length; i++) {
            if (v.ldtShadow[i] != 0) {
                mm.writeEntry(perdomainL1, v.id * 32 + 16 + i, 0);
                PageRefs.putPageAndType(frameTable().get(v.ldtShadow[i]), mm);
                v.ldtShadow[i] = 0;
                any = true;
            }
        }
        if (any) {
            v.mmu.flushAll();
            trace.call("pv_destroy_ldt", "vcpu", v.id);
        }
    }

    /**
     * {@code guest_get_eff_kern_l1e}: the L1 entry that maps {@code va} in the guest's kernel page tables, read
     * through Xen's linear page table (a 64-bit vCPU in user mode is switched to its kernel L4 for the read). Empty
     * (0) for a bad address or when the read faults.
     */
    @XenFunction(symbol = "guest_get_eff_kern_l1e", file = "xen/arch/x86/pv/mm.h; 3.1: xen/include/asm-x86/paging.h",
            version = "4.22",
            formerly = "guest_get_eff_kern_l1e")
    long guestGetEffKernL1e(PvVcpu v, long va) {
        boolean toggled = !pv32 && !v.kernelMode;
        if (toggled) {
            v.kernelMode = true;
            writePtbase(v);
        }
        try {
            return guestGetEffL1e(v, va);
        } finally {
            if (toggled) {
                v.kernelMode = false;
                writePtbase(v);
            }
        }
    }

    /** {@code guest_get_eff_l1e}: the same through the currently loaded tables. */
    @XenFunction(symbol = "guest_get_eff_l1e", file = "xen/arch/x86/pv/mm.h; 3.1: xen/include/asm-x86/paging.h",
            version = "3.1, 4.22")
    long guestGetEffL1e(PvVcpu v, long va) {
        boolean ok = pv32 ? va < (1L << 32) : PvLayout.addrOk(va);
        if (!ok) {
            return 0;
        }
        XenGuestAccess.Result r = access.read(v, PvLayout.linearL1eAddress(va), 8, XenSite.LINEAR_PT);
        long e = r.ok() ? r.value() : 0;
        trace.call(profile.symbol("guest_get_eff_kern_l1e"), "va", va, "l1e", e);
        return e;
    }

    /**
     * Log-dirty mode: the shadow tables map every clean frame of the guest read-only, so a write the guest's own
     * tables allow still faults (P|W, U for user-mode accesses) until the frame is marked dirty. Returns that error
     * code and the faulting linear address, or null when the hardware would not fault for this reason. The guest's
     * tables are read without side effects (a shadow fault happens before any A/D update). A write crossing into a
     * clean second page faults there: CR2 is the first byte of that page, not of the access (fixed 2026-11-26,
     * finding pv-log-dirty-page-crossing-write: CR2 named the first, already dirty page, so paging_fault refused to
     * fix it and the #PF reached the guest).
     */
    LogDirtyFault logDirtyWriteFault(PvVcpu v, Access a, int size) {
        if (!logDirty || a.kind() != AccessKind.WRITE) {
            return null;
        }
        long[] pages = size > 1 && ((a.va() ^ (a.va() + size - 1)) & ~0xFFFL) != 0
                ? new long[] {a.va(), (a.va() + size - 1) & ~0xFFFL} : new long[] {a.va()};
        for (long va : pages) {
            if (!PvLayout.canonical(va)) {
                return null;
            }
            Access pa = new Access(va, a.kind(), a.cpl(), a.implicit(), a.stack());
            // A TLB entry that allows the write (writable, dirty) is used without a walk (SDM vol. 3 §4.10.2), stale
            // or not: the shadow's new read-only sl1e is not seen until a flush, and shadow_set_l1e never asks for
            // one when an l1e changes ("it's the guest's responsibility to trigger a flush",
            // xen/arch/x86/mm/shadow/set.c, xen-project/xen HEAD c447b73). Finding seed-21 try 359811.
            xpf.sim.x86.Tlb.Entry te = v.mmu.tlb().lookup(va);
            if (te != null && te.dirty() && AccessRights.check(pa, te.rights(), v.mmu.controls(), true) == 0) {
                long mfn = (te.paBase() + (va - te.vaBase())) >>> 12;
                PageInfo p = frameTable().get(mfn);
                if (p != null && p.owner() == domid && !dirty.contains(mfn)) {
                    return new LogDirtyFault(ErrorCodes.base(pa, v.mmu.controls()) | xpf.model.x86.PfErrorCode.P, va);
                }
                continue;
            }
            PageWalker.Walk w = PageWalker.walk(memory(), v.mmu.cpu(), v.mmu.controls(), v.mmu.pdpteRegisters(), va,
                    null);
            if (w.status() != PageWalker.Status.TRANSLATED
                    || AccessRights.check(pa, w.rights(), v.mmu.controls(), true) != 0) {
                return null; // the guest's own tables fault first
            }
            long mfn = w.pa() >>> 12;
            PageInfo p = frameTable().get(mfn);
            if (p != null && p.owner() == domid && !dirty.contains(mfn)) {
                return new LogDirtyFault(ErrorCodes.base(pa, v.mmu.controls()) | xpf.model.x86.PfErrorCode.P, va);
            }
        }
        return null;
    }

    /** A log-dirty write fault: the error code and the linear address the hardware reports in CR2. */
    record LogDirtyFault(int errorCode, long cr2) {
    }

    // ---- GuestDomain ----

    @Override
    public String name() {
        return name;
    }

    @Override
    public DomainKind kind() {
        return kind;
    }

    @Override
    public boolean alive() {
        return crashReason == null && xen.panicReason() == null;
    }

    /** The hardware privilege level: a 64-bit PV guest always runs in ring 3; a 32-bit kernel in ring 1. */
    int hardwareCpl(PvVcpu v) {
        return v.cs & 3;
    }

    boolean guestKernelMode(PvVcpu v) {
        return inject.guestKernelMode(v);
    }

    @Override
    public Outcome step(Step step, Trace t) {
        this.trace = t;
        this.pvTrace = new PvTrace(t, profile, pv32);
        if (xen.panicReason() != null) {
            t.note("Xen has panicked (" + xen.panicReason() + "): nothing runs any more");
            return new Outcome.Panic(xen.panicReason(), "earlier panic");
        }
        if (crashReason != null) {
            t.note("domain " + name + " crashed earlier (" + crashReason + ")");
            return new Outcome.DomainCrash(crashReason, crashDetail);
        }
        if (step.vcpu() < 0 || step.vcpu() >= vcpus.size()) {
            throw new ScenarioError("steps[" + t.currentStep() + "].vcpu", "domain " + name + " has no vCPU "
                    + step.vcpu());
        }
        PvVcpu v = vcpus.get(step.vcpu());
        currentKnobs = step.knobs();
        try {
            return switch (step.op()) {
                case GuestAccess a -> steps.guestAccess(v, a);
                case Hypercall h -> steps.hypercall(v, h.call());
                case ControlWrite w -> steps.controlWrite(v, w);
                case Invlpg i -> {
                    t.op("invlpg", "va", i.va());
                    t.call("do_mmuext_op", "cmd", "MMUEXT_INVLPG_LOCAL", "va", i.va());
                    v.mmu.invlpg(i.va());
                    yield new Outcome.Completed(null);
                }
                case HostWrite h -> {
                    t.op("host_write", "pa", h.pa(), "size", h.size(), "value", h.value());
                    memory().write(h.pa(), h.size(), h.value());
                    yield new Outcome.Completed(null);
                }
            };
        } catch (PvFatal.Crash c) {
            crashReason = c.reason();
            crashDetail = c.detail();
            t.call("domain_crash", "domain", "d" + domid, "reason", c.reason());
            return new Outcome.DomainCrash(c.reason(), c.detail());
        } catch (PvFatal.Panic p) {
            xen.panic(p.reason());
            return new Outcome.Panic(p.reason(), p.detail());
        } finally {
            currentAccess = null;
            currentKnobs = Knobs.NONE;
        }
    }

    // ---- plain-data view ----

    /**
     * Everything an invariant checker or the reference model needs, as plain data (docs/pv-path.md "State view").
     * Frames are this domain's named and spare frames, in frame order.
     */
    public PvDomainView view() {
        return view(true);
    }

    /**
     * {@link #view()}, or without its frames (an empty list) when {@code withFrames} is false: the reference view
     * ({@link PvDomainViews}) takes the whole frame table instead and need not snapshot these frames at every step.
     */
    PvDomainView view(boolean withFrames) {
        List<PageInfo.Snapshot> frames = new ArrayList<>();
        for (long mfn : withFrames ? ownedAtStart : java.util.Set.<Long>of()) {
            PageInfo p = frameTable().get(mfn);
            if (p != null) {
                frames.add(p.snapshot());
            }
        }
        List<PvDomainView.Vcpu> vs = new ArrayList<>();
        for (PvVcpu v : vcpus) {
            long[] ldt = v.ldtShadow.clone();
            vs.add(new PvDomainView.Vcpu(v.id, pv32 ? (v.cs & 3) == 1 : v.kernelMode, v.guestTable,
                    v.guestTableUser, v.mmu.controls().cr3(), v.rip, v.rsp, v.rflags, v.cs, v.ss, v.kernelSp,
                    v.kernelSs, v.ctrlreg2, v.vcpuInfoCr2, v.upcallPending, v.upcallMask, v.ldtBase, v.ldtEnts,
                    boxed(ldt), v.trapTable(), v.trapBounce));
        }
        List<String> assists = new ArrayList<>();
        for (Map.Entry<String, Integer> e : VM_ASSISTS_BY_TYPE) {
            if (vmAssist(e.getValue())) {
                assists.add(e.getKey());
            }
        }
        return new PvDomainView(name, domid, kind, profile.id(), alive(), crashReason, hardwareDomain,
                Collections.unmodifiableList(assists), logDirty, List.copyOf(dirty), List.copyOf(iomemCaps),
                List.copyOf(mmioRoRanges), frames, vs, perdomainL3, List.copyOf(xen.bugs()));
    }
}
