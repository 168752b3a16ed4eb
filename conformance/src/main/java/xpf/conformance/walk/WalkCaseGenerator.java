package xpf.conformance.walk;

import xpf.sim.walk.WalkCaseRules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;

/**
 * Seeded random walk cases (issue 3 §3): every mode, every control bit, MAXPHYADDR 36..52, both vendors, Page1GB on
 * and off, every leaf size, reserved bits and P=0 at every level, rights combinations at every level, and table
 * aliasing (self-maps, an entry used at two levels, a table shared between levels, a page that is one of its own
 * page tables, PAE's PD sharing the PDPT's page).
 *
 * <p>Each case first builds a valid hierarchy for a planned leaf, then mutates bits. Case {@code i} of seed
 * {@code s} depends only on (s, i), so a case can be regenerated from its index alone. The generator's own idea of
 * the paging structures is deliberately rough (it only has to produce interesting inputs); what a case means is
 * decided by the models under test.
 */
public final class WalkCaseGenerator {

    /** The planned leaf size. */
    public enum Leaf { SIZE_4K, SIZE_2M, SIZE_4M, SIZE_1G }

    /** The planned table aliasing. */
    public enum Aliasing {
        NONE,
        /** An entry points to its own table (PML4[i] → PML4), the next level uses another slot of it. */
        SELF_MAP,
        /** An entry points to its own table and the next level uses the same slot: one entry read twice. */
        SAME_ENTRY_TWICE,
        /** A table is reused at a non-adjacent lower level (e.g. the PML4 doubles as the PD). */
        SHARED_TABLE,
        /** The page the VA maps contains one of its own paging-structure entries (VA offset points at it). */
        PAGE_IS_TABLE,
        /** PAE: the PD is the page holding the PDPT, so PDPTEs double as PDEs. */
        PDPT_PAGE_IS_PD
    }

    /** The mutations applied to the valid hierarchy. */
    public enum Mutation {
        /** P cleared at one level of the path (sometimes with junk in the other bits). */
        NOT_PRESENT,
        /** A bit from the reserved-or-boundary candidates of §1.1b set at one level. */
        RESERVED_CANDIDATE,
        /** U/S, R/W or XD flipped at one level. */
        RIGHTS_FLIP,
        /** The VA made non-canonical (4/5-level). */
        NON_CANONICAL,
        /** PAE: a reserved bit in one of the four PDPTEs (used or not). */
        PDPTE_RESERVED,
        /** Extra entries the walk should never read. */
        NOISE
    }

    /** One generated case with what the generator intended, for spread statistics. */
    public record GeneratedCase(long index, WalkCase walkCase, Leaf plannedLeaf, Aliasing aliasing,
            Set<Mutation> mutations, int mutatedLevel) {
    }

    private static final PagingMode[] MODES = PagingMode.values();
    private static final long P = 1;
    private static final long RW = 2;
    private static final long US = 4;
    private static final long PS = 0x80;
    private static final long XD = 1L << 63;

    private final long seed;

