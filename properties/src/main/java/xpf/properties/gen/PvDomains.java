package xpf.properties.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.PteSpec;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.PagingMode;
import xpf.properties.gen.DomainPlan.Slot;
import xpf.properties.gen.DomainPlan.Target;

/**
 * Paravirtualised domains (64-bit on 4-level tables, 32-bit on PAE tables under Xen's L4): a page-table forest Xen
 * validates at start (root, one or two L1 tables, read-only aliases of the tables for ptwr, an optional linear
 * self-map), data pages with drawn rights, a kernel stack (sometimes read-only: bounce-frame faults), an LDT page, a
 * trap table with or without a #PF handler, spare frames the step patterns make into tables (two for a chain of linear
 * page tables; 64-bit: a second L2 and L1 for a hierarchy switch under L3[0]), and the domain-wide knobs (writable_pagetables, log-dirty, an R/O MMIO
 * frame of the hardware domain, the event callback and its mask). The vCPU starts in the guest kernel or in user
 * mode. Every choice is drawn, so a failure shrinks towards the simplest domain: pv64, kernel mode, no extras.
 *
 * <p>Linear layout (one L1 covers 0 - 2 MiB):
 * <pre>
 *   0x1000 data0 (RW)   0x2000 data1 (drawn)   0x3000 the L1, read-only   0x4000 the L2, read-only
 *   0x5000 cow (RO)     0x6000 kernel stack    0x7000 LDT page (RO)       0x8000 R/O MMIO (hardware domain)
 *   0x9000 absent       0xa000-0xc000 data2-4 (drawn)  0xd000 the root, read-only   0x200000+ the second L1
 * </pre>
 */
public final class PvDomains {

    public static final long L1_ALIAS_VA = 0x3000L;
    public static final long L2_ALIAS_VA = 0x4000L;
    public static final long STACK_VA = 0x6000L;
    public static final long LDT_VA = 0x7000L;
    public static final long MMIO_VA = 0x8000L;
    public static final long ROOT_ALIAS_VA = 0xd000L;
    public static final long MMIO_RO_MFN = 0xfee00L;
    /** Frame names of the spare tables (see {@link PvSteps#linearChain}, {@link PvSteps#staleLinear}). */
    public static final String LIN0 = "lin0";
    public static final String LIN1 = "lin1";
    public static final String L2B = "l2b";
    public static final String L1C = "l1c";
    /** The per-vCPU GDT/LDT area of 64-bit Xen: the LDT starts 64 KiB in (PV §2.3 row b). */
    public static final long LDT_AREA_64 = 0xffff820000010000L;

    static final long P = 1;
    static final long RW = 2;
    static final long US = 4;
    static final long A = 0x20;
    static final long D = 0x40;
    static final long PS = 0x80;
    static final long NX = 1L << 63;

    private PvDomains() {
    }

