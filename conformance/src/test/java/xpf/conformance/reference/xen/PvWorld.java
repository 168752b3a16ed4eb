package xpf.conformance.reference.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;
import xpf.model.x86.Vendor;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.Frame;
import xpf.model.xen.PvDomainView.FrameType;
import xpf.model.xen.PvDomainView.HandlerFrame;

/**
 * A PV domain state written by hand, as plain data, for the per-row tests of the reference model (no simulator
 * involved). The 64-bit world: L4 0x1000 → L3 0x1001 → L2 0x1002 → L1 0x1003 mapping va 0x1000 data (RW), 0x3000 the
 * L1 itself (RO), 0x4000 the L2 (RO), 0x5000 cow (RO), 0x6000 the kernel stack (RW); entries as Xen stores them
 * (adjust_guest_l1e: G|US); Xen's L4 slot 258 (linear page table) and slot 260 (per-domain area, GDT/LDT slots empty);
 * another domain (d2) owns 0x2000-0x2001. The 32-bit world puts the guest's PAE L3 under Xen's L4 0x13.
 */
final class PvWorld {

    static final long L4 = 0x1000;
    static final long L3 = 0x1001;
    static final long L2 = 0x1002;
    static final long L1 = 0x1003;
    static final long DATA = 0x1004;
    static final long NEWDATA = 0x1005;
    static final long STACK = 0x1006;
    static final long COW = 0x1007;
    static final long SPARE = 0x1008;
    static final long OTHER = 0x2001;
    static final long COMPAT_L4 = 0x13;
    static final long PF_HANDLER = 0xffffffff81000000L;
    static final long GP_HANDLER = 0xffffffff81000100L;
    static final long KERNEL_RIP = 0xffffffff80001234L;
    static final long UPPER = 0x27;       // P|RW|US|A
    static final long XEN = 0x63;         // P|RW|A|D, supervisor

    XenProfile profile;
    DomainKind kind;
    int domid = 1;
    boolean hardwareDomain;
    boolean alive = true;
    String crashReason;
    String xenPanic;
    boolean logDirty;
    final TreeSet<Long> dirty = new TreeSet<>();
    final TreeSet<Long> iomem = new TreeSet<>();
    final TreeSet<Long> mmioRo = new TreeSet<>();
    long eventCallback;
    final TreeSet<String> assist = new TreeSet<>(Set.of("writable_pagetables"));
    final TreeMap<Long, Frame> frames = new TreeMap<>();
    final TreeMap<Long, Long> mem = new TreeMap<>();
    // vCPU 0
    PagingControls controls;
    boolean kernelMode = true;
    long guestTable = L4;
    long guestTableUser;
    long rip = KERNEL_RIP;
    long rsp = 0x6800;
    long rflags = 0x202;
    int cs = 0xe033;
    int ss = 0xe02b;
    long kernelSp = 0x7000;
    int kernelSs = 0xe02b;
    long iopl;
    int upcallPending;
    int upcallMask;
    long ldtBase;
    int ldtEnts;
    final List<TrapInfoSpec> traps = new ArrayList<>();
    final List<HandlerFrame> handlerFrames = new ArrayList<>();
    final List<TlbEntryView> tlb = new ArrayList<>();
    final List<PscEntryView> psc = new ArrayList<>();

    static long pte(long table, int index) {
        return (table << 12) + 8L * index;
    }

