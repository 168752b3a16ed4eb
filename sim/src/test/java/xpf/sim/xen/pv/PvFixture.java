package xpf.sim.xen.pv;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.PteSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.x86.EntryBits;

/**
 * Builds PV scenarios for tests, in the shape of docs/scenario-format.md's example: a 64-bit guest whose L1 at 0x1003
 * maps data (va 0x1000), its own L1 read-only (va 0x3000), an L2 read-only (va 0x4000), a stack page (va 0x6000,
 * kernel_sp 0x7000) and a CoW-like read-only data page (va 0x5000); a second domain owns frame 0x2000.
 */
final class PvFixture {
    static final long P = EntryBits.P;
    static final long RW = EntryBits.RW;
    static final long US = EntryBits.US;
    static final long A = EntryBits.A;
    static final long UP = P | RW | US | A;
    static final long HANDLER = 0xffffffff81000000L;
    static final long GP_HANDLER = 0xffffffff81000100L;
    static final long RIP = 0xffffffff80001234L;

    static final long L4 = 0x1000;
    static final long L3 = 0x1001;
    static final long L2 = 0x1002;
    static final long L1 = 0x1003;
    static final long DATA = 0x1004;
    static final long NEWDATA = 0x1005;
    static final long STACK = 0x1006;
    static final long COW = 0x1007;
    static final long L1B = 0x1008;
    static final long FOREIGN = 0x2000;

    /** va of data, the self-mapped L1 (read-only), the L2 (read-only), the CoW page, the stack page. */
    static final long VA_DATA = 0x1000;
    static final long VA_L1 = 0x3000;
    static final long VA_L2 = 0x4000;
    static final long VA_COW = 0x5000;
    static final long VA_STACK = 0x6000;

    XenProfile profile = XenProfile.XEN_4_22;
    DomainKind kind = DomainKind.PV64;
    final LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
    final List<PteSpec> ptes = new ArrayList<>();
    final List<TrapInfoSpec> traps = new ArrayList<>();
    final Set<String> assists = new TreeSet<>(Set.of("writable_pagetables"));
    final LinkedHashMap<String, Long> params = new LinkedHashMap<>();
    final List<String> bugs = new ArrayList<>();
    boolean kernelMode = true;
    long cr3Frame = L4;
    long userCr3Frame = 0;
    long rsp = 0x6800;
    /** The vCPU's initial RFLAGS (Xen forces IF on). */
    long rflags = 0x202;
    long kernelSp = 0x7000;
    int kernelSs = 0xe02b;
    boolean hardwareDomain;
    boolean withForeign = true;

    static PvFixture pv64() {
        PvFixture f = new PvFixture();
        f.frames.put("l4", L4);
        f.frames.put("l3", L3);
        f.frames.put("l2", L2);
        f.frames.put("l1", L1);
        f.frames.put("data", DATA);
        f.frames.put("newdata", NEWDATA);
        f.frames.put("stack", STACK);
        f.frames.put("cow", COW);
        f.frames.put("l1b", L1B);
        f.pte(L4, 0, e(L3, UP)).pte(L3, 0, e(L2, UP)).pte(L2, 0, e(L1, UP));
        f.pte(L1, 1, e(DATA, UP)).pte(L1, 3, e(L1, P | US | A)).pte(L1, 4, e(L2, P | US | A));
        f.pte(L1, 5, e(COW, P | US | A)).pte(L1, 6, e(STACK, UP));
        f.trap(14, 0xe033, HANDLER, 0).trap(13, 0xe033, GP_HANDLER, 0);
        return f;
    }

    /** An entry: frame number and flags. */
    static long e(long frame, long flags) {
        return (frame << 12) | flags;
    }

    /** Handler addresses and RIP for 32-bit guests. */
    static final long HANDLER32 = 0xc0100000L;
    static final long RIP32 = 0xc0001234L;
    static final long L2X = 0x1009;

    /**
     * A 32-bit PV guest with the same virtual layout: L3 (PAE PDPT) at 0x1000 with slot 0 → L2 0x1002 and slot 3 →
     * L2 0x1009 (Xen's mappings live in its top slots), L1 0x1003 as for 64-bit.
     */
    static PvFixture pv32() {
        PvFixture f = new PvFixture();
        f.kind = DomainKind.PV32;
        f.frames.put("l3", L4);
        f.frames.put("l2", L2);
        f.frames.put("l1", L1);
        f.frames.put("data", DATA);
        f.frames.put("newdata", NEWDATA);
        f.frames.put("stack", STACK);
        f.frames.put("cow", COW);
        f.frames.put("l1b", L1B);
        f.frames.put("l2x", L2X);
        f.pte(L4, 0, e(L2, P)).pte(L4, 3, e(L2X, P)).pte(L2, 0, e(L1, UP));
        f.pte(L1, 1, e(DATA, UP)).pte(L1, 3, e(L1, P | A)).pte(L1, 4, e(L2, P | A));
        f.pte(L1, 5, e(COW, P | A)).pte(L1, 6, e(STACK, P | RW | A));
        f.trap(14, 0xe019, HANDLER32, 0).trap(13, 0xe019, HANDLER32 + 0x100, 0);
        f.kernelSs = 0xe021;
        f.rip = RIP32;
        return f;
    }

