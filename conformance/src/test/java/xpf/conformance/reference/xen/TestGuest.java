package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.Operation;
import xpf.model.scenario.Step;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.xen.HvmDomainView;

/**
 * Builds {@link HvmDomainView}s by hand for the unit tests of the HVM oracle: a 64-bit guest whose gfns equal their
 * mfns, 4-level tables built by {@link #map}, an IDT at 0x10000 (gates for #DF, #GP, #PF, 0x30) with the kernel stack
 * at 0x20000, and shadow entries, p2m types, devices and VMCB/VMCS fields as a test needs them. Plain data only:
 * nothing here runs the simulator.
 */
final class TestGuest {

    static final long P = 1;
    static final long RW = 2;
    static final long US = 4;
    static final long A = 0x20;
    static final long D = 0x40;
    static final long PS = 0x80;
    static final long NX = 1L << 63;
    static final long PML4 = 0x1000;
    static final long IDT = 0x10000;
    static final long STACK = 0x20000;
    static final long HANDLER_PF = 0xffffffff81000e00L;
    static final long HANDLER_DF = 0xffffffff81000800L;
    static final long HANDLER_GP = 0xffffffff81000d00L;
    static final long HANDLER_INTR = 0xffffffff81003000L;

    DomainKind kind = DomainKind.HVM_SVM;
    HvmPaging paging = HvmPaging.SHADOW;
    XenProfile profile = XenProfile.XEN_4_22;
    final TreeMap<Long, Long> mem = new TreeMap<>();
    final TreeMap<Long, HvmDomainView.P2m> p2m = new TreeMap<>();
    final TreeMap<Long, HvmDomainView.Shadow> shadows = new TreeMap<>();
    final TreeMap<Long, SortedSet<Integer>> pageTables = new TreeMap<>();
    final List<HvmDomainView.Device> devices = new ArrayList<>();
    final TreeMap<String, Long> params = new TreeMap<>();
    final TreeMap<String, Long> host = new TreeMap<>();
    final SequencedMap<String, Long> arch = new LinkedHashMap<>();
    final SequencedMap<String, Long> xen = new LinkedHashMap<>();
    final List<GateSpec> gates = new ArrayList<>();
    final List<Long> ist = new ArrayList<>();
    boolean wp = true;
    boolean nxe = true;
    boolean smap;
    int cpl = 3;
    long rsp = 0x7ffff000L;
    long nextTable = 0x2000;

    TestGuest() {
        ram(PML4 >>> 12);
        gate(8, HANDLER_DF, 0);
        gate(13, HANDLER_GP, 0);
        gate(14, HANDLER_PF, 0);
        gate(0x30, HANDLER_INTR, 0);
        map(IDT, IDT >>> 12, P | RW | A | D);
        map(STACK, STACK >>> 12, P | RW | A | D);
    }

    TestGuest vmx() {
        kind = DomainKind.HVM_VMX;
        return this;
    }

    TestGuest hap() {
        paging = HvmPaging.HAP;
        return this;
    }

    /** A kernel-mode vCPU whose stack is the mapped stack page. */
    TestGuest kernel() {
        cpl = 0;
        rsp = STACK + 0x1000;
        return this;
    }

    TestGuest xen31() {
        profile = XenProfile.XEN_3_1;
        return this;
    }

    void ram(long gfn) {
        p2m.putIfAbsent(gfn, new HvmDomainView.P2m(gfn, gfn, "ram_rw", null));
    }

    void type(long gfn, String type) {
        p2m.put(gfn, new HvmDomainView.P2m(gfn, type.equals("invalid") || type.equals("mmio_dm")
                || type.equals("populate_on_demand") ? -1 : gfn, type, null));
    }

    void word(long pa, long value) {
        mem.put(pa, value);
    }

    long word(long pa) {
        return mem.getOrDefault(pa, 0L);
    }

    /** Maps {@code va} to {@code gfn} with leaf {@code flags}; upper entries P|RW|US|A. Returns the PTE address. */
    long map(long va, long gfn, long flags) {
        long table = PML4;
        int[] shifts = {39, 30, 21};
        for (int s : shifts) {
            long slot = table + ((va >>> s) & 511) * 8;
            long e = word(slot);
            if ((e & P) == 0) {
                long t = nextTable;
                nextTable += 0x1000;
                ram(t >>> 12);
                e = t | P | RW | US | A;
                word(slot, e);
            }
            table = e & 0x000F_FFFF_FFFF_F000L;
        }
        long pte = table + ((va >>> 12) & 511) * 8;
        word(pte, (gfn << 12) | flags);
        ram(gfn);
        return pte;
    }

