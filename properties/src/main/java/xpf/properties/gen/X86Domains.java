package xpf.properties.gen;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.SequencedMap;
import java.util.TreeMap;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PagingMode;
import xpf.properties.gen.DomainPlan.Slot;
import xpf.properties.gen.DomainPlan.Target;

/**
 * Bare and HVM domains: a guest that owns its page tables outright (the bare x86 model, or an HVM guest whose tables
 * Xen shadows or walks with HAP). One generator for both, since the guest side is the same x86 layout; the HVM extras
 * (p2m types, emulated devices, params) come on top.
 *
 * <p>Linear layout (every mode; long modes add high and non-canonical addresses):
 * <pre>
 *   0x10000   IDT page             0x20000  kernel stack (RSP0 0x21000)    0x30000  IST stack (#DF)
 *   0x400000+ data pages with drawn rights (some absent, some with reserved bits)
 *   0x500000  nothing mapped        0x600000+ aliases of page-table frames (RW or RO)
 *   0x700000+ HVM special frames (p2m types, devices)      0x800000  a superpage
 *   0xa00000  XSA-173 superpage (gfn 2^32)                 0xc00000  a table shared with 0x400000
 *   0x40000000 a 1 GiB page (long modes)                   self-map, L4 PS (XSA-176), reserved upper entries
 * </pre>
 */
public final class X86Domains {

    public static final long IDT_VA = 0x10000L;
    public static final long STACK_VA = 0x20000L;
    public static final long IST_VA = 0x30000L;
    public static final long DATA_VA = 0x400000L;
    public static final long HOLE_VA = 0x500000L;
    public static final long ALIAS_VA = 0x600000L;
    public static final long SPECIAL_VA = 0x700000L;
    public static final long SUPER_VA = 0x800000L;
    public static final long XSA173_VA = 0xa00000L;
    public static final long SHARED_VA = 0xc00000L;
    public static final long RSVD_VA = 0xe00000L;
    public static final long GIG_VA = 0x40000000L;
    public static final long XSA173_GFN = 0x100000000L;

    /** p2m types the generator puts on special frames (the simplest first). */
    static final String[] SPECIAL_TYPES = {"mmio_dm", "ram_logdirty", "ram_ro", "mmio_direct", "populate_on_demand",
        "ram_paged", "ram_paging_out", "ram_shared", "ram_broken", "invalid"};
    /** Types that keep a machine frame, so tables and initial data may live there. */
    static final String[] FRAME_TYPES = {"ram_logdirty", "ram_ro", "ram_shared", "ram_paging_out", "ram_paged",
        "ram_broken"};
    static final String[] DEVICE_MODELS = {"regs", "counter", "uart", "lapic", "hpet"};

    private X86Domains() {
    }