    /**
     * @param base first machine frame of the domain (domains of one scenario use disjoint ranges)
     */
    public static DomainPlan generate(Draw d, MachineSpec m, DomainKind kind, String name, long base) {
        boolean pv32 = kind == DomainKind.PV32;
        LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
        long next = base;
        long root = next++;
        frames.put(pv32 ? "l3" : "l4", root);
        long l3 = pv32 ? root : next++;
        if (!pv32) {
            frames.put("l3", l3);
        }
        long l2 = next++;
        frames.put("l2", l2);
        long l1 = next++;
        frames.put("l1", l1);
        boolean secondL1 = d.p(0.3);
        long l1b = -1;
        if (secondL1) {
            l1b = next++;
            frames.put("l1b", l1b);
        }
        long l2x = -1;
        if (pv32) {
            l2x = next++;
            frames.put("l2x", l2x);
        }
        int nData = d.range(2, 5);
        List<Long> data = new ArrayList<>();
        for (int i = 0; i < nData; i++) {
            long f = next++;
            frames.put("data" + i, f);
            data.add(f);
        }
        long stack = next++;
        frames.put("stack", stack);
        long cow = next++;
        frames.put("cow", cow);
        long ldt = next++;
        frames.put("ldt", ldt);
        long spare = next++;
        frames.put("newdata", spare);
        data.add(spare);
        // Spare frames the step patterns turn into tables (no draw: the choices of the rest stay as they were).
        // lin0, lin1: empty, pinned as same-level tables and chained by linear entries (XSA-240, PV §4.4).
        // 64-bit: l2b -> l1c, a second hierarchy for L3[0] (XSA-286, PV §4.7): l1c maps the stack and 0x1000 like
        // the L1 does, and nothing at 0x9000, so an update_va_mapping of 0x9000 shows which L1 Xen found.
        frames.put(LIN0, next++);
        frames.put(LIN1, next++);
        long l2b = -1;
        long l1c = -1;
        if (!pv32) {
            l2b = next++;
            frames.put(L2B, l2b);
            l1c = next++;
            frames.put(L1C, l1c);
        }

        List<PteSpec> pts = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        long upper = P | RW | US | A;
        // Root → L2 (pv32: PDPT entries carry P only; slot 3 is the L2 Xen's mappings share).
        if (pv32) {
            pts.add(pte(root, 0, (l2 << 12) | P));
            pts.add(pte(root, 3, (l2x << 12) | P));
        } else {
            pts.add(pte(root, 0, (l3 << 12) | upper));
            pts.add(pte(l3, 0, (l2 << 12) | upper));
        }
        pts.add(pte(l2, 0, (l1 << 12) | upper));
        if (secondL1) {
            pts.add(pte(l2, 1, (l1b << 12) | upper));
        }
        long usBit = pv32 ? 0 : US;   // a 32-bit kernel runs in ring 1: its own pages need not be user pages
        // L1 entries.
        pts.add(pte(l1, 1, (data.get(0) << 12) | P | RW | US | A));
        targets.add(new Target(0x1000, "data-rw"));
        long f1 = dataFlags(d, m);
        pts.add(pte(l1, 2, (data.get(1) << 12) | f1));
        targets.add(new Target(0x2000, tag(f1)));
        pts.add(pte(l1, 3, (l1 << 12) | P | usBit | A));
        targets.add(new Target(L1_ALIAS_VA, "l1-alias"));
        pts.add(pte(l1, 4, (l2 << 12) | P | usBit | A));
        targets.add(new Target(L2_ALIAS_VA, "l2-alias"));
        pts.add(pte(l1, 5, (cow << 12) | P | US | A));
        targets.add(new Target(0x5000, "cow"));
        boolean stackRo = d.p(0.08);
        pts.add(pte(l1, 6, (stack << 12) | P | (stackRo ? 0 : RW) | usBit | A));
        targets.add(new Target(STACK_VA, stackRo ? "stack-ro" : "stack"));
        pts.add(pte(l1, 7, (ldt << 12) | P | US | A));
        targets.add(new Target(LDT_VA, "ldt-page"));
        boolean hw = d.p(0.3);
        if (hw) {
            pts.add(pte(l1, 8, (MMIO_RO_MFN << 12) | P | RW | US | A));
            targets.add(new Target(MMIO_VA, "mmio-ro"));
            targets.add(new Target(MMIO_VA + 0x10, "mmio-ro"));
        }
        targets.add(new Target(0x9000, "absent"));
        for (int i = 2; i < nData; i++) {
            long f = dataFlags(d, m);
            pts.add(pte(l1, 8 + i, (data.get(i) << 12) | f));
            targets.add(new Target(0x8000 + 0x1000L * i, tag(f)));
        }
        if (!pv32) {
            pts.add(pte(l1, 13, (root << 12) | P | US | A));
            targets.add(new Target(ROOT_ALIAS_VA, "root-alias"));
        }
        if (secondL1) {
            pts.add(pte(l1b, 0, (data.get(0) << 12) | P | RW | US | A));
            targets.add(new Target(0x200000, "data-alias"));
            pts.add(pte(l1, 14, (l1b << 12) | P | usBit | A));
            targets.add(new Target(0xe000, "l1b-alias"));
        }
        if (!pv32) {
            pts.add(pte(l2b, 0, (l1c << 12) | upper));
            pts.add(pte(l1c, 1, (data.get(0) << 12) | P | RW | US | A));
            pts.add(pte(l1c, 6, (stack << 12) | P | (stackRo ? 0 : RW) | usBit | A));
        }
        // A linear (recursive) root entry: the root maps itself read-only (PV §4.4).
        boolean linear = !pv32 && d.p(0.25);
        if (linear) {
            pts.add(pte(root, 258, (root << 12) | P | US | A));
            targets.add(new Target(0xffff810000000000L | (258L << 30) | (258L << 21) | (258L << 12), "linear"));
        }
        // Xen's own range, the LDT area, non-canonical and kernel-half addresses.
        if (pv32) {
            targets.add(new Target(0xfffff000L, "xen-range"));
            targets.add(new Target(0xc0001000L, "absent-kernel"));
        } else {
            targets.add(new Target(0xffff800000000000L, "xen-range"));
            targets.add(new Target(0xffff830000001000L, "xen-range"));
            targets.add(new Target(LDT_AREA_64 + 8, "ldt-area"));
            targets.add(new Target(0x8000000000000000L, "non-canonical"));
            targets.add(new Target(0xffffffff80001000L, "absent-kernel"));
        }

        // Slots: entries steps may rewrite (through the read-only alias: ptwr; or by mmu_update).
        for (int i : new int[] {1, 2, 5, 6, 7, 9, 10, 11, 12}) {
            slots.add(new Slot(l1, i, 3, L1_ALIAS_VA + 8L * i, false, 0x1000L * i));
        }
        slots.add(new Slot(l2, 0, 2, L2_ALIAS_VA, false, 0x1000));
        slots.add(new Slot(l2, 2, 2, L2_ALIAS_VA + 16, false, 0x400000));
        if (!pv32) {
            slots.add(new Slot(root, 0, 0, ROOT_ALIAS_VA, false, 0x1000));
            slots.add(new Slot(root, 1, 0, ROOT_ALIAS_VA + 8, false, 0x8000000000L));
            slots.add(new Slot(l3, 1, 1, -1, false, 0x40000000L));
        } else {
            slots.add(new Slot(root, 1, 1, -1, false, 0x40000000L));
        }
        if (secondL1) {
            slots.add(new Slot(l1b, 1, 3, 0xe000 + 8, false, 0x201000));
        }
        if (linear) {
            // the linear entry itself: adding RW to it is what the XSA-182 fast path let through
            slots.add(new Slot(root, 258, 0, ROOT_ALIAS_VA + 8 * 258, false, 0xffff810000000000L));
        }

        // The trap table: #PF and #GP handlers, sometimes none for #PF (the no-handler crash).
        List<TrapInfoSpec> traps = new ArrayList<>();
        int kcs = pv32 ? 0xe019 : 0xe033;
        long h = pv32 ? 0xc0100000L : 0xffffffff81000000L;
        traps.add(new TrapInfoSpec(13, 0, kcs, h + 0x100));
        if (!d.p(0.08)) {
            traps.add(new TrapInfoSpec(14, d.p(0.1) ? 4 : 0, kcs, h));
        }
        Set<String> assist = new TreeSet<>();
        if (!d.p(0.1)) {
            assist.add("writable_pagetables");
        }
        LinkedHashMap<String, Long> params = new LinkedHashMap<>();
        if (d.p(0.12)) {
            params.put("log_dirty", 1L);
        }
        if (hw) {
            params.put("mmio_ro_mfn", MMIO_RO_MFN);
        }
        if (d.p(0.15)) {
            params.put("event_callback", pv32 ? 0xc0100800L : 0xffffffff81000800L);
            if (d.p(0.4)) {
                params.put("upcall_mask", 1L);
            }
        }

        boolean kernel = !d.p(0.3);
        long rip = kernel ? pv32 ? 0xc0101234L : 0xffffffff80001234L : 0x400123L;
        long rsp = kernel ? STACK_VA + 0x800 : 0x1800;
        long userCr3 = !pv32 && !kernel ? root << 12 : 0;
        VcpuSpec v = new VcpuSpec(pv32 ? PagingMode.PAE : PagingMode.LONG4, root << 12, Set.of(), 0, 0, 0, kernel,
                userCr3, rip, rsp, 0x202, STACK_VA + 0x1000, pv32 ? 0xe021 : 0xe02b, null);
        DomainSpec spec = new DomainSpec(name, kind, null, hw, assist, frames, 0, pts, List.of(), List.of(),
                List.of(v), traps, List.of(), List.of(), params);
        List<Long> roots = new ArrayList<>(List.of(root));
        List<Long> other = new ArrayList<>(List.of(l1, l2, root));
        if (!pv32) {
            other.add(l3);
        }
        if (secondL1) {
            other.add(l1b);
            roots.add(l1b);   // a CR3 write / new_baseptr to a frame of the wrong type
        }
        other.add(ldt);
        other.add(MMIO_RO_MFN);
        other.add(1L << (m.maxPhyAddr() - 12 - 1));   // a frame nobody owns
        return new DomainPlan(spec, targets, slots, roots, data, other);
    }

    static PteSpec pte(long table, int index, long value) {
        return new PteSpec(table, index, value, null);
    }

    static long dataFlags(Draw d, MachineSpec m) {
        long f = P | A;
        if (d.p(0.6)) {
            f |= RW;
        }
        if (d.p(0.85)) {
            f |= US;
        }
        if (d.p(0.3)) {
            f |= D;
        }
        if (d.p(0.15) && m.has(xpf.model.scenario.CpuFeature.NX)) {
            f |= NX;
        }
        return f;
    }

    static String tag(long f) {
        return "data-" + ((f & RW) != 0 ? "rw" : "ro") + ((f & US) != 0 ? "" : "-kernel") + ((f & NX) != 0 ? "-nx"
                : "");
    }
}