    static PvWorld pv64(XenProfile p) {
        PvWorld w = new PvWorld();
        w.profile = p;
        w.kind = DomainKind.PV64;
        w.controls = new PagingControls(PagingMode.LONG4, true, false, false, true, true, false, false, true, true, 0,
                0, L4 << 12);
        w.frame(L4, 1, FrameType.L4, 1, 1);
        w.frame(L3, 1, FrameType.L3, 1, 1);
        w.frame(L2, 1, FrameType.L2, 2, 1);     // referenced by L3[0] and (RO) by L1[4]
        w.frame(L1, 1, FrameType.L1, 2, 1);     // referenced by L2[0] and (RO) by L1[3]
        w.frame(DATA, 1, FrameType.WRITABLE, 1, 1);
        w.frame(NEWDATA, 1, FrameType.NONE, 0, 0);
        w.frame(STACK, 1, FrameType.WRITABLE, 1, 1);
        w.frame(COW, 1, FrameType.NONE, 1, 0);
        for (long f = SPARE; f < SPARE + 8; f++) {
            w.frame(f, 1, FrameType.NONE, 0, 0);
        }
        w.frame(0x2000, 2, FrameType.L4, 1, 1);
        w.frame(OTHER, 2, FrameType.NONE, 0, 0);
        for (long f = 0x10; f <= 0x13; f++) {
            w.frame(f, PvDomainView.DOMID_XEN, FrameType.NONE, 0, 0);
        }
        w.set(pte(L4, 0), (L3 << 12) | UPPER);
        w.set(pte(L3, 0), (L2 << 12) | UPPER);
        w.set(pte(L2, 0), (L1 << 12) | UPPER);
        w.set(pte(L1, 1), (DATA << 12) | 0x127);     // va 0x1000 data: P|RW|US|A + G
        w.set(pte(L1, 3), (L1 << 12) | 0x125);       // va 0x3000 the L1, read-only
        w.set(pte(L1, 4), (L2 << 12) | 0x125);       // va 0x4000 the L2, read-only
        w.set(pte(L1, 5), (COW << 12) | 0x125);      // va 0x5000 cow, read-only
        w.set(pte(L1, 6), (STACK << 12) | 0x127);    // va 0x6000 the kernel stack
        w.set(pte(L4, 258), (L4 << 12) | XEN);       // Xen's linear page table
        w.set(pte(L4, 260), (0x10L << 12) | XEN);    // per-domain area: GDT/LDT shadow slots, all empty
        w.set(pte(0x10, 0), (0x11L << 12) | XEN);
        w.set(pte(0x11, 0), (0x12L << 12) | XEN);
        w.traps.add(new TrapInfoSpec(13, 0, 0xe033, GP_HANDLER));
        w.traps.add(new TrapInfoSpec(14, 0, 0xe033, PF_HANDLER));
        return w;
    }

    /** The 32-bit world: the same guest frames, PAE entries without G, Xen's L4 0x13 above the guest L3. */
    static PvWorld pv32(XenProfile p) {
        PvWorld w = new PvWorld();
        w.profile = p;
        w.kind = DomainKind.PV32;
        w.controls = new PagingControls(PagingMode.LONG4, true, false, false, false, false, false, false, true, true,
                0, 0, COMPAT_L4 << 12);
        w.frame(L3, 1, FrameType.L3, 1, 1);
        w.frame(L2, 1, FrameType.L2, 2, 1);
        w.frame(L1, 1, FrameType.L1, 2, 1);
        w.frame(DATA, 1, FrameType.WRITABLE, 1, 1);
        w.frame(NEWDATA, 1, FrameType.NONE, 0, 0);
        w.frame(STACK, 1, FrameType.WRITABLE, 1, 1);
        w.frame(COW, 1, FrameType.NONE, 1, 0);
        for (long f = SPARE; f < SPARE + 8; f++) {
            w.frame(f, 1, FrameType.NONE, 0, 0);
        }
        for (long f = 0x10; f <= 0x13; f++) {
            w.frame(f, PvDomainView.DOMID_XEN, FrameType.NONE, 0, 0);
        }
        w.guestTable = L3;
        w.set(pte(COMPAT_L4, 0), (L3 << 12) | UPPER);
        w.set(pte(COMPAT_L4, 258), (COMPAT_L4 << 12) | XEN);
        w.set(pte(L3, 0), (L2 << 12) | 0x7);
        w.set(pte(L2, 0), (L1 << 12) | UPPER);
        w.set(pte(L1, 1), (DATA << 12) | 0x27);      // P|RW|US|A
        w.set(pte(L1, 3), (L1 << 12) | 0x21);        // the L1, read-only, kernel-only
        w.set(pte(L1, 5), (COW << 12) | 0x21);
        w.set(pte(L1, 6), (STACK << 12) | 0x23);     // kernel stack P|RW|A
        w.rip = 0xc0001234L;
        w.rsp = 0x6806;
        w.cs = 0xe019;
        w.ss = 0xe021;
        w.kernelSs = 0xe021;
        w.traps.add(new TrapInfoSpec(13, 0, 0xe019, 0xc0100100L));
        w.traps.add(new TrapInfoSpec(14, 0, 0xe019, 0xc0100000L));
        return w;
    }

    PvWorld frame(long mfn, int owner, FrameType type, long count, long typeCount) {
        frames.put(mfn, new Frame(mfn, owner, count, type, typeCount, type != FrameType.NONE, false, 0, false));
        return this;
    }

    PvWorld frame(Frame f) {
        frames.put(f.mfn(), f);
        return this;
    }

