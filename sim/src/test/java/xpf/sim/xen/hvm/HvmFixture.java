package xpf.sim.xen.hvm;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.Operation;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.PteSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;

/**
 * Builds HVM scenarios in code (the YAML loader is another module's). The standard guest: long mode, CR0.WP and
 * EFER.NXE, CPL 3; frames pml4 0x1000, data 0x1010, stack 0x1020, idt 0x1030, spare frames after them; user data
 * at va 0x400000, the IDT at va 0x10000 and the kernel stack page at va 0x20000 (RSP0 0x21000), supervisor-only;
 * gates for #DE..#PF to handlers at 0xffffffff81000000 + vector * 0x100, selector 0x10.
 */
final class HvmFixture {
    static final long P = EntryBits.P;
    static final long RW = EntryBits.RW;
    static final long US = EntryBits.US;
    static final long A = EntryBits.A;
    static final long D = EntryBits.D;
    static final long NX = EntryBits.XD;
    static final long PS = EntryBits.PS;
    static final long USER_RW = P | RW | US | A | D;
    static final long KERNEL_RW = P | RW | A | D;
    static final long UPPER = P | RW | US;
    static final long DATA_VA = 0x400000;
    static final long IDT_VA = 0x10000;
    static final long STACK_VA = 0x20000;
    static final long RSP0 = 0x21000;
    static final long HANDLER_BASE = 0xffffffff81000000L;

