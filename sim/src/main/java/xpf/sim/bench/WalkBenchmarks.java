package xpf.sim.bench;

import java.util.List;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.Vendor;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.Mmu;
import xpf.sim.x86.PageWalker;
import xpf.sim.x86.PhysicalMemory;

/**
 * Walk throughput on the 4-level, 4 KiB case (issue "Foundation" §5): a cold walk (TLB and paging-structure caches
 * empty, every entry read from memory; A bits already set so no A/D write) and a warm TLB hit, over 512 pages of one
 * page table, one thread.
 */
public final class WalkBenchmarks implements Benchmark {
    static final int PAGES = 512;
    static final long BASE_VA = 0x0000_0040_0000_0000L;

    @Override
    public String name() {
        return "walk";
    }

    /** A 4-level hierarchy mapping {@link #PAGES} consecutive 4 KiB pages at {@link #BASE_VA}, all A bits set. */
    public static Mmu fourLevelMmu() {
        PhysicalMemory mem = new PhysicalMemory();
        long pml4 = 0x100000, pdpt = 0x101000, pd = 0x102000, pt = 0x103000;
        long upper = EntryBits.P | EntryBits.RW | EntryBits.US | EntryBits.A;
        mem.writeWord(pml4 + ((BASE_VA >>> 39) & 511) * 8, pdpt | upper);
        mem.writeWord(pdpt + ((BASE_VA >>> 30) & 511) * 8, pd | upper);
        mem.writeWord(pd + ((BASE_VA >>> 21) & 511) * 8, pt | upper);
        for (int i = 0; i < PAGES; i++) {
            mem.writeWord(pt + i * 8L, (0x200000L + i * 0x1000L) | upper);
        }
        return new Mmu(new CpuConfig(Vendor.INTEL, 40, true), mem, PagingControls.long4(pml4).withWp(true));
    }

    /** Cold walks: flush, then translate; returns a checksum of the physical addresses. */
    public static long coldWalks(Mmu mmu, long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            mmu.flushAll();
            Mmu.Result r = mmu.translate(new Access(BASE_VA + ((i & (PAGES - 1)) << 12), AccessKind.READ, 3,
                    false, false));
            sum += r.pa();
        }
        return sum;
    }

    /**
     * Raw walks: the page walker alone (no TLB, no rights check, no A/D), into one reused {@link
     * PageWalker.WalkState} as the MMU does: every entry is read from memory and checked against the §1.1b masks.
     */
    public static long rawWalks(Mmu mmu, long n) {
        long sum = 0;
        long[] pdpte = mmu.pdpteRegisters();
        PageWalker.WalkState w = new PageWalker.WalkState();
        PhysicalMemory mem = mmu.memory();
        for (long i = 0; i < n; i++) {
            PageWalker.walk(w, mem, mmu.cpu(), mmu.controls(), pdpte, BASE_VA + ((i & (PAGES - 1)) << 12), null);
            sum += w.pa();
        }
        return sum;
    }

    /** Warm TLB hits. */
    public static long warmWalks(Mmu mmu, long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            Mmu.Result r = mmu.translate(new Access(BASE_VA + ((i & (PAGES - 1)) << 12), AccessKind.READ, 3,
                    false, false));
            sum += r.pa();
        }
        return sum;
    }

    @Override
    public List<BenchFigure> run(double seconds) {
        Mmu cold = fourLevelMmu();
        double coldRate = Measure.opsPerSecond(n -> coldWalks(cold, n), seconds);
        Mmu raw = fourLevelMmu();
        double rawRate = Measure.opsPerSecond(n -> rawWalks(raw, n), seconds);
        Mmu warm = fourLevelMmu();
        warmWalks(warm, PAGES);
        double warmRate = Measure.opsPerSecond(n -> warmWalks(warm, n), seconds);
        return List.of(
                new BenchFigure("walks_per_s", rawRate, "walks/s", 20e6,
                        "raw cold 4-level 4 KiB walk (the page walker alone: 4 entries read), one thread"),
                new BenchFigure("mmu_cold_walks_per_s", coldRate, "walks/s", 0,
                        "4-level 4 KiB access with TLB and paging-structure caches flushed before each: walk, rights, "
                                + "cache refill"),
                new BenchFigure("tlb_hits_per_s", warmRate, "accesses/s", 0,
                        "4-level 4 KiB access hitting the TLB, one thread"));
    }
}