    public WalkCaseGenerator(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** Case {@code index} of this seed (deterministic). */
    public GeneratedCase caseAt(long index) {
        return new Builder(new SplittableRandom(mix(seed, index)), index).build();
    }

    static long mix(long seed, long index) {
        long z = seed * 0x9E37_79B9_7F4A_7C15L + stafford(index + 0x632B_E59B_D9B4_E019L);
        return stafford(z);
    }

    private static long stafford(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    // ------------------------------------------------------------------------------------------------ geometry

    /** The generator's own view of §1.1a: VA index position and width per level, root first. */
    private static int[] indexLowBits(PagingMode m) {
        return switch (m) {
            case LEGACY2 -> new int[] {22, 12};
            case PAE -> new int[] {30, 21, 12};
            case LONG4 -> new int[] {39, 30, 21, 12};
            case LONG5 -> new int[] {48, 39, 30, 21, 12};
        };
    }

    private static int[] indexWidths(PagingMode m) {
        return switch (m) {
            case LEGACY2 -> new int[] {10, 10};
            case PAE -> new int[] {2, 9, 9};
            case LONG4 -> new int[] {9, 9, 9, 9};
            case LONG5 -> new int[] {9, 9, 9, 9, 9};
        };
    }

    /** Number of levels the planned leaf is reached at (the leaf is the last). */
    private static int pathLength(PagingMode m, Leaf leaf) {
        int full = indexLowBits(m).length;
        return switch (leaf) {
            case SIZE_4K -> full;
            case SIZE_2M, SIZE_4M -> full - 1;
            case SIZE_1G -> full - 2;
        };
    }

    private static long leafBytes(Leaf l) {
        return switch (l) {
            case SIZE_4K -> 1L << 12;
            case SIZE_2M -> 1L << 21;
            case SIZE_4M -> 1L << 22;
            case SIZE_1G -> 1L << 30;
        };
    }

    // ------------------------------------------------------------------------------------------------ builder

    private static final class Builder {
        private final SplittableRandom r;
        private final long index;
        private final PagingMode mode;
        private final int maxPhy;
        private final Vendor vendor;
        private final boolean page1gb;
        private final Leaf leaf;
        private final int entryBytes;
        private final int pathLength;
        private final TreeMap<Long, Long> memory = new TreeMap<>();
        private final List<Long> pathAddresses = new ArrayList<>();
        private final List<Long> tableBases = new ArrayList<>();
        private final EnumSet<Mutation> mutations = EnumSet.noneOf(Mutation.class);
        private Aliasing aliasing = Aliasing.NONE;
        private int mutatedLevel = -1;

        // controls
        private boolean wp;
        private boolean pse;
        private boolean pge;
        private boolean smep;
        private boolean smap;
        private boolean pke;
        private boolean pks;
        private boolean nxe;
        private boolean ac;
        private int pkru;
        private int pkrs;
        private long cr3;
        private int leafKey;

        Builder(SplittableRandom r, long index) {
            this.r = r;
            this.index = index;
            this.mode = MODES[r.nextInt(MODES.length)];
            this.maxPhy = pickMaxPhyAddr();
            this.vendor = r.nextBoolean() ? Vendor.INTEL : Vendor.AMD;
            this.page1gb = chance(0.85);
            this.leaf = pickLeaf();
            this.entryBytes = mode.entryBytes();
            this.pathLength = pathLength(mode, leaf);
        }

        private boolean chance(double p) {
            return r.nextDouble() < p;
        }

        private int pickMaxPhyAddr() {
            double x = r.nextDouble();
            if (x < 0.2) {
                return 36;
            }
            if (x < 0.3) {
                return 40;
            }
            if (x < 0.45) {
                return 52;
            }
            return 36 + r.nextInt(17);
        }

        private Leaf pickLeaf() {
            double x = r.nextDouble();
            return switch (mode) {
                case LEGACY2 -> x < 0.55 ? Leaf.SIZE_4K : Leaf.SIZE_4M;
                case PAE -> x < 0.55 ? Leaf.SIZE_4K : Leaf.SIZE_2M;
                case LONG4, LONG5 -> x < 0.4 ? Leaf.SIZE_4K : x < 0.7 ? Leaf.SIZE_2M : Leaf.SIZE_1G;
            };
        }

        /** Highest physical address bit + 1 a table may use. */
        private int tableAddressBits() {
            return mode == PagingMode.LEGACY2 ? 32 : maxPhy;
        }

        /** A random page-aligned frame below 2^bits, often in a small region so unplanned collisions happen too. */
        private long frame(int bits) {
            double x = r.nextDouble();
            int b;
            if (x < 0.6) {
                b = 20;     // 1 MiB: 256 frames
            } else if (x < 0.85) {
                b = Math.min(bits, 32);
            } else {
                b = bits;
            }
            long f = r.nextLong(1, 1L << (b - 12)) << 12;
            if (x >= 0.95) {
                f |= 1L << (bits - 1);   // the top address bit, to exercise the address masks
            }
            return f;
        }

        GeneratedCase build() {
            pickControls();
            int levels = indexLowBits(mode).length;
            long[] idx = new long[levels];
            int[] widths = indexWidths(mode);
            for (int k = 0; k < levels; k++) {
                idx[k] = r.nextLong(1L << widths[k]);
            }
            long offset = r.nextLong(1L << 12);

            // Root: CR3.
            long root;
            if (mode == PagingMode.PAE) {
                root = frame(32) | (r.nextLong(128) << 5);        // PDPT: 32-byte aligned, below 4 GiB
                cr3 = root | (chance(0.3) ? r.nextLong(32) : 0);   // CR3[4:0] ignored
            } else {
                root = frame(tableAddressBits());
                cr3 = root | (chance(0.3) ? r.nextLong(4096) : 0); // CR3[11:0]: PWT/PCD/PCID, ignored by the walk
            }

            // Aliasing plan.
            int aliasLevel = -1;
            if (chance(0.3) && pathLength >= 2) {
                double x = r.nextDouble();
                if (mode == PagingMode.PAE && x < 0.2) {
                    aliasing = Aliasing.PDPT_PAGE_IS_PD;
                    aliasLevel = 0;
                } else if (x < 0.45) {
                    aliasing = chance(0.4) ? Aliasing.SAME_ENTRY_TWICE : Aliasing.SELF_MAP;
                    aliasLevel = r.nextInt(pathLength - 1);
                    if (aliasing == Aliasing.SAME_ENTRY_TWICE) {
                        // the next level reads the same slot: make its index equal (same width except PAE's 2-bit)
                        idx[aliasLevel + 1] = idx[aliasLevel] & ((1L << widths[aliasLevel + 1]) - 1);
                        if (mode == PagingMode.PAE && aliasLevel == 0) {
                            aliasing = Aliasing.SELF_MAP;   // PDPT slots and PD slots do not line up by index alone
                        }
                    }
                } else if (x < 0.7 && pathLength >= 3) {
                    aliasing = Aliasing.SHARED_TABLE;
                    aliasLevel = 1 + r.nextInt(pathLength - 2);   // entry at aliasLevel points to an earlier table
                } else {
                    aliasing = Aliasing.PAGE_IS_TABLE;
                }
            }

            // Build the path.
            long base = root;
            leafKey = r.nextInt(16);
            int[] lows = indexLowBits(mode);
            long leafFrame = -1;
            for (int k = 0; k < pathLength; k++) {
                long address = base + idx[k] * entryBytes;
                tableBases.add(base);
                pathAddresses.add(address);
                boolean isLeafLevel = k == pathLength - 1;
                Long existing = memory.get(address);
                if (existing != null) {
                    // Aliasing made us land on an entry written for an earlier level: the walk follows it.
                    if (isLeafLevel || looksLikeLeaf(existing, k)) {
                        break;
                    }
                    base = nextBase(existing);
                    continue;
                }
                if (isLeafLevel) {
                    leafFrame = leafFrame(offset);
                    memory.put(address, leafEntry(leafFrame, k));
                    break;
                }
                long target;
                if ((aliasing == Aliasing.SELF_MAP || aliasing == Aliasing.SAME_ENTRY_TWICE) && k == aliasLevel) {
                    target = base & ~0xFFFL;
                } else if (aliasing == Aliasing.PDPT_PAGE_IS_PD && k == 0) {
                    target = base & ~0xFFFL;
                } else if (aliasing == Aliasing.SHARED_TABLE && k == aliasLevel) {
                    target = tableBases.get(r.nextInt(k)) & ~0xFFFL;   // a table of an earlier level
                } else {
                    target = frame(tableAddressBits());
                }
                memory.put(address, tableEntry(target, k));
                base = target;
            }
            if (aliasing == Aliasing.PAGE_IS_TABLE && leafFrame >= 0) {
                // Point the VA's offset at one of the path's entries when that entry lies in the mapped page.
                long size = leafBytes(leaf);
                for (long a : pathAddresses) {
                    if ((a & ~(size - 1)) == leafFrame) {
                        offset = a & (size - 1);
                        break;
                    }
                }
            }

            long va = composeVa(idx, lows, offset);
            if (mode == PagingMode.PAE) {
                fillOtherPdptes(root, idx[0]);
            }
            va = mutate(va, root);
            Access access = pickAccess(va);
            PagingControls c = new PagingControls(mode, wp, pse, pge, smep, smap, pke, pks, nxe, ac, pkru, pkrs, cr3);
            WalkCase wc = new WalkCase(new CpuConfig(vendor, maxPhy, page1gb), c, memory, access);
            String problem = WalkCaseRules.problem(wc);
            if (problem != null) {
                throw new IllegalStateException("generator built an invalid case " + index + ": " + problem);
            }
            return new GeneratedCase(index, wc, leaf, aliasing, mutations, mutatedLevel);
        }

        private void pickControls() {
            wp = chance(0.5);
            pse = leaf == Leaf.SIZE_4M ? chance(0.85) : chance(0.5);
            pge = chance(0.5);
            smep = chance(0.3);
            smap = chance(0.3);
            pke = chance(0.45);
            pks = chance(0.45);
            nxe = mode == PagingMode.LEGACY2 ? chance(0.5) : chance(0.65);
            ac = chance(0.4);
        }

        private int keyRegister() {
            double x = r.nextDouble();
            if (x < 0.35) {
                return 0;
            }
            if (x < 0.5) {
                return r.nextInt();
            }
            int others = chance(0.5) ? r.nextInt() & ~(3 << (2 * leafKey)) : 0;
            double y = r.nextDouble();
            int mine = y < 0.2 ? 1 : y < 0.45 ? 2 : y < 0.55 ? 3 : 0;   // AD, WD, both, none for the leaf's key
            return others | (mine << (2 * leafKey));
        }

        private Access pickAccess(long va) {
            AccessKind kind = AccessKind.values()[r.nextInt(3)];
            double x = r.nextDouble();
            int cpl = x < 0.4 ? 0 : x < 0.85 ? 3 : x < 0.925 ? 1 : 2;
            pkru = keyRegister();
            pkrs = keyRegister();
            return new Access(va, kind, cpl, chance(0.12), chance(0.4));
        }

        // -------------------------------------------------------------------------------- entries

        /** Rights profile of the whole case, drawn once. */
        private int rightsProfile = -1;

        private long rights(int level) {
            if (rightsProfile < 0) {
                double x = r.nextDouble();
                rightsProfile = x < 0.35 ? 0 : x < 0.5 ? 1 : 2;
            }
            boolean xdAllowed = mode != PagingMode.LEGACY2 && nxe;
            return switch (rightsProfile) {
                case 0 -> RW | US;                                         // user page, writable, executable
                case 1 -> RW | (level == pathLength - 1 && chance(0.5) ? 0 : chance(0.3) ? 0 : US);
                default -> (chance(0.8) ? RW : 0) | (chance(0.8) ? US : 0) | (xdAllowed && chance(0.15) ? XD : 0);
            };
        }

        /** Bits every entry may carry without changing the outcome class: PWT, PCD, A, 11:9 (ignored). */
        private long harmlessBits() {
            long b = 0;
            if (chance(0.3)) {
                b |= r.nextLong(4) << 3;         // PWT, PCD
            }
            if (chance(0.5)) {
                b |= 1L << 5;                    // A
            }
            if (chance(0.3)) {
                b |= r.nextLong(8) << 9;         // 11:9
            }
            return b;
        }

        private long tableEntry(long target, int level) {
            if (mode == PagingMode.PAE && level == 0) {
                // PDPTE: only P, PWT/PCD, 11:9 and the address (2:1, 8:5 and 63:M are reserved)
                return target | P | (chance(0.3) ? r.nextLong(4) << 3 : 0) | (chance(0.3) ? r.nextLong(8) << 9 : 0);
            }
            long e = target | P | rights(level) | harmlessBits();
            if (chance(0.2)) {
                e |= 1L << 6;                    // ignored in non-leaf entries
            }
            boolean longMode = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
            if (longMode && chance(0.2)) {
                e |= r.nextLong(1L << 11) << 52; // 62:52 ignored in non-leaf IA-32e entries
            }
            boolean topLevel = longMode && level <= (mode == PagingMode.LONG5 ? 1 : 0);
            if (chance(0.1) && (!topLevel || vendor == Vendor.INTEL)) {
                e |= 1L << 8;                    // ignored (reserved only in AMD PML4E/PML5E)
            }
            return e;
        }

        /** The base of the page the leaf maps. */
        private long leafFrame(long offset) {
            long size = leafBytes(leaf);
            if (aliasing == Aliasing.PAGE_IS_TABLE && !tableBases.isEmpty()) {
                long t = tableBases.get(r.nextInt(tableBases.size())) & ~0xFFFL;
                return t & ~(size - 1);
            }
            int bits = switch (leaf) {
                case SIZE_4M -> Math.min(40, maxPhy);   // PSE-36
                default -> mode == PagingMode.LEGACY2 ? 32 : maxPhy;
            };
            if (chance(0.6)) {
                bits = Math.min(bits, 32);
            }
            long f = r.nextLong(1L << bits) & ~(size - 1);
            if (chance(0.05)) {
                f |= 1L << (bits - 1) & ~(size - 1);
            }
            return f;
        }

        private long leafEntry(long frame, int level) {
            long e = P | rights(level) | harmlessBits();
            if (chance(0.5)) {
                e |= 1L << 6;                    // D
            }
            if (chance(0.3)) {
                e |= 1L << 8;                    // G
            }
            boolean longMode = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
            switch (leaf) {
                case SIZE_4K -> {
                    e |= frame;
                    if (chance(0.2)) {
                        e |= 1L << 7;            // PAT
                    }
                }
                case SIZE_4M -> {
                    e |= (frame & 0xFFC0_0000L) | ((frame >>> 32) << 13) | PS;
                    if (chance(0.2)) {
                        e |= 1L << 12;           // PAT
                    }
                }
                case SIZE_2M, SIZE_1G -> {
                    e |= frame | PS;
                    if (chance(0.2)) {
                        e |= 1L << 12;           // PAT
                    }
                }
            }
            if (longMode) {
                if (chance(0.6)) {
                    e |= (long) leafKey << 59;
                } else {
                    leafKey = 0;
                }
                if (chance(0.2)) {
                    e |= r.nextLong(1L << 7) << 52;   // 58:52 ignored
                }
            } else {
                leafKey = 0;
            }
            return e;
        }

        private boolean looksLikeLeaf(long e, int level) {
            if ((e & P) == 0 || (e & PS) == 0) {
                return false;
            }
            int levels = indexLowBits(mode).length;
            int fromBottom = levels - 1 - level;   // 0 = PT level
            return switch (mode) {
                case LEGACY2 -> fromBottom == 1 && pse;
                case PAE -> fromBottom == 1;
                case LONG4, LONG5 -> fromBottom == 1 || fromBottom == 2;
            };
        }

        private long nextBase(long e) {
            if (mode == PagingMode.LEGACY2) {
                return e & 0xFFFF_F000L;
            }
            return e & ((1L << maxPhy) - 1) & ~0xFFFL;
        }

        private long composeVa(long[] idx, int[] lows, long offset) {
            long va = offset;
            int levels = idx.length;
            for (int k = 0; k < levels; k++) {
                va |= idx[k] << lows[k];
            }
            // For a large leaf, the bits below its level are offset bits; keep the aliasing offset there if any.
            long size = leafBytes(leaf);
            if (leaf != Leaf.SIZE_4K) {
                va = (va & ~(size - 1)) | (aliasing == Aliasing.PAGE_IS_TABLE ? offset : va & (size - 1));
            }
            return switch (mode) {
                case LEGACY2, PAE -> va & 0xFFFF_FFFFL;
                case LONG4 -> (va << 16) >> 16;
                case LONG5 -> (va << 7) >> 7;
            };
        }

        private void fillOtherPdptes(long pdpt, long usedIndex) {
            for (int i = 0; i < 4; i++) {
                long a = pdpt + 8L * i;
                if (i == usedIndex || memory.containsKey(a)) {
                    continue;
                }
                double x = r.nextDouble();
                if (x < 0.5) {
                    continue;                                            // reads 0
                }
                if (x < 0.8) {
                    memory.put(a, frame(maxPhy) | P);                     // valid, unused
                } else {
                    memory.put(a, (r.nextLong() & ~P) & 0x7FFF_FFFF_FFFF_FFFEL);   // P=0 with junk: loads fine
                }
            }
        }

        // -------------------------------------------------------------------------------- mutations

        private long mutate(long va, long root) {
            boolean longMode = mode == PagingMode.LONG4 || mode == PagingMode.LONG5;
            if (chance(0.15)) {
                mutations.add(Mutation.NOT_PRESENT);
                int k = r.nextInt(pathAddresses.size());
                mutatedLevel = k;
                long a = pathAddresses.get(k);
                long junk = chance(0.5) ? r.nextLong() : 0;
                if (mode == PagingMode.LEGACY2) {
                    junk &= 0xFFFF_FFFFL;
                }
                memory.put(a, (memory.getOrDefault(a, 0L) | junk) & ~P);
            }
            if (chance(0.2)) {
                mutations.add(Mutation.RESERVED_CANDIDATE);
                int k = r.nextInt(pathAddresses.size());
                mutatedLevel = k;
                long a = pathAddresses.get(k);
                long bits = reservedCandidate(k);
                if (chance(0.2)) {
                    bits |= reservedCandidate(k);
                }
                memory.put(a, memory.getOrDefault(a, 0L) | bits);
            }
            if (chance(0.12)) {
                mutations.add(Mutation.RIGHTS_FLIP);
                int k = r.nextInt(pathAddresses.size());
                long a = pathAddresses.get(k);
                long e = memory.getOrDefault(a, 0L);
                if (!(mode == PagingMode.PAE && k == 0)) {
                    double x = r.nextDouble();
                    long flip = x < 0.4 ? US : x < 0.8 ? RW : (mode == PagingMode.LEGACY2 ? US : XD);
                    memory.put(a, e ^ flip);
                }
            }
            if (longMode && chance(0.12)) {
                mutations.add(Mutation.NON_CANONICAL);
                int top = mode == PagingMode.LONG4 ? 47 : 56;
                double x = r.nextDouble();
                if (x < 0.5) {
                    va ^= 1L << (top + 1 + r.nextInt(63 - top));   // flip one bit above the sign bit
                } else if (x < 0.75) {
                    va ^= 1L << top;                                 // flip the sign bit only
                } else {
                    va ^= 1L << 63;
                }
            }
            if (mode == PagingMode.PAE && chance(0.12)) {
                mutations.add(Mutation.PDPTE_RESERVED);
                long a = root + 8L * r.nextInt(4);
                int[] reserved = {1, 2, 5, 6, 7, 8, maxPhy, 51, 52, 62, 63};
                long bit = 1L << reserved[r.nextInt(reserved.length)];
                if (maxPhy == 52 && bit == 1L << 51) {
                    bit = 1L << 52;
                }
                long e = memory.getOrDefault(a, 0L) | bit;
                if (chance(0.8)) {
                    e |= P;   // reserved bits matter only with P=1
                }
                memory.put(a, e);
            }
            if (chance(0.25)) {
                mutations.add(Mutation.NOISE);
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    long base = tableBases.isEmpty() || chance(0.3) ? frame(tableAddressBits())
                            : tableBases.get(r.nextInt(tableBases.size())) & ~0xFFFL;
                    long a = base + (long) r.nextInt(4096 / entryBytes) * entryBytes;
                    if (memory.containsKey(a) || (mode == PagingMode.PAE && (a & ~0x1FL) == (root & ~0x1FL))) {
                        continue;
                    }
                    double x = r.nextDouble();
                    long v = x < 0.3 ? frame(tableAddressBits()) | P | RW | US
                            : x < 0.6 && !tableBases.isEmpty()
                                    ? (tableBases.get(r.nextInt(tableBases.size())) & ~0xFFFL) | P | RW | US
                                    : r.nextLong();   // another slot pointing at one of the path's tables, or junk
                    if (mode == PagingMode.LEGACY2) {
                        v &= 0xFFFF_FFFFL;
                    }
                    memory.put(a, v);
                }
            }
            return va;
        }

        /**
         * A bit near or inside a §1.1b reserved range for this level: some are reserved, some are their
         * neighbours (address, PAT, ignored bits), so both outcomes occur.
         */
        private long reservedCandidate(int level) {
            int bit;
            boolean last = level == pathLength - 1;
            switch (mode) {
                case LEGACY2 -> {
                    int[] c = last && leaf == Leaf.SIZE_4M ? new int[] {12, 13, 16, 17, 18, 19, 20, 21}
                            : new int[] {7, 7, 12, 13, 21, 31};
                    bit = c[r.nextInt(c.length)];
                }
                case PAE -> {
                    int[] c = {maxPhy - 1, maxPhy, Math.min(62, maxPhy + 1), 51, 52, 58, 62, 63, 7, 8, 12, 13, 20,
                        21};
                    bit = c[r.nextInt(c.length)];
                }
                default -> {
                    int[] c = {maxPhy - 1, maxPhy, Math.min(51, maxPhy + 1), 51, 52, 58, 59, 62, 63, 7, 8, 12, 13, 20,
                        21, 29, 30};
                    bit = c[r.nextInt(c.length)];
                    if (chance(0.2) && maxPhy < 51) {
                        bit = maxPhy + r.nextInt(52 - maxPhy);
                    }
                }
            }
            return 1L << bit;
        }
    }
}
