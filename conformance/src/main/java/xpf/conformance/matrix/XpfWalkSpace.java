package xpf.conformance.matrix;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;

/**
 * The walk space beyond access.c (x86-paging.md §2a "what would make our suite better", items 1–4): every paging mode
 * (32-bit with and without PSE, PAE with its PDPTE-load #GP, 4- and 5-level), every level varied (P, R/W, U/S, A, XD and
 * a reserved bit at each), all leaf sizes, both vendors, three MAXPHYADDR values, SMEP, SMAP with AC and implicit
 * accesses, PKU and PKS. Every combination is legal (a parameter that means nothing in some mode is simply ignored
 * there), so a t-wise covering array covers every t-tuple.
 *
 * <p>Entry "slots" are counted from the leaf upwards: slot 0 is the leaf entry, slot 1 its parent, and so on.
 */
public final class XpfWalkSpace implements ParameterSpace {

    /** Slots per level (leaf first) and their per-entry parameters. */
    static final int SLOTS = 5;
    static final String[] ENTRY_PARAMS = {"P", "RW", "US", "A", "XD", "RSVD"};
    /** RSVD values: none, a high address bit (bit M, or 51 when M = 52), the level's own reserved bit. */
    static final int RSVD_NONE = 0;
    static final int RSVD_HIGH = 1;
    static final int RSVD_LEVEL = 2;

    private record Param(String name, int size) {
    }

    private final List<Param> params = new ArrayList<>();
    private final int mode;
    private final int pse;
    private final int maxphy;
    private final int vendor;
    private final int page1gb;
    private final int leaf;
    private final int slotBase;
    private final int leafD;
    private final int leafKey;
    private final int wp;
    private final int nxe;
    private final int smep;
    private final int smap;
    private final int ac;
    private final int pke;
    private final int pks;
    private final int pkruAd;
    private final int pkruWd;
    private final int pkrsAd;
    private final int pkrsWd;
    private final int kind;
    private final int cpl3;
    private final int implicit;

    static final int[] MAXPHY = {36, 40, 52};

    public XpfWalkSpace() {
        mode = add("mode", 4);
        pse = add("CR4.PSE", 2);
        maxphy = add("maxphyaddr", 3);
        vendor = add("vendor", 2);
        page1gb = add("page1gb", 2);
        leaf = add("leaf", 3);
        slotBase = params.size();
        for (int s = 0; s < SLOTS; s++) {
            for (String p : ENTRY_PARAMS) {
                add("slot" + s + "." + p, p.equals("RSVD") ? 3 : 2);
            }
        }
        leafD = add("leaf.D", 2);
        leafKey = add("leaf.key1", 2);
        wp = add("CR0.WP", 2);
        nxe = add("EFER.NXE", 2);
        smep = add("CR4.SMEP", 2);
        smap = add("CR4.SMAP", 2);
        ac = add("EFLAGS.AC", 2);
        pke = add("CR4.PKE", 2);
        pks = add("CR4.PKS", 2);
        pkruAd = add("PKRU.AD1", 2);
        pkruWd = add("PKRU.WD1", 2);
        pkrsAd = add("PKRS.AD1", 2);
        pkrsWd = add("PKRS.WD1", 2);
        kind = add("access.kind", 3);
        cpl3 = add("access.cpl3", 2);
        implicit = add("access.implicit", 2);
    }

    private int add(String name, int size) {
        params.add(new Param(name, size));
        return params.size() - 1;
    }

    @Override
    public int parameters() {
        return params.size();
    }

    @Override
    public int size(int p) {
        return params.get(p).size();
    }

    @Override
    public String name(int p) {
        return params.get(p).name();
    }

    @Override
    public boolean legal(int[] row) {
        return true;
    }

    @Override
    public boolean completable(int[] partial) {
        return true;
    }