    long rip = RIP;

    PvFixture profile(XenProfile p) {
        this.profile = p;
        return this;
    }

    PvFixture pte(long table, int index, long value) {
        ptes.add(new PteSpec(table, index, value, "0x" + Long.toHexString(value)));
        return this;
    }

    PvFixture trap(int vector, int cs, long address, int flags) {
        traps.removeIf(t -> t.vector() == vector);
        traps.add(new TrapInfoSpec(vector, flags, cs, address));
        return this;
    }

    PvFixture noTraps() {
        traps.clear();
        return this;
    }

    PvFixture bug(String id) {
        bugs.add(id);
        return this;
    }

    PvFixture param(String k, long v) {
        params.put(k, v);
        return this;
    }

    PvFixture user() {
        kernelMode = false;
        userCr3Frame = L4;
        return this;
    }

    Scenario scenario(List<Step> steps) {
        List<DomainSpec> doms = new ArrayList<>();
        VcpuSpec v = new VcpuSpec(kind == DomainKind.PV32 ? PagingMode.PAE : PagingMode.LONG4, cr3Frame << 12,
                EnumSet.noneOf(ControlFlag.class), 0, 0, 0, kernelMode, userCr3Frame << 12, rip, rsp, rflags,
                kernelSp, kernelSs, null);
        doms.add(new DomainSpec("guest", kind, null, hardwareDomain, assists, frames, 4, ptes, List.of(), List.of(),
                List.of(v), traps, List.of(), List.of(), params));
        if (withForeign) {
            LinkedHashMap<String, Long> other = new LinkedHashMap<>();
            other.put("o4", FOREIGN);
            other.put("o3", FOREIGN + 1);
            VcpuSpec ov = new VcpuSpec(PagingMode.LONG4, FOREIGN << 12, EnumSet.noneOf(ControlFlag.class), 0, 0, 0,
                    true, 0, 0, 0, 0x202, 0, 0xe02b, null);
            doms.add(new DomainSpec("other", DomainKind.PV64, null, false, Set.of(), other, 0, List.of(), List.of(),
                    List.of(), List.of(ov), List.of(), List.of(), List.of(), new LinkedHashMap<>()));
        }
        return new Scenario(1, "test", "", List.of(), MachineSpec.modernIntel(profile), bugs, doms, steps);
    }

    ScenarioRunner.Run run(Step... steps) {
        return ScenarioRunner.run(scenario(List.of(steps)));
    }

    Outcome last(Step... steps) {
        ScenarioRunner.Run r = run(steps);
        return r.steps().get(r.steps().size() - 1).outcome();
    }

    static Step step(Operation op) {
        return new Step("guest", 0, op, null, null, null, 0);
    }

    static Step step(Operation op, Knobs k) {
        return new Step("guest", 0, op, k, null, null, 0);
    }

    static Step write(long va, long value) {
        return step(GuestAccess.write(va, value));
    }

    static Step write(long va, int size, long value, Insn insn) {
        return step(new GuestAccess(va, AccessKind.WRITE, size, value, null, false, false, insn, null));
    }

    static Step read(long va) {
        return step(GuestAccess.read(va));
    }

    static Step implicitRead(long va) {
        return step(new GuestAccess(va, AccessKind.READ, 8, null, null, true, false, Insn.LOAD, null));
    }

    static Step hypercall(HypercallOp op) {
        return step(new Hypercall(op));
    }

    static Step mmuUpdate(long ptr, long val) {
        return hypercall(new HypercallOp.MmuUpdate(List.of(new HypercallOp.MmuUpdate.Request(ptr, val)),
                PvLayout.DOMID_SELF));
    }

    static Step mmuext(int cmd, long arg1, long arg2) {
        return hypercall(new HypercallOp.MmuextOp(List.of(new HypercallOp.MmuextOp.Request(cmd, arg1, arg2)),
                PvLayout.DOMID_SELF));
    }

    static long pteAddr(long table, int index) {
        return (table << 12) + 8L * index;
    }

    static PvDomainView view(ScenarioRunner.Run r) {
        return ((PvDomain) r.domains().get("guest")).view();
    }

    /** The {@code page_info} of one of the guest's frames after the run. */
    static xpf.sim.xen.mm.PageInfo.Snapshot frame(ScenarioRunner.Run r, long mfn) {
        return view(r).frames().stream().filter(p -> p.mfn() == mfn).findFirst().orElse(null);
    }

    /** The word at a machine address after the run. */
    /** L1[1] (va 0x1000 → DATA) as the guest's tables hold it after the build, before any step. */
    static long l1e1(PvFixture f) {
        return word(f.run(), pteAddr(L1, 1));
    }

    static long word(ScenarioRunner.Run r, long pa) {
        return ((PvDomain) r.domains().get("guest")).memory().readWord(pa);
    }

    static xpf.model.scenario.Outcome outcome(ScenarioRunner.Run r, int step) {
        return r.steps().get(step).outcome();
    }
}
