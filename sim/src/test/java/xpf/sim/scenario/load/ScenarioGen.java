package xpf.sim.scenario.load;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeMap;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.Operation;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.PteSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;

/**
 * Random scenarios the loader could have produced (every field explicit, every kind rule respected), covering every
 * operation, every hypercall, every outcome class, knobs and awkward strings. Entry texts are built here from their
 * parts, independently of the writer, so a round trip checks the writer's and the loader's syntax against each other.
 */
final class ScenarioGen {
    private static final String[] WORDS = {"guest", "1.1c", "yes", "no", "off", "null", "true", "a: b", "#hash",
        "x, y", "{brace}", "[list]", "quote \"me\"", "back\\slash", "tab\there", "new\nline", "é→ü", "- dash",
        "pv.2.3d", "seed.pv.fixed", "hvm.3.F21", "xsa-182", "", " lead", "trail ", "0x10", "42", "~", "*star", "&amp",
        "%pct", "@at", "`tick`", "'single'"};
    private static final String[] FRAME_NAMES = {"l4", "l3", "l2", "l1", "pt", "data", "newdata", "big", "root",
        "x_1", "_under", "Frame7", "pml5"};
    private static final String[] FLAGS = {"P", "RW", "US", "PWT", "PCD", "A", "D", "PS", "G", "AVL0", "AVL1", "AVL2",
        "NX", "GUEST_KERNEL", "PAT_LARGE", "XD", "PAT", "rw", "us"};
    private static final long[] FLAG_BITS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 1L << 63, 1L << 52,
        1L << 12, 1L << 63, 128, 2, 4};

    private final Random r;

    ScenarioGen(long seed) {
        this.r = new Random(seed);
    }

    private boolean coin() {
        return r.nextBoolean();
    }

    private int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    private <T> T pick(List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    private String word() {
        return WORDS[r.nextInt(WORDS.length)] + (coin() ? "" : Integer.toString(r.nextInt(100)));
    }

    private long u64() {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(16);
            case 1 -> r.nextLong();
            case 2 -> 0xffff_8000_0000_0000L | (r.nextLong() & 0x7fff_ffff_f000L);
            default -> r.nextInt() & 0xffff_ffffL;
        };
    }

    private long fitting(int size) {
        long v = u64();
        return size >= 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    private <E extends Enum<E>> Set<E> subset(Class<E> type) {
        Set<E> s = EnumSet.noneOf(type);
        for (E e : type.getEnumConstants()) {
            if (r.nextInt(3) == 0) {
                s.add(e);
            }
        }
        return s;
    }

    /** A domain being generated: what steps may refer to. */
    private record Gen(DomainSpec spec, long limit, int width) {
    }

    Scenario scenario() {
        MachineSpec m = new MachineSpec(pick(List.of(Vendor.values())), between(36, 52), subset(CpuFeature.class),
                pick(List.of(XenProfile.values())));
        long limit = 1L << (m.maxPhyAddr() - 12);
        List<Gen> doms = new ArrayList<>();
        int n = between(1, 3);
        for (int i = 0; i < n; i++) {
            doms.add(domain(i, limit));
        }
        List<Step> steps = new ArrayList<>();
        int ns = between(0, 8);
        for (int i = 0; i < ns; i++) {
            steps.add(step(doms, m));
        }
        List<String> tags = new ArrayList<>();
        for (int i = between(0, 3); i > 0; i--) {
            tags.add(word());
        }
        // only catalogued switches load (the loader rejects unknown ids)
        List<String> bugs = coin() ? List.of() : List.of(pick(xpf.sim.scenario.BugSwitches.ids()));
        String name = word();
        if (name.isBlank()) {
            name = "s";
        }
        return new Scenario(1, name, coin() ? "" : word() + " " + word(), tags, m, bugs,
                doms.stream().map(Gen::spec).toList(), steps);
    }

    private Gen domain(int i, long limit) {
        DomainKind kind = pick(List.of(DomainKind.values()));
        SequencedMap<String, Long> frames = new LinkedHashMap<>();
        for (int k = between(0, 6); k > 0; k--) {
            frames.put(FRAME_NAMES[r.nextInt(FRAME_NAMES.length)], frame(limit));
        }
        List<VcpuSpec> vcpus = new ArrayList<>();
        for (int k = between(1, 3); k > 0; k--) {
            vcpus.add(vcpu(kind, frames, limit));
        }
        PagingMode mode0 = vcpus.get(0).mode();
        int width = mode0 == null ? 8 : mode0.entryBytes();
        List<PteSpec> ptes = new ArrayList<>();
        for (int k = between(0, 5); k > 0; k--) {
            long[] value = new long[1];
            String text = entryText(frames, limit, width, value);
            ptes.add(new PteSpec(frameOf(frames, limit), r.nextInt(4096 / width), value[0], text));
        }
        List<MappingSpec> maps = new ArrayList<>();
        for (int k = between(0, 3); k > 0; k--) {
            long size = pick(List.of(PageSizes.SIZE_4K, PageSizes.SIZE_2M, PageSizes.SIZE_4M, PageSizes.SIZE_1G));
            long va = u64() & -size;
            boolean named = !frames.isEmpty() && coin();
            String fname = named ? pick(List.copyOf(frames.keySet())) : null;
            long f = named ? frames.get(fname) : frame(limit);
            long root = mode0 == null || coin() ? frameOf(frames, limit) : vcpus.get(0).cr3() >>> 12;
            maps.add(new MappingSpec(va, f, size, flags(), coin() ? 7 : flags(), root,
                    named ? fname : "0x" + Long.toHexString(f)));
        }
        List<MemoryInit> mem = new ArrayList<>();
        for (int k = between(0, 3); k > 0; k--) {
            int size = pick(List.of(1, 2, 4, 8));
            mem.add(new MemoryInit(frameOf(frames, limit), between(0, 4096 - size), size, fitting(size)));
        }
        List<TrapInfoSpec> traps = new ArrayList<>();
        if (kind.pv()) {
            for (int k = between(0, 3); k > 0; k--) {
                traps.add(trapInfo());
            }
        }
        List<DeviceSpec> devices = new ArrayList<>();
        List<P2mSpec> p2m = new ArrayList<>();
        SequencedMap<String, Long> params = new LinkedHashMap<>();
        if (kind.hvm()) {
            for (int k = between(0, 2); k > 0; k--) {
                TreeMap<Integer, Long> regs = new TreeMap<>();
                for (int j = between(0, 3); j > 0; j--) {
                    regs.put(r.nextInt(4096), u64());
                }
                devices.add(new DeviceSpec("dev" + k, pick(List.of("uart", "hpet", "vga")), frameOf(frames, limit),
                        regs));
            }
            for (int k = between(0, 3); k > 0; k--) {
                String dev = devices.isEmpty() || coin() ? null : pick(devices).name();
                p2m.add(new P2mSpec(frameOf(frames, limit), coin() ? null : frame(limit),
                        pick(List.of("ram_rw", "mmio_dm", "ram_ro", "populate_on_demand", "invalid")), dev));
            }
            if (coin()) {
                params.put("triple_fault_reason", (long) between(0, 3));
            }
        }
        Set<String> vmAssist = kind.pv() && coin() ? Set.of("writable_pagetables") : Set.of();
        DomainSpec d = new DomainSpec(i == 0 ? "guest" : "dom_" + i, kind,
                kind.hvm() ? pick(List.of(HvmPaging.values())) : null, kind != DomainKind.BARE && coin(), vmAssist,
                frames, between(0, 64), ptes, maps, mem, vcpus, traps, p2m, devices, params);
        return new Gen(d, limit, width);
    }

    private long frame(long limit) {
        return coin() ? 0x1000 + r.nextInt(0x100) : (r.nextLong() & Long.MAX_VALUE) % limit;
    }

    private long frameOf(SequencedMap<String, Long> frames, long limit) {
        return !frames.isEmpty() && coin() ? pick(List.copyOf(frames.values())) : frame(limit);
    }

    private long flags() {
        long v = 0;
        for (int k = between(0, 4); k > 0; k--) {
            v |= FLAG_BITS[r.nextInt(FLAG_BITS.length)];
        }
        if (r.nextInt(5) == 0) {
            v |= (long) r.nextInt(16) << 59;
        }
        return v;
    }

    /** An entry expression text and (in {@code out[0]}) its value, built from parts. */
    private String entryText(SequencedMap<String, Long> frames, long limit, int width, long[] out) {
        if (r.nextInt(4) == 0) {
            long v = width == 4 ? u64() & 0xffff_ffffL : u64();
            out[0] = v;
            return r.nextInt(3) == 0 ? Long.toUnsignedString(v) : "0x" + Long.toHexString(v);
        }
        List<String> terms = new ArrayList<>();
        long v = 0;
        if (!frames.isEmpty() && (width == 8 || frames.values().stream().allMatch(f -> f < (1L << 20)))) {
            String f = pick(List.copyOf(frames.keySet()));
            if (width == 8 || frames.get(f) < (1L << 20)) {
                terms.add(f);
                v |= frames.get(f) << 12;
            }
        }
        for (int k = between(0, 4); k > 0; k--) {
            int i = r.nextInt(FLAG_BITS.length);
            if (width == 4 && (FLAG_BITS[i] >>> 32) != 0) {
                continue;
            }
            terms.add(FLAGS[i]);
            v |= FLAG_BITS[i];
        }
        if (width == 8 && r.nextInt(4) == 0) {
            int k = r.nextInt(16);
            terms.add("pk(" + k + ")");
            v |= (long) k << 59;
        }
        if (r.nextInt(4) == 0) {
            int b = r.nextInt(width == 4 ? 32 : 64);
            terms.add("bit(" + b + ")");
            v |= 1L << b;
        }
        if (terms.isEmpty()) {
            terms.add("0");
        }
        out[0] = v;
        return String.join(coin() ? "|" : " | ", terms);
    }

    private TrapInfoSpec trapInfo() {
        return new TrapInfoSpec(r.nextInt(256), r.nextInt(256), r.nextInt(0x10000), u64());
    }

    private VcpuSpec vcpu(DomainKind kind, SequencedMap<String, Long> frames, long limit) {
        PagingMode mode = switch (kind) {
            case PV64 -> PagingMode.LONG4;
            case PV32 -> pick(List.of(PagingMode.PAE, PagingMode.LEGACY2));
            case BARE -> pick(List.of(PagingMode.values()));
            case HVM_SVM, HVM_VMX -> coin() ? null : pick(List.of(PagingMode.values()));
        };
        long cr3 = mode == null && coin() ? 0 : frameOf(frames, limit) << 12;
        if (mode == PagingMode.PAE && coin()) {
            cr3 |= 0x20L * r.nextInt(128);
        }
        boolean pv = kind.pv();
        IdtSpec idt = null;
        if (!pv && coin()) {
            List<GateSpec> gates = new ArrayList<>();
            Set<Integer> used = new java.util.HashSet<>();
            for (int k = between(0, 3); k > 0; k--) {
                int v = r.nextInt(256);
                if (used.add(v)) {
                    gates.add(new GateSpec(v, u64(), coin() ? 8 : r.nextInt(0x10000), coin(), r.nextInt(4),
                            r.nextInt(8), r.nextInt(4) != 0));
                }
            }
            List<Long> ist = new ArrayList<>();
            for (int k = between(0, 7); k > 0; k--) {
                ist.add(u64());
            }
            idt = new IdtSpec(u64(), gates, coin() ? 0 : u64(), ist);
        }
        return new VcpuSpec(mode, cr3, subset(ControlFlag.class), coin() ? 0 : r.nextInt(), coin() ? 0 : r.nextInt(),
                pv ? 0 : r.nextInt(4), !pv || coin(), kind == DomainKind.PV64 && coin() ? frame(limit) << 12 : 0,
                u64(), u64(), coin() ? 0x202 : u64(), pv ? u64() : 0, pv && coin() ? r.nextInt(0x10000) : 0xe02b, idt);
    }

    private Step step(List<Gen> doms, MachineSpec m) {
        Gen g = pick(doms);
        DomainSpec d = g.spec();
        Operation op = switch (r.nextInt(d.kind().pv() ? 6 : 5)) {
            case 0, 1 -> access(g);
            case 2 -> crWrite(g);
            case 3 -> new Invlpg(u64());
            case 4 -> {
                int size = pick(List.of(1, 2, 4, 8));
                yield new HostWrite((r.nextLong() & Long.MAX_VALUE) % (1L << m.maxPhyAddr()), size, fitting(size));
            }
            default -> new Hypercall(hypercall(g, m, 0));
        };
        Knobs knobs = Knobs.NONE;
        if (d.kind() != DomainKind.BARE && coin()) {
            EventSpec ev = d.kind().hvm() && coin() ? new EventSpec(r.nextInt(256),
                    pick(List.of("ext_intr", "nmi", "hw_exc", "sw_int", "priv_sw_exc", "sw_exc")),
                    coin() ? null : r.nextInt()) : null;
            knobs = new Knobs(coin(), ev, coin(), d.kind().pv() && coin());
        }
        return new Step(d.name(), r.nextInt(d.vcpus().size()), op, knobs, coin() ? expectation() : null,
                coin() ? null : word(), 0);
    }

    private GuestAccess access(Gen g) {
        AccessKind kind = pick(List.of(AccessKind.values()));
        Insn insn = switch (kind) {
            case WRITE -> pick(List.of(Insn.MOV, Insn.CMPXCHG, Insn.XCHG, Insn.LOCK_OR, Insn.MOVDQU));
            case READ -> pick(List.of(Insn.LOAD, Insn.LOAD, Insn.MOVDQU));
            case FETCH -> Insn.LOAD;
        };
        int size = insn == Insn.MOVDQU ? 16 : pick(List.of(1, 2, 4, 8));
        Long value = kind == AccessKind.WRITE ? fitting(size) : null;
        Long compare = insn == Insn.CMPXCHG && coin() ? fitting(size) : null;
        return new GuestAccess(u64(), kind, size, value, coin() ? null : r.nextInt(4), coin(), coin(), insn, compare);
    }

    private ControlWrite crWrite(Gen g) {
        Set<ControlFlag> set = subset(ControlFlag.class);
        Set<ControlFlag> clear = subset(ControlFlag.class);
        clear.removeAll(set);
        Long cr3 = coin() ? frame(g.limit()) << 12 : null;
        PagingMode mode = coin() ? pick(List.of(PagingMode.values())) : null;
        Integer pkru = coin() ? r.nextInt() : null;
        if (cr3 == null && set.isEmpty() && clear.isEmpty() && mode == null && pkru == null) {
            pkru = 0;
        }
        return new ControlWrite(cr3, set, clear, mode, pkru);
    }

    private HypercallOp hypercall(Gen g, MachineSpec m, int depth) {
        long phys = 1L << m.maxPhyAddr();
        return switch (r.nextInt(depth > 1 ? 6 : 7)) {
            case 0 -> {
                List<HypercallOp.MmuUpdate.Request> reqs = new ArrayList<>();
                for (int k = between(0, 3); k > 0; k--) {
                    reqs.add(new HypercallOp.MmuUpdate.Request(((r.nextLong() & Long.MAX_VALUE) % phys & ~7L)
                            | r.nextInt(8), u64()));
                }
                yield new HypercallOp.MmuUpdate(reqs, coin() ? 0x7ff0 : r.nextInt());
            }
            case 1 -> new HypercallOp.UpdateVaMapping(u64(), u64(), coin() ? r.nextInt(8) : u64());
            case 2 -> {
                List<HypercallOp.MmuextOp.Request> ops = new ArrayList<>();
                for (int k = between(0, 4); k > 0; k--) {
                    int cmd = coin() ? r.nextInt(21) : r.nextInt();
                    PvNames.ExtArgs a = PvNames.extArgs(cmd);
                    long arg1 = a != null && "mfn".equals(a.arg1()) && coin() ? frame(g.limit()) : coin() ? 0 : u64();
                    long arg2 = coin() ? 0 : u64();
                    ops.add(new HypercallOp.MmuextOp.Request(cmd, arg1, arg2));
                }
                yield new HypercallOp.MmuextOp(ops, coin() ? 0x7ff0 : r.nextInt());
            }
            case 3 -> {
                boolean nullHandle = r.nextInt(3) == 0;
                List<TrapInfoSpec> entries = new ArrayList<>();
                if (!nullHandle) {
                    for (int k = between(0, 3); k > 0; k--) {
                        entries.add(trapInfo());
                    }
                }
                yield new HypercallOp.SetTrapTable(entries, nullHandle);
            }
            case 4 -> new HypercallOp.VmAssist(coin() ? r.nextInt(2) : r.nextInt(), coin() ? 2 : r.nextInt());
            case 5 -> new HypercallOp.Iret();
            default -> {
                List<HypercallOp> calls = new ArrayList<>();
                for (int k = between(0, 3); k > 0; k--) {
                    calls.add(hypercall(g, m, depth + 1));
                }
                yield new HypercallOp.Multicall(calls);
            }
        };
    }

    private String num(long v) {
        return coin() ? "0x" + Long.toHexString(v) : Long.toUnsignedString(v);
    }

    Expectation expectation() {
        OutcomeClass oc = pick(List.of(OutcomeClass.values()));
        SequencedMap<String, String> f = new LinkedHashMap<>();
        switch (oc) {
            case OK -> {
                if (coin()) {
                    f.put("value", num(u64()));
                }
            }
            case FIXED -> f.put("fixup", pick(List.of("spurious", "ldt_mapped", "shadow_fixup", "paging")));
            case EMULATED -> {
                f.put("fixup", pick(List.of("ptwr", "mmio_ro", "pt_write", "mmio")));
                if (coin()) {
                    f.put("value", num(u64()));
                }
            }
            case DELIVERED -> delivered("", f);
            case INJECTED, DOUBLE_FAULT -> {
                if (oc == OutcomeClass.INJECTED) {
                    exceptionFields("", f);
                } else if (coin()) {
                    f.put("error_code", "0");
                }
                if (coin()) {
                    f.put("event." + pick(List.of("eventinj", "entry_intr_info", "entry_error_code")), num(u64()));
                }
                if (coin()) {
                    delivered("delivery.", f);
                }
            }
            case TRIPLE_FAULT -> {
                f.put("shutdown", pick(List.of("reboot", "crash", "poweroff")));
                if (coin()) {
                    f.put("cause", "df_fault");
                }
            }
            case DOMAIN_CRASH, PANIC -> f.put("reason", pick(List.of("no_pf_handler", "fatal_page_fault", "x y")));
            case EXCEPTION -> exceptionFields("", f);
            case HYPERCALL -> {
                f.put("hypercall", pick(List.of("mmu_update", "mmuext_op", "iret", "multicall")));
                f.put("rc", pick(List.of("0", "-EINVAL", "-22", "-EBUSY", "-ERESTART")));
                if (coin()) {
                    f.put("done", Integer.toString(r.nextInt(10)));
                }
            }
        }
        return new Expectation(oc, f);
    }

    private void exceptionFields(String prefix, SequencedMap<String, String> f) {
        int vector = pick(List.of(14, 13, 12, 8, 6));
        if (coin()) {
            f.put(prefix + "vector", coin() ? Integer.toString(vector) : "0x" + Integer.toHexString(vector));
            f.put(prefix + "error_code", vector == 14 ? pick(List.of("P|W|U", "0", "RSVD|P", "I", "0x7"))
                    : "0x" + Integer.toHexString(r.nextInt(0x10000)));
        }
        if (coin()) {
            f.put(prefix + "cr2", num(u64()));
        }
    }

    private void delivered(String prefix, SequencedMap<String, String> f) {
        exceptionFields(prefix, f);
        f.put(prefix + "handler", num(u64()));
        for (String slot : List.of("rip", "cs", "rflags", "error_code")) {
            if (coin()) {
                f.put(prefix + "frame." + slot, num(u64()));
            }
        }
    }
}