    /** A readable description of a row: the non-default parameters. */
    public String describe(int[] row) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < row.length; p++) {
            if (row[p] != 0 || p == mode || p == kind) {
                b.append(b.isEmpty() ? "" : " ").append(name(p)).append('=').append(row[p]);
            }
        }
        return b.toString();
    }

    private int slot(int s, int entryParam) {
        return slotBase + s * ENTRY_PARAMS.length + entryParam;
    }

    /** The walk case of a row. */
    public WalkCase build(int[] r) {
        PagingMode m = PagingMode.values()[r[mode]];
        int maxPhy = MAXPHY[r[maxphy]];
        boolean ia32e = m == PagingMode.LONG4 || m == PagingMode.LONG5;
        // Levels root first, with the index shift and bits of each; fixed distinct indices along the VA.
        int[] shifts = switch (m) {
            case LEGACY2 -> new int[] {22, 12};
            case PAE -> new int[] {30, 21, 12};
            case LONG4 -> new int[] {39, 30, 21, 12};
            case LONG5 -> new int[] {48, 39, 30, 21, 12};
        };
        int n = shifts.length;
        long va = switch (m) {
            case LEGACY2 -> (3L << 22) | (1L << 12) | 0x234;
            case PAE -> (1L << 30) | (3L << 21) | (1L << 12) | 0x234;
            case LONG4 -> (1L << 39) | (1L << 30) | (3L << 21) | (1L << 12) | 0x234;
            case LONG5 -> (1L << 48) | (1L << 39) | (1L << 30) | (3L << 21) | (1L << 12) | 0x234;
        };
        int width = m.entryBytes();
        // The leaf's level index (root = 0): 4K at the last level; large at the PDE; 1G at the PDPTE (long only).
        int leafChoice = r[leaf];
        int leafIndex = n - 1;
        if (leafChoice >= 1) {
            leafIndex = n - 2;
        }
        if (leafChoice == 2 && ia32e) {
            leafIndex = n - 3;
        }
        long cr3 = 0x100000;
        long table = cr3;
        TreeMap<Long, Long> mem = new TreeMap<>();
        for (int i = 0; i <= leafIndex; i++) {
            int s = leafIndex - i; // slot number counted from the leaf
            long slotAddr = table + ((va >>> shifts[i]) & (m == PagingMode.PAE && i == 0 ? 3 : (width == 4 ? 1023 : 511)))
                    * width;
            boolean isLeaf = i == leafIndex;
            boolean pdpteRegister = m == PagingMode.PAE && i == 0;
            long next = 0x101000L + 0x1000L * i;
            long e;
            if (isLeaf) {
                long size = 1L << shifts[i];
                long frame = size == 0x1000 ? 0x200000 : (size == (1L << 30) ? 0x40000000L : 0x400000);
                e = frame | (size == 0x1000 ? 0 : 0x80);
                if (r[leafD] == 1) {
                    e |= 0x40;
                }
                if (ia32e && r[leafKey] == 1) {
                    e |= 1L << 59;
                }
            } else {
                e = next;
            }
            if (r[slot(s, 0)] == 1) {
                e |= 1;
            }
            if (!pdpteRegister) {
                e |= (r[slot(s, 1)] == 1 ? 2 : 0) | (r[slot(s, 2)] == 1 ? 4 : 0) | (r[slot(s, 3)] == 1 ? 0x20 : 0);
                if (width == 8 && r[slot(s, 4)] == 1) {
                    e |= 1L << 63;
                }
            }
            e |= reservedBit(m, i, n, isLeaf, r[slot(s, 5)], maxPhy, width);
            mem.put(slotAddr, e);
            table = next;
        }
        PagingControls c = new PagingControls(m, r[wp] == 1, r[pse] == 1, false, r[smep] == 1, r[smap] == 1,
                r[pke] == 1, r[pks] == 1, r[nxe] == 1, r[ac] == 1,
                (r[pkruAd] == 1 ? 4 : 0) | (r[pkruWd] == 1 ? 8 : 0), (r[pkrsAd] == 1 ? 4 : 0) | (r[pkrsWd] == 1 ? 8 : 0),
                cr3);
        AccessKind k = AccessKind.values()[r[kind]];
        Access a = new Access(va, k, r[cpl3] == 1 ? 3 : 0, r[implicit] == 1, false);
        CpuConfig cpu = new CpuConfig(r[vendor] == 1 ? Vendor.AMD : Vendor.INTEL, maxPhy, r[page1gb] == 1);
        return new WalkCase(cpu, c, mem, a);
    }

    /** The bit the RSVD parameter sets in an entry (it may turn out not reserved in context: then it is harmless). */
    private static long reservedBit(PagingMode m, int i, int n, boolean isLeaf, int choice, int maxPhy, int width) {
        if (choice == RSVD_NONE) {
            return 0;
        }
        if (width == 4) {
            // 32-bit paging: only a 4 MiB PDE has reserved bits (bit 21 always); elsewhere set an ignored AVL bit.
            return choice == RSVD_HIGH ? 1L << 21 : 1L << 9;
        }
        if (choice == RSVD_HIGH) {
            return 1L << Math.min(maxPhy, 51);
        }
        boolean top = (m == PagingMode.LONG4 && i == 0) || (m == PagingMode.LONG5 && i <= 1);
        if (top) {
            return 1L << 7; // PS in a PML4E/PML5E
        }
        if (isLeaf && i < n - 1) {
            return 1L << 13; // low address bits of a large leaf
        }
        return m == PagingMode.PAE ? 1L << 62 : 1L << 8; // PAE high bit; otherwise an ignored bit (AMD: PML4E only)
    }
}
