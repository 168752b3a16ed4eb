package xpf.sim.xen.mm.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vendor;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.xen.mm.PagingProfile;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;

/**
 * {@link GuestWalker.UpperLevels}: walks that reuse the upper levels of the previous walk give exactly what full
 * walks give (results, p2m side effects, memory), on random guest tables with odd p2m types, reserved bits,
 * superpages, every paging mode and random sequences of mostly neighbouring pages.
 */
class UpperLevelsTest {

    private static final long TABLES = 0x100;
    private static final int NTABLES = 12;
    private static final P2mType[] ODD = {P2mType.POPULATE_ON_DEMAND, P2mType.RAM_SHARED, P2mType.RAM_PAGED,
        P2mType.RAM_PAGING_OUT, P2mType.MMIO_DM, P2mType.RAM_RO, P2mType.RAM_LOGDIRTY, P2mType.INVALID};

    /** One guest: memory, p2m (with a deterministic frame allocator) and the walk context, built from a seed. */
    private static final class World {
        final PhysicalMemory mem = new PhysicalMemory();
        long nextFrame = 0x90000;
        final P2m p2m = new P2m(mem, () -> nextFrame++);
        final Set<String> bugs = new HashSet<>();
        final GuestWalker.WalkContext ctx;

        World(long seed) {
            Random r = new Random(seed);
            PagingMode mode = PagingMode.values()[r.nextInt(4)];
            boolean shadow = r.nextBoolean();
            for (long g = TABLES; g < TABLES + 0x40; g++) {
                P2mType t = r.nextInt(8) == 0 ? ODD[r.nextInt(ODD.length)] : P2mType.RAM_RW;
                long mfn = t == P2mType.MMIO_DM || t == P2mType.INVALID || t == P2mType.POPULATE_ON_DEMAND
                        ? P2mEntry.INVALID_MFN : 0x10000 + g;
                p2m.set(new P2mEntry(g, mfn, t, null));
            }
            int width = mode.entryBytes();
            for (long g = TABLES; g < TABLES + NTABLES; g++) {
                for (int i = 0; i < 4096 / width; i++) {
                    long e = entry(r, mode);
                    long pa = ((0x10000 + g) << 12) + (long) i * width;
                    mem.write(pa, width, width == 4 ? e & 0xFFFFFFFFL : e);
                }
            }
            long[] pdpte = new long[4];
            for (int i = 0; i < 4; i++) {
                pdpte[i] = ((TABLES + r.nextInt(NTABLES)) << 12) | (r.nextInt(10) == 0 ? 0 : EntryBits.P);
            }
            if (r.nextInt(4) == 0) {
                bugs.add(List.of("xsa-176", "rsvd-on-not-present", "id-without-nxe", "pfec-implicit-leak")
                        .get(r.nextInt(4)));
            }
            PagingControls c = new PagingControls(mode, r.nextBoolean(), r.nextBoolean(), false, r.nextBoolean(),
                    r.nextBoolean(), false, false, r.nextBoolean(), r.nextBoolean(), 0, 0,
                    (TABLES + r.nextInt(NTABLES)) << 12);
            PagingProfile prof = r.nextBoolean() ? GuestWalkTablesTest.MODERN : GuestWalkTablesTest.OLD;
            if (r.nextBoolean()) {
                prof = prof.translateOnly();
            }
            ctx = new GuestWalker.WalkContext(mode, c, pdpte, new CpuConfig(Vendor.INTEL, 36 + r.nextInt(13),
                    r.nextBoolean()), shadow, r.nextBoolean(), prof, bugs::contains);
        }