    DomainKind kind;
    HvmPaging paging = HvmPaging.SHADOW;
    XenProfile xen = XenProfile.XEN_4_22;
    Vendor vendor = Vendor.AMD;
    int maxPhyAddr = 40;
    Set<CpuFeature> features = EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.PAGE1GB);
    final LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
    final List<PteSpec> pageTables = new ArrayList<>();
    final List<MappingSpec> mappings = new ArrayList<>();
    final List<MemoryInit> memory = new ArrayList<>();
    final List<P2mSpec> p2m = new ArrayList<>();
    final List<DeviceSpec> devices = new ArrayList<>();
    final LinkedHashMap<String, Long> params = new LinkedHashMap<>();
    final List<String> bugs = new ArrayList<>();
    PagingMode mode = PagingMode.LONG4;
    Set<ControlFlag> controls = EnumSet.of(ControlFlag.WP, ControlFlag.NXE);
    int cpl = 3;
    int pkru;
    boolean idt = true;
    boolean idtMapped = true;
    boolean stackMapped = true;
    int spareFrames = 16;
    final List<GateSpec> extraGates = new ArrayList<>();
    final Set<Integer> absentGates = new java.util.TreeSet<>();
    boolean dfIst;
    static final long DF_STACK_VA = 0x30000;

    static HvmFixture svm() {
        HvmFixture f = new HvmFixture();
        f.kind = DomainKind.HVM_SVM;
        f.vendor = Vendor.AMD;
        return f.standard();
    }

    static HvmFixture vmx() {
        HvmFixture f = new HvmFixture();
        f.kind = DomainKind.HVM_VMX;
        f.vendor = Vendor.INTEL;
        return f.standard();
    }

    static HvmFixture of(DomainKind k) {
        return k == DomainKind.HVM_SVM ? svm() : vmx();
    }

    private HvmFixture standard() {
        frames.put("pml4", 0x1000L);
        frames.put("data", 0x1010L);
        frames.put("stack", 0x1020L);
        frames.put("idt", 0x1030L);
        return this;
    }

    HvmFixture xen(XenProfile p) {
        xen = p;
        return this;
    }

    HvmFixture hap() {
        paging = HvmPaging.HAP;
        return this;
    }

    HvmFixture frame(String name, long gfn) {
        frames.put(name, gfn);
        return this;
    }

    HvmFixture map(long va, String frame, long flags) {
        mappings.add(new MappingSpec(va, frames.get(frame), PageSizes.SIZE_4K, flags, UPPER, frames.get("pml4"), va
                + " -> " + frame));
        return this;
    }

    HvmFixture mapGfn(long va, long gfn, long flags) {
        mappings.add(new MappingSpec(va, gfn, PageSizes.SIZE_4K, flags, UPPER, frames.get("pml4"), "m"));
        return this;
    }

    HvmFixture map2m(long va, long gfn, long flags) {
        mappings.add(new MappingSpec(va, gfn, PageSizes.SIZE_2M, flags, UPPER, frames.get("pml4"), "m2"));
        return this;
    }

    HvmFixture pte(String table, int index, long value) {
        pageTables.add(new PteSpec(frames.get(table), index, value, "raw"));
        return this;
    }

    HvmFixture mem(String frame, int offset, long value) {
        memory.add(new MemoryInit(frames.get(frame), offset, 8, value));
        return this;
    }

    HvmFixture p2m(long gfn, String type) {
        p2m.add(new P2mSpec(gfn, null, type, null));
        return this;
    }

    HvmFixture device(String name, String model, long gfn, long... regs) {
        TreeMap<Integer, Long> r = new TreeMap<>();
        for (int i = 0; i + 1 < regs.length; i += 2) {
            r.put((int) regs[i], regs[i + 1]);
        }
        devices.add(new DeviceSpec(name, model, gfn, r));
        return this;
    }

    HvmFixture param(String name, long v) {
        params.put(name, v);
        return this;
    }

    HvmFixture bug(String id) {
        bugs.add(id);
        return this;
    }

    HvmFixture noIdtMapping() {
        idtMapped = false;
        return this;
    }

    HvmFixture noStackMapping() {
        stackMapped = false;
        return this;
    }

    /** Gates for these vectors are written with P=0. */
    HvmFixture absentGates(int... vectors) {
        for (int v : vectors) {
            absentGates.add(v);
        }
        return this;
    }

    /** #DF runs on IST1, a mapped stack page of its own (frame dfstack 0x1040 at va 0x30000). */
    HvmFixture dfIst() {
        dfIst = true;
        frames.put("dfstack", 0x1040L);
        return this;
    }

    /** An extra interrupt gate (e.g. for a re-queued external interrupt). */
    HvmFixture gate(int vector) {
        boolean lm = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
        extraGates.add(new GateSpec(vector, lm ? handler(vector) : 0xc1000000L + vector * 0x100L, lm ? 0x10 : 0x08,
                false, 0, 0, true));
        return this;
    }

    HvmFixture mode(PagingMode m) {
        mode = m;
        return this;
    }

    HvmFixture controls(ControlFlag... c) {
        controls = c.length == 0 ? EnumSet.noneOf(ControlFlag.class) : EnumSet.of(c[0], c);
        return this;
    }

    HvmFixture cpl(int c) {
        cpl = c;
        return this;
    }

    static long handler(int vector) {
        return HANDLER_BASE + vector * 0x100L;
    }

    Scenario scenario(List<Step> steps) {
        boolean lm = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
        List<MappingSpec> maps = new ArrayList<>(mappings);
        if (idtMapped) {
            maps.add(0, new MappingSpec(IDT_VA, frames.get("idt"), PageSizes.SIZE_4K, KERNEL_RW, UPPER,
                    frames.get("pml4"), "idt"));
        }
        if (stackMapped) {
            maps.add(0, new MappingSpec(STACK_VA, frames.get("stack"), PageSizes.SIZE_4K, KERNEL_RW, UPPER,
                    frames.get("pml4"), "stack"));
        }
        if (dfIst) {
            maps.add(0, new MappingSpec(DF_STACK_VA, frames.get("dfstack"), PageSizes.SIZE_4K, KERNEL_RW, UPPER,
                    frames.get("pml4"), "dfstack"));
        }
        List<GateSpec> gates = new ArrayList<>();
        for (int v : new int[] {0, 6, 8, 10, 11, 12, 13, 14}) {
            long h = lm ? handler(v) : 0xc1000000L + v * 0x100L;
            gates.add(new GateSpec(v, h, lm ? 0x10 : 0x08, false, 0, v == 8 && dfIst ? 1 : 0,
                    !absentGates.contains(v)));
        }
        gates.addAll(extraGates);
        IdtSpec idtSpec = idt ? new IdtSpec(IDT_VA, gates, RSP0, dfIst ? List.of(DF_STACK_VA + 0x1000) : List.of())
                : null;
        // A kernel vCPU runs on the kernel stack (same-privilege delivery stays on it); a user vCPU's stack is
        // never touched by delivery (it switches to RSP0).
        VcpuSpec v = new VcpuSpec(mode, frames.get("pml4") << 12, controls, pkru, 0, cpl, false, 0, 0x401000L,
                cpl == 0 ? RSP0 : 0x7ffff000L, 0x202, 0, 0, idtSpec);
        DomainSpec d = new DomainSpec("guest", kind, paging, false, Set.of(), frames, spareFrames, pageTables, maps,
                memory, List.of(v), List.of(), p2m, devices, params);
        MachineSpec m = new MachineSpec(vendor, maxPhyAddr, features, xen);
        return new Scenario(1, "test", "", List.of(), m, bugs, List.of(d), steps);
    }

    ScenarioRunner.Run run(Step... steps) {
        return ScenarioRunner.run(scenario(List.of(steps)));
    }

    static Step step(Operation op) {
        return new Step("guest", 0, op, null, null, null, 0);
    }

    static Step step(Operation op, Knobs k) {
        return new Step("guest", 0, op, k, null, null, 0);
    }

    static Knobs pendingEvent(int vector, String type, Integer ec) {
        return new Knobs(false, new EventSpec(vector, type, ec), false, false);
    }

    static Knobs emulatorFails() {
        return new Knobs(true, null, false, false);
    }

    static Knobs shadowOom() {
        return new Knobs(false, null, true, false);
    }

    static GuestAccess read(long va) {
        return GuestAccess.read(va);
    }

    static GuestAccess write(long va, long value) {
        return GuestAccess.write(va, value);
    }

    static GuestAccess fetch(long va) {
        return GuestAccess.fetch(va);
    }

    static GuestAccess access(long va, AccessKind k, int cpl, boolean implicit) {
        return new GuestAccess(va, k, k == AccessKind.FETCH ? 1 : 8, k == AccessKind.WRITE ? 0L : null, cpl, implicit,
                false, k == AccessKind.WRITE ? Insn.MOV : Insn.LOAD, null);
    }

    static GuestAccess movdqu(long va, long value) {
        return new GuestAccess(va, AccessKind.WRITE, 16, value, null, false, false, Insn.MOVDQU, null);
    }
}