    PvWorld set(long addr, long value) {
        if (value == 0) {
            mem.remove(addr);
        } else {
            mem.put(addr, value);
        }
        return this;
    }

    /** The 64-bit vCPU in guest user mode (same tables as user L4), as after a user process ran. */
    PvWorld user() {
        kernelMode = false;
        guestTableUser = L4;
        rip = 0x400123;
        rsp = 0x7ffff000L;
        cs = kind == DomainKind.PV32 ? 0xe02b : 0xe033;
        ss = kind == DomainKind.PV32 ? 0xe033 : 0xe02b;
        if (kind == DomainKind.PV32) {
            rip = 0x8048000;
            rsp = 0xbfff0000L;
        }
        return this;
    }

    PvDomainView view() {
        MachineSpec m = new MachineSpec(Vendor.INTEL, 40, EnumSet.of(CpuFeature.NX, CpuFeature.SMEP,
                CpuFeature.SMAP, CpuFeature.PAGE1GB), profile);
        List<Long> ldt = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ldt.add(0L);
        }
        PvDomainView.Vcpu v = new PvDomainView.Vcpu(0, controls, kernelMode, guestTable, guestTableUser, rip, rsp,
                rflags, cs, ss, 0, 0, 0, kernelSp, kernelSs, iopl, 0, upcallPending, upcallMask, ldtBase, ldtEnts, ldt,
                traps, handlerFrames, tlb, psc);
        return new PvDomainView("guest", m, alive, domid, kind, hardwareDomain, assist, crashReason, xenPanic,
                logDirty, dirty, iomem, mmioRo, eventCallback, frames, mem, List.of(v));
    }

    // ------------------------------------------------------------------------- steps and predictions

    static Step step(Operation op) {
        return new Step("guest", 0, op, Knobs.NONE, null, null, 0);
    }

    static Step step(Operation op, Knobs k) {
        return new Step("guest", 0, op, k, null, null, 0);
    }

    static GuestAccess read(long va) {
        return GuestAccess.read(va);
    }

    static GuestAccess implicitRead(long va) {
        return new GuestAccess(va, AccessKind.READ, 8, null, null, true, false, Insn.LOAD, null);
    }

    static GuestAccess write(long va, long value) {
        return GuestAccess.write(va, value);
    }

    static GuestAccess write(long va, int size, long value, Insn insn, Long compare) {
        return new GuestAccess(va, AccessKind.WRITE, size, value, null, false, false, insn, compare);
    }

    static Hypercall call(HypercallOp op) {
        return new Hypercall(op);
    }

    static HypercallOp.MmuUpdate mmu(long... ptrVal) {
        List<HypercallOp.MmuUpdate.Request> rs = new ArrayList<>();
        for (int i = 0; i < ptrVal.length; i += 2) {
            rs.add(new HypercallOp.MmuUpdate.Request(ptrVal[i], ptrVal[i + 1]));
        }
        return new HypercallOp.MmuUpdate(rs, PvDomainView.DOMID_SELF);
    }

    static HypercallOp.MmuextOp ext(long... cmdArgs) {
        List<HypercallOp.MmuextOp.Request> rs = new ArrayList<>();
        for (int i = 0; i < cmdArgs.length; i += 3) {
            rs.add(new HypercallOp.MmuextOp.Request((int) cmdArgs[i], cmdArgs[i + 1], cmdArgs[i + 2]));
        }
        return new HypercallOp.MmuextOp(rs, PvDomainView.DOMID_SELF);
    }

    PvPrediction predict(Operation op) {
        return new PvOracle().predictPv(view(), step(op));
    }

    PvPrediction predict(Operation op, Knobs k) {
        return new PvOracle().predictPv(view(), step(op, k));
    }

    // ------------------------------------------------------------------------- assertions

    static void expect(PvPrediction p, OutcomeClass c, String rule, String... fields) {
        Prediction pr = p.prediction();
        assertThat(pr.modelled()).as("modelled (%s)", pr.reason()).isTrue();
        assertThat(pr.outcome()).as(pr.summary()).isEqualTo(c);
        for (int i = 0; i < fields.length; i += 2) {
            assertThat(pr.fields()).as(pr.summary()).containsEntry(fields[i], fields[i + 1]);
        }
        if (rule != null) {
            assertThat(pr.rule()).as(pr.summary()).isEqualTo(rule);
        }
    }

    static void notModelled(PvPrediction p, String because) {
        assertThat(p.prediction().modelled()).as(p.prediction().summary()).isFalse();
        assertThat(p.prediction().reason()).contains(because);
    }
}