    /** A 64-bit interrupt gate, written into guest memory as the loader would. */
    void gate(int vector, long handler, int ist) {
        gates.removeIf(g -> g.vector() == vector);
        gates.add(new GateSpec(vector, handler, 0x10, false, 0, ist, true));
        long lo = (handler & 0xFFFF) | (0x10L << 16) | ((long) ist << 32) | (0xEL << 40) | (1L << 47)
                | (((handler >>> 16) & 0xFFFF) << 48);
        word(IDT + 16L * vector, lo);
        word(IDT + 16L * vector + 8, handler >>> 32);
    }

    /** A shadow l1e for {@code va} as the hardware would use it (frame = gfn, since mfn == gfn here). */
    void shadow(long va, long sl1e) {
        shadows.put(va >>> 12, new HvmDomainView.Shadow(va >>> 12, sl1e, sl1e < 0 ? -1 : (sl1e >>> 12) & 0xFFFFFFFL,
                sl1e < 0 ? -1 : (sl1e >>> 12) & 0xFFFFFFFL, 0, false, List.of()));
    }

    /** Shadows the IDT and stack pages, so that a delivery takes no exit. */
    TestGuest deliveryShadowed() {
        shadow(IDT, IDT | P | RW | A | D);
        shadow(STACK, STACK | P | RW | A | D);
        return this;
    }

    void pageTable(long gfn) {
        pageTables.put(gfn, new TreeSet<>(List.of(1)));
    }

    void device(String name, String model, long gfn, Map<Integer, Long> regs) {
        devices.add(new HvmDomainView.Device(name, model, gfn, new TreeMap<>(regs)));
        p2m.put(gfn, new HvmDomainView.P2m(gfn, -1, "mmio_dm", name));
    }

    MachineSpec machine() {
        return new MachineSpec(kind == DomainKind.HVM_SVM ? Vendor.AMD : Vendor.INTEL, 40,
                EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.PAGE1GB), profile);
    }

    HvmDomainView view() {
        SequencedMap<String, Long> a = new LinkedHashMap<>();
        if (kind == DomainKind.HVM_SVM) {
            for (String f : new String[] {"exitcode", "exitinfo1", "exitinfo2", "exit_int_info", "eventinj", "cr2"}) {
                a.put(f, 0L);
            }
        } else {
            for (String f : new String[] {"entry_intr_info", "entry_error_code", "exit_reason", "exit_intr_info",
                "exit_intr_error_code", "idt_vectoring_info", "idt_vectoring_error_code", "exit_qualification",
                "guest_physical_address", "hw_cr2"}) {
                a.put(f, 0L);
            }
        }
        a.putAll(arch);
        PagingControls c = new PagingControls(PagingMode.LONG4, wp, false, false, false, smap, false, false, nxe,
                false, 0, 0, PML4);
        HvmDomainView.Vcpu v = new HvmDomainView.Vcpu(0, PagingMode.LONG4, c, cpl, 0x401000, rsp, 0x202,
                cpl == 3 ? 0x33 : 0x10, cpl == 3 ? 0x2b : 0x18, List.of(0L, 0L, 0L, 0L), 0,
                new IdtSpec(IDT, gates, STACK + 0x1000, ist), a, xen);
        SortedMap<Long, SortedMap<Long, HvmDomainView.Shadow>> sh = new TreeMap<>();
        sh.put(PML4, shadows);
        return new HvmDomainView("guest", machine(), true, kind, paging, null, params, host,
                new ArrayList<>(p2m.values()),
                new TreeSet<>(), mem, sh, pageTables, devices, List.of(v));
    }

    static Step step(Operation op) {
        return new Step("guest", 0, op, Knobs.NONE, null, null, 0);
    }

    static Step step(Operation op, Knobs k) {
        return new Step("guest", 0, op, k, null, null, 0);
    }

    static GuestAccess read(long va) {
        return GuestAccess.read(va);
    }

    static GuestAccess write(long va, long value) {
        return GuestAccess.write(va, value);
    }

    static GuestAccess access(long va, AccessKind kind, int size, Long value, Integer cpl) {
        return new GuestAccess(va, kind, size, value, cpl, false, false,
                kind == AccessKind.WRITE ? Insn.MOV : Insn.LOAD, null);
    }

    static Knobs pending(int vector, String type, Integer ec) {
        return new Knobs(false, new EventSpec(vector, type, ec), false, false);
    }

    static final Knobs EMULATOR_FAILS = new Knobs(true, null, false, false);
    static final Knobs SHADOW_OOM = new Knobs(false, null, true, false);

    Prediction predict(Operation op) {
        return new HvmOracle().predict(view(), step(op));
    }

    Prediction predict(Operation op, Knobs k) {
        return new HvmOracle().predict(view(), step(op, k));
    }
}