    /**
     * One bare or HVM domain.
     *
     * @param base first frame of the domain's frame space (domains of one scenario use disjoint ranges)
     */
    public static DomainPlan generate(Draw d, MachineSpec m, DomainKind kind, HvmPaging paging, String name,
            long base) {
        boolean hvm = kind.hvm();
        boolean hap = hvm && paging == HvmPaging.HAP;
        boolean xen31 = m.xen() == XenProfile.XEN_3_1;

        // Paging mode: HVM guests may run with paging off; 5-level needs LA57 (and HAP under Xen).
        List<PagingMode> modes = new ArrayList<>(List.of(PagingMode.LONG4, PagingMode.PAE, PagingMode.LEGACY2));
        if (m.has(CpuFeature.LA57) && (!hvm || hap)) {
            modes.add(PagingMode.LONG5);
        }
        int mi = d.weighted(hvm ? 6 : 5, 3, 2, modes.size() > 3 ? 1 : 0);
        boolean pagingOff = hvm && d.p(0.04);
        PagingMode mode = modes.get(Math.min(mi, modes.size() - 1));
        // A guest with paging off runs in 32-bit protected mode (32-bit gates and handlers).
        boolean lm = !pagingOff && (mode == PagingMode.LONG4 || mode == PagingMode.LONG5);

        Set<ControlFlag> controls = EnumSet.noneOf(ControlFlag.class);
        if (!d.p(0.15)) {
            controls.add(ControlFlag.WP);
        }
        if (m.has(CpuFeature.NX) && d.p(mode == PagingMode.LEGACY2 ? 0.3 : 0.8)) {
            controls.add(ControlFlag.NXE);
        }
        if (m.has(CpuFeature.SMEP) && d.p(0.3)) {
            controls.add(ControlFlag.SMEP);
        }
        if (m.has(CpuFeature.SMAP) && d.p(0.3)) {
            controls.add(ControlFlag.SMAP);
            if (d.p(0.3)) {
                controls.add(ControlFlag.AC);
            }
        }
        if (d.p(mode == PagingMode.LEGACY2 ? 0.8 : 0.3)) {
            controls.add(ControlFlag.PSE);
        }
        if (d.p(0.2)) {
            controls.add(ControlFlag.PGE);
        }
        boolean pkeOk = lm && m.has(CpuFeature.PKU) && (!hvm || hap);
        int pkru = 0;
        if (pkeOk && d.p(0.35)) {
            controls.add(ControlFlag.PKE);
            pkru = d.pick(0, 0x55555554, 0xC, 0x3, (int) d.rangeL(0, 0xffffffffL));
        }
        if (lm && m.has(CpuFeature.PKS) && (!hvm || hap) && d.p(0.1)) {
            controls.add(ControlFlag.PKS);
        }
        boolean nxe = controls.contains(ControlFlag.NXE);
        int cpl = d.p(0.6) ? 3 : 0;

        Forest f = new Forest(mode, base);
        int leaf = Geometry.levels(mode) - 1;
        List<Target> targets = new ArrayList<>();
        List<Long> roots = new ArrayList<>();
        List<Long> data = new ArrayList<>();
        List<Long> other = new ArrayList<>();
        List<MemoryInit> memory = new ArrayList<>();
        List<P2mSpec> p2m = new ArrayList<>();
        List<DeviceSpec> devices = new ArrayList<>();
        SequencedMap<String, Long> params = new LinkedHashMap<>();
        TreeMap<Long, Long> aliasOf = new TreeMap<>();   // table frame -> alias va
        TreeMap<Long, Boolean> aliasRw = new TreeMap<>();

        long root = pagingOff ? -1 : f.table(0);
        if (root >= 0) {
            roots.add(root);
        }
        long upper = Geometry.P | Geometry.RW | Geometry.US | (d.p(0.7) ? Geometry.A : 0);
        if (d.p(0.08)) {
            upper &= ~Geometry.RW;
        }
        if (d.p(0.08)) {
            upper &= ~Geometry.US;
        }
        long idtFrame = f.frame("idt");
        long stackFrame = f.frame("stack");
        long istFrame = f.frame("iststk");
        int nData = d.range(2, 6);
        for (int i = 0; i < nData; i++) {
            data.add(f.frame("data" + i));
        }

        long gate0 = lm ? 0xffffffff81000000L : 0xc1000000L;
        int sel = lm ? 0x10 : 0x08;
        boolean hasIdt = hvm ? !d.p(0.05) : d.p(0.6);
        boolean stackMapped = !d.p(0.12);
        boolean istUsed = d.p(0.4);

        if (!pagingOff) {
            long sup = Geometry.P | Geometry.RW | Geometry.A | Geometry.D;
            f.map(root, IDT_VA, leafOf(mode, leaf, idtFrame) | sup | (nxe && mode != PagingMode.LEGACY2 && d.p(0.3) ? Geometry.NX : 0), leaf,
                    upper);
            if (stackMapped) {
                long sflags = d.p(0.06) ? Geometry.P | Geometry.A | Geometry.D : sup;
                f.map(root, STACK_VA, leafOf(mode, leaf, stackFrame) | sflags, leaf, upper);
            }
            f.map(root, IST_VA, leafOf(mode, leaf, istFrame) | sup, leaf, upper);
            targets.add(new Target(IDT_VA, "idt"));
            targets.add(new Target(STACK_VA + 0xff8, "stack"));

            // Data pages with drawn rights.
            for (int i = 0; i < nData; i++) {
                long va = DATA_VA + 0x1000L * i;
                long flags = dataFlags(d, m, mode, nxe, controls.contains(ControlFlag.PKE));
                long frame = data.get(i);
                if (i > 0 && d.p(0.1)) {
                    frame = data.get(0);   // aliasing: two linear pages, one frame
                }
                f.map(root, va, leafOf(mode, leaf, frame) | flags, leaf, upper);
                targets.add(new Target(va, tagOf(flags, nxe, m.maxPhyAddr())));
            }
            targets.add(new Target(HOLE_VA, "absent"));
            targets.add(new Target(0x3000000L, "absent-upper"));

            // A superpage to a frame-aligned block.
            if (d.p(0.35)) {
                long span = Geometry.span(mode, leaf - 1) >>> 12;
                long bigBase = (f.nextFrame() + span) & ~(span - 1);
                f.skipTo(bigBase + 1);
                f.name("big", bigBase);
                long flags = Geometry.P | Geometry.RW | Geometry.US | Geometry.A | Geometry.D;
                if (d.p(0.3)) {
                    flags = dataFlags(d, m, mode, nxe, false) | Geometry.P;
                }
                f.map(root, SUPER_VA, Geometry.leafAddress(mode, leaf - 1, bigBase) | flags, leaf - 1, upper);
                targets.add(new Target(SUPER_VA, "superpage"));
                targets.add(new Target(SUPER_VA + 0x1000, "superpage"));
                other.add(bigBase);
            }
            // XSA-173: a shadowed superpage whose gfn needs more than 32 bits.
            if (hvm && !hap && lm && m.maxPhyAddr() >= 45 && d.p(0.3)) {
                f.map(root, XSA173_VA, Geometry.leafAddress(mode, leaf - 1, XSA173_GFN) | Geometry.P | Geometry.RW
                        | Geometry.US | Geometry.A | Geometry.D, leaf - 1, upper);
                p2m.add(new P2mSpec(XSA173_GFN, null, "ram_rw", null));
                targets.add(new Target(XSA173_VA, "superpage-high-gfn"));
            }
            // A 1 GiB page (reserved under shadow paging and without the CPU feature).
            if (lm && d.p(0.15)) {
                long gig = 0x40000L * (base >>> 12);   // 1 GiB aligned, one per domain
                f.name("gig", gig);
                f.map(root, GIG_VA, Geometry.leafAddress(mode, leaf - 2, gig) | Geometry.P | Geometry.RW | Geometry.US
                        | Geometry.A | Geometry.D, leaf - 2, upper);
                targets.add(new Target(GIG_VA + 0x2000, "1g-page"));
            }
            // A table shared by two linear regions.
            if (d.p(0.3)) {
                long l1 = f.tableOf(root, DATA_VA, leaf);
                long pd = f.tableOf(root, SHARED_VA, leaf - 1);
                if (l1 >= 0 && pd >= 0) {
                    f.set(pd, Geometry.index(mode, SHARED_VA, leaf - 1), (l1 << 12) | upper);
                    targets.add(new Target(SHARED_VA, "shared-table"));
                }
            }
            // An upper entry with a reserved bit (not PAE PDPTEs: those fail the CR3 load).
            if (d.p(0.2) && m.maxPhyAddr() < 52) {
                f.map(root, RSVD_VA, leafOf(mode, leaf, data.get(0)) | Geometry.P | Geometry.RW | Geometry.US
                        | Geometry.A, leaf, upper);
                long pd = f.tableOf(root, RSVD_VA, leaf - 1);
                int idx = Geometry.index(mode, RSVD_VA, leaf - 1);
                long e = f.get(pd, idx);
                long bad = mode == PagingMode.LEGACY2 ? 0 : 1L << (m.maxPhyAddr() + d.range(0, 51 - m.maxPhyAddr()));
                if (mode == PagingMode.LEGACY2 && d.p(0.5)) {
                    bad = Geometry.PS | (1L << 21); // a 4 MiB PDE with a reserved bit in 21:13 (PSE-36 space)
                }
                if (bad != 0) {
                    f.set(pd, idx, e | bad);
                }
                targets.add(new Target(RSVD_VA, "reserved-upper"));
            }
            // XSA-176: PS in an L4e (reserved; the buggy walker ignored it).
            if (lm && d.p(0.15)) {
                long t = f.table(1);
                f.set(t, 0, leafOf(mode, leaf, data.get(0)) | Geometry.P | Geometry.RW | Geometry.US
                        | Geometry.A);
                f.set(root, 1, (t << 12) | Geometry.P | Geometry.RW | Geometry.US | Geometry.PS);
                targets.add(new Target(Geometry.span(mode, 0), "l4-ps"));
            }
            // A self-map (recursive entry) in the root.
            if ((lm || mode == PagingMode.LEGACY2) && d.p(0.3)) {
                int r = mode == PagingMode.LEGACY2 ? 0x3fe : 0x1fe;
                long flags = Geometry.P | (d.p(0.5) ? Geometry.RW : 0) | (d.p(0.4) ? Geometry.US : 0) | Geometry.A;
                f.set(root, r, (root << 12) | flags);
                long va = 0;
                for (int dep = 0; dep <= leaf; dep++) {
                    va |= (long) r << Geometry.shift(mode, dep);
                }
                if (lm) {
                    int top = mode == PagingMode.LONG5 ? 56 : 47;
                    va = (va << (63 - top)) >> (63 - top);   // sign-extend: canonical
                }
                targets.add(new Target(va, "self-map"));
            }
            // Aliases of page-table frames: the guest's way to write its own entries.
            List<Long> tables = f.tables();
            int k = 0;
            for (long t : tables) {
                if (k < 8 && d.p(hvm ? 0.55 : 0.45)) {
                    boolean rw = d.p(0.7);
                    long va = ALIAS_VA + 0x1000L * k++;
                    f.map(root, va, leafOf(mode, leaf, t) | Geometry.P | (rw ? Geometry.RW : 0) | Geometry.US
                            | Geometry.A | Geometry.D, leaf, upper);
                    aliasOf.put(t, va);
                    aliasRw.put(t, rw);
                    targets.add(new Target(va, "pt-alias"));
                }
            }
            // An alternative top-level table for CR3 switches: a copy of the root with a few entries changed.
            if (d.p(0.45)) {
                long alt = f.table(0);
                int entries = mode == PagingMode.PAE ? 4 : mode == PagingMode.LEGACY2 ? 1024 : 512;
                // Only written entries can be non-zero: visiting them in index order draws what a scan of all
                // `entries` slots would.
                for (int i : f.indexesOf(root)) {
                    if (i >= entries) {
                        break;
                    }
                    long e = f.get(root, i);
                    if (e != 0 && !d.p(0.15)) {
                        f.set(alt, i, e == ((root << 12) | (e & 0xFFF)) ? (alt << 12) | (e & 0xFFF) : e);
                    }
                }
                roots.add(alt);
            }
        }

        // HVM: special frames behind the p2m, devices, params. The XSA-173 frame is a p2m entry too.
        if (hvm) {
            int nSpecial = d.range(0, 4);
            long specialBase = base + 0x300;
            for (int i = 0; i < nSpecial; i++) {
                long gfn = specialBase + i;
                // xen-3.1 had no p2m types besides RAM and emulated MMIO (they came with 3.2's p2m rework).
                // Memory paging and sharing exist only for HAP guests in Xen (mem_paging/mem_sharing need HAP).
                String type = xen31 ? "mmio_dm" : SPECIAL_TYPES[d.weighted(4, 2, 2, 1, 1, hap ? 1 : 0,
                        hap ? 1 : 0, hap ? 1 : 0, 1, 1)];
                if (type.equals("mmio_dm") && d.p(0.75)) {
                    String model = DEVICE_MODELS[d.weighted(4, 2, 2, hap ? 1 : 0, hap ? 1 : 0)];
                    TreeMap<Integer, Long> regs = new TreeMap<>();
                    regs.put(0, d.rangeL(0, 0xffff));
                    if (d.p(0.5)) {
                        regs.put(8, d.rangeL(0, 0xffffffffL));
                    }
                    devices.add(new DeviceSpec("dev" + i, model, gfn, regs));
                } else {
                    p2m.add(new P2mSpec(gfn, null, type, null));
                }
                other.add(gfn);
                if (!pagingOff) {
                    long flags = Geometry.P | (d.p(0.8) ? Geometry.RW : 0) | Geometry.US | Geometry.A | Geometry.D;
                    f.map(root, SPECIAL_VA + 0x1000L * i, leafOf(mode, leaf, gfn) | flags, leaf, upper);
                    targets.add(new Target(SPECIAL_VA + 0x1000L * i, "p2m-" + type));
                } else {
                    targets.add(new Target(gfn << 12, "p2m-" + type));
                }
            }
            // A data frame (or, rarely, a table) of a special p2m type.
            if (!xen31 && d.p(0.2)) {
                int i = d.range(0, data.size() - 1);
                p2m.add(new P2mSpec(data.get(i), null, frameType(d, hap), null));
            }
            if (!xen31 && !pagingOff && d.p(0.04)) {
                List<Long> tables = f.tables();
                p2m.add(new P2mSpec(d.pick(tables), null, frameType(d, hap), null));
            }
            if (d.p(0.5)) {
                params.put("triple_fault_reason", (long) d.range(0, 3));
            }
            if (!xen31 && d.p(0.2)) {
                params.put("xentrace_shadow", 0L);
            }
            if (hap && d.p(0.25)) {
                params.put("mem_sharing_ring", 1L);
            }
            if (hap && d.p(0.2)) {
                params.put("unshare_fails", 1L);
            }
        }
        // Initial data in the data frames (not in frames without a machine frame).
        for (long df : data) {
            if (d.p(0.5)) {
                memory.add(new MemoryInit(df, 8 * d.range(0, 511), 8, d.rangeL(0, Long.MAX_VALUE)));
            }
        }
        if (pagingOff) {
            for (long df : data) {
                targets.add(new Target(df << 12, "data"));
            }
            targets.add(new Target(0x5000000L, "absent"));
        }
        if (lm) {
            targets.add(new Target(0x0000800000000000L, "non-canonical"));
            targets.add(new Target(0xffff800000001000L, "absent-high"));
        }
        other.addAll(f.tables());
        other.add(1L << (m.maxPhyAddr() - 12 - 1));   // a frame nobody owns, high in the range
        // Slots: every entry written (the forest's), with the alias through which the guest can write it.
        List<Slot> slots = new ArrayList<>();
        if (!pagingOff) {
            for (long[] s : f.slots()) {
                long table = s[0];
                int idx = (int) s[1];
                int depth = Math.max(0, f.depth(table));
                Long alias = aliasOf.get(table);
                long aliasVa = alias == null ? -1 : alias + (long) idx * f.width();
                slots.add(new Slot(table, idx, depth, aliasVa, alias != null && aliasRw.get(table),
                        mapsVa(mode, depth, idx)));
            }
        }

        // IDT and vCPUs.
        IdtSpec idt = null;
        if (hasIdt) {
            List<GateSpec> gates = new ArrayList<>();
            int istIdx = istUsed ? 1 : 0;
            gates.add(new GateSpec(8, gate0 + 0x800, sel, false, 0, istIdx, !d.p(0.05)));
            if (!d.p(0.1)) {
                gates.add(new GateSpec(13, gate0 + 0xd00, sel, d.p(0.2), 0, 0, true));
            }
            gates.add(new GateSpec(14, gate0 + 0xe00, sel, d.p(0.2), 0, 0, !d.p(0.06)));
            if (d.p(0.2)) {
                gates.add(new GateSpec(0x20, gate0 + 0x2000, sel, false, 0, 0, true));
            }
            long idtBase = pagingOff ? idtFrame << 12 : IDT_VA;
            long rsp0 = pagingOff ? (stackFrame + 1) << 12 : STACK_VA + 0x1000;
            List<Long> ist = istUsed ? List.of(pagingOff ? (istFrame + 1) << 12 : IST_VA + 0x1000) : List.of();
            idt = new IdtSpec(idtBase, gates, rsp0, ist);
        }
        int nVcpus = d.p(0.15) ? 2 : 1;
        List<VcpuSpec> vcpus = new ArrayList<>();
        for (int i = 0; i < nVcpus; i++) {
            long cr3 = pagingOff ? 0 : (i == 0 ? root : d.pick(roots)) << 12;
            long rip = lm ? 0x401000L : 0x401000L;
            long rsp = lm ? 0x7ffff000L : 0xbffff000L;
            vcpus.add(new VcpuSpec(pagingOff ? null : mode, cr3, controls, pkru, 0, i == 0 ? cpl : d.pick(0, 3),
                    true, 0, rip, rsp, 0x202, 0, 0xe02b, idt));
        }
        DomainSpec spec = new DomainSpec(name, kind, hvm ? paging : null, false, Set.of(), f.frames(),
                d.p(0.8) ? 4 : 0, f.pageTables(), List.of(), memory, vcpus, List.of(), p2m, devices, params);
        return new DomainPlan(spec, targets, slots, roots, data, other);
    }