        /** A random entry pointing at one of the tables (mostly present, sometimes large, A/D, NX, reserved). */
        private static long entry(Random r, PagingMode mode) {
            long e = (TABLES + r.nextInt(r.nextInt(6) == 0 ? 0x40 : NTABLES)) << 12;
            e |= r.nextInt(12) == 0 ? 0 : EntryBits.P;
            e |= r.nextInt(4) == 0 ? 0 : EntryBits.RW;
            e |= r.nextInt(4) == 0 ? 0 : EntryBits.US;
            e |= r.nextBoolean() ? EntryBits.A : 0;
            e |= r.nextBoolean() ? EntryBits.D : 0;
            e |= r.nextInt(8) == 0 ? EntryBits.PS : 0;
            if (mode != PagingMode.LEGACY2) {
                e |= r.nextInt(6) == 0 ? EntryBits.XD : 0;
                e |= r.nextInt(20) == 0 ? 1L << 50 : 0; // reserved above MAXPHYADDR
            }
            return e;
        }

        /** The tables and every frame the p2m allocated since (populated or unshared copies). */
        List<Long> memory() {
            List<Long> out = new ArrayList<>();
            for (long g = TABLES; g < TABLES + NTABLES; g++) {
                for (int i = 0; i < 512; i++) {
                    out.add(mem.readWord(((0x10000 + g) << 12) + i * 8L));
                }
            }
            for (long f = 0x90000; f < nextFrame; f++) {
                for (int i = 0; i < 512; i++) {
                    out.add(mem.readWord((f << 12) + i * 8L));
                }
            }
            return out;
        }
    }

    @Test
    @DisplayName("walks reusing the upper levels equal full walks: results, p2m and memory (random tables)")
    void reuseEqualsFullWalks() {
        int reused = 0;
        for (long seed = 0; seed < 250; seed++) {
            World full = new World(seed);
            World cached = new World(seed);
            GuestWalker.UpperLevels upper = new GuestWalker.UpperLevels();
            Random r = new Random(seed * 31 + 7);
            long vpn = r.nextLong() >>> 28;
            int walk = r.nextInt(4) == 0 ? PfErrorCode.W | PfErrorCode.U : 0;
            List<GuestWalk> a = new ArrayList<>();
            List<GuestWalk> b = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int pick = r.nextInt(20);
                if (pick == 0) {
                    vpn = r.nextLong() >>> 28; // elsewhere
                } else if (pick == 1) {
                    walk = r.nextBoolean() ? PfErrorCode.I : 0; // other flags: no reuse
                } else {
                    vpn++;
                }
                GuestWalk x = GuestWalker.guestWalkTables(full.ctx, full.p2m, full.mem, vpn << 12, walk, false);
                boolean hit = upper.matches(cached.ctx, walk & (PfErrorCode.I | PfErrorCode.U | PfErrorCode.W
                        | PfErrorCode.XEN_IMPLICIT), key(cached.ctx.mode(), vpn << 12));
                GuestWalk y = GuestWalker.guestWalkTables(cached.ctx, cached.p2m, cached.mem, vpn << 12, walk, false,
                        upper);
                reused += hit ? 1 : 0;
                a.add(x);
                b.add(y);
            }
            assertThat(b).as("seed %d", seed).isEqualTo(a);
            assertThat(cached.p2m.entries()).as("seed %d p2m", seed).isEqualTo(full.p2m.entries());
            assertThat(cached.memory()).as("seed %d memory", seed).isEqualTo(full.memory());
        }
        assertThat(reused).as("walks that reused upper levels").isGreaterThan(5_000);
    }

    @Test
    @DisplayName("a walk with A/D updates neither uses nor records the upper levels")
    void setAdBypasses() {
        World w = new World(3);
        GuestWalker.UpperLevels upper = new GuestWalker.UpperLevels();
        for (long vpn = 0; vpn < 64; vpn++) {
            GuestWalker.guestWalkTables(w.ctx, w.p2m, w.mem, vpn << 12, 0, true, upper);
            assertThat(upper.matches(w.ctx, 0, key(w.ctx.mode(), vpn << 12))).isFalse();
        }
    }

    private static long key(PagingMode mode, long va) {
        long la = mode == PagingMode.LONG4 || mode == PagingMode.LONG5 ? va : va & 0xFFFFFFFFL;
        return la >>> (mode == PagingMode.LEGACY2 ? 22 : 21);
    }
}