    /** A type for a frame that keeps its machine frame (paging and sharing types for HAP guests only). */
    static String frameType(Draw d, boolean hap) {
        return hap ? FRAME_TYPES[d.range(0, FRAME_TYPES.length - 1)]
                : d.pick("ram_logdirty", "ram_ro", "ram_broken");
    }

    static long leafOf(PagingMode mode, int leafDepth, long frame) {
        return Geometry.leafAddress(mode, leafDepth, frame);
    }

    /** A linear address whose walk uses entry {@code idx} at {@code depth} (the other indexes 0). */
    static long mapsVa(PagingMode mode, int depth, int idx) {
        long va = (long) idx << Geometry.shift(mode, depth);
        if (mode == PagingMode.LONG4 && (va & (1L << 47)) != 0) {
            va |= 0xffff000000000000L;
        } else if (mode == PagingMode.LONG5 && (va & (1L << 56)) != 0) {
            va |= 0xfe00000000000000L;
        }
        return va;
    }

    /** Rights of a data page: mostly usable, some absent, read-only, supervisor, NX, with reserved bits or keys. */
    static long dataFlags(Draw d, MachineSpec m, PagingMode mode, boolean nxe, boolean pke) {
        long f = 0;
        if (!d.p(0.15)) {
            f |= Geometry.P;
        }
        if (d.p(0.65)) {
            f |= Geometry.RW;
        }
        if (d.p(0.65)) {
            f |= Geometry.US;
        }
        if (d.p(0.75)) {
            f |= Geometry.A;
        }
        if (d.p(0.55)) {
            f |= Geometry.D;
        }
        if (d.p(0.08)) {
            f |= Geometry.G;
        }
        if (mode != PagingMode.LEGACY2 && d.p(nxe ? 0.25 : 0.06)) {
            f |= Geometry.NX;   // reserved without EFER.NXE
        }
        if (mode != PagingMode.LEGACY2 && m.maxPhyAddr() < 52 && d.p(0.07)) {
            f |= 1L << (m.maxPhyAddr() + d.range(0, 51 - m.maxPhyAddr()));   // a reserved address bit
        }
        if (pke && d.p(0.4)) {
            f |= (long) d.range(1, 15) << 59;
        }
        return f;
    }

    static String tagOf(long flags, boolean nxe, int maxPhy) {
        if ((flags & Geometry.P) == 0) {
            return "absent";
        }
        long addrRsvd = maxPhy >= 52 ? 0 : ((1L << 52) - 1) & ~((1L << maxPhy) - 1);
        if ((flags & addrRsvd) != 0 || (!nxe && (flags & Geometry.NX) != 0)) {
            return "reserved";
        }
        if ((flags & Geometry.RW) == 0) {
            return "read-only";
        }
        if ((flags & Geometry.NX) != 0) {
            return "nx";
        }
        return (flags & Geometry.US) != 0 ? "user" : "supervisor";
    }
}
