package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vendor;
import xpf.sim.x86.PageWalker.Status;
import xpf.sim.x86.PageWalker.Walk;
import xpf.sim.x86.PageWalker.WalkState;
import xpf.sim.x86.fixtures.PagingFixture;

/**
 * {@link PageWalker} on its own (x86-paging.md §1.1a/§1.1b, SDM vol. 3 §4.4-§4.5): what a walk reports (entries
 * read, their kinds, the leaf, the rights, where rights start), in both its forms, and that one reusable
 * {@link WalkState} follows a change of CPU or controls. The per-configuration tables are rebuilt for every test
 * ({@link WalkTablesCache}).
 */
class PageWalkerTest {
    static final long VA = 0x0000_7F12_3456_7ABCL;
    static final long URW = PagingFixture.USER_RW;

    @BeforeEach
    void freshTables() {
        WalkTablesCache.clear();
    }

    private static long[] pdptes(PagingFixture f) {
        return new long[] {f.mem.readWord(f.root), f.mem.readWord(f.root + 8), f.mem.readWord(f.root + 16),
            f.mem.readWord(f.root + 24)};
    }

    @Test
    @DisplayName("1.1a long4 4K walk: four entries PML4E..PTE, the leaf, PA, 4 KiB, rights from every level")
    void long4Walk() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long leaf = f.map(VA, 0xA_BCDE_F000L, EntryLevel.PTE, EntryBits.P | EntryBits.US | EntryBits.G,
                PagingFixture.UPPER);
        Walk w = PageWalker.walk(f.mem, f.cpu, f.controls(), null, VA, null);
        assertThat(w.status()).isEqualTo(Status.TRANSLATED);
        assertThat(w.count()).isEqualTo(4);
        assertThat(w.slots()).containsExactly(f.slot(VA, EntryLevel.PML4E), f.slot(VA, EntryLevel.PDPTE),
                f.slot(VA, EntryLevel.PDE), leaf);
        assertThat(w.levels()).containsExactly(EntryLevel.PML4E, EntryLevel.PDPTE, EntryLevel.PDE, EntryLevel.PTE);
        assertThat(w.leafSlot()).isEqualTo(leaf);
        assertThat(w.leafValue()).isEqualTo(f.get(VA, EntryLevel.PTE));
        assertThat(w.leafLevel()).isEqualTo(EntryLevel.PTE);
        assertThat(w.values()[0]).isEqualTo(f.get(VA, EntryLevel.PML4E));
        assertThat(w.rightsFrom()).isZero();
        assertThat(w.errorBits()).isZero();
        assertThat(w.pa()).isEqualTo(0xA_BCDE_FABCL);
        assertThat(w.pageSize()).isEqualTo(0x1000);
        assertThat(w.rights()).isEqualTo(new AccessRights.Effective(true, false, false, 0));
        assertThat(w.global()).isTrue();
    }

    @Test
    @DisplayName("1.1a long4 2M walk stops at the PDE leaf")
    void long4LargeLeaf() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long pde = f.map(VA, 0x1_2340_0000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        Walk w = PageWalker.walk(f.mem, f.cpu, f.controls(), null, VA, null);
        assertThat(w.count()).isEqualTo(3);
        assertThat(w.leafSlot()).isEqualTo(pde);
        assertThat(w.leafLevel()).isEqualTo(EntryLevel.PDE);
        assertThat(w.pageSize()).isEqualTo(0x20_0000);
        assertThat(w.pa()).isEqualTo(0x1_2340_0000L | (VA & 0x1F_FFFFL));
        assertThat(w.global()).isFalse();
    }

    @Test
    @DisplayName("1.1a pae: the PDPTE comes from the registers (memory ignored), is listed first, gives no rights")
    void paeWalk() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        long va = 0xC040_1234L;
        long leaf = f.map4k(va, 0x7000);
        long[] regs = pdptes(f);
        f.mem.writeWord(f.root + 3 * 8, 0); // MOV CR3 loaded the registers; later memory writes do not count
        Walk w = PageWalker.walk(f.mem, f.cpu, f.controls(), regs, va, null);
        assertThat(w.status()).isEqualTo(Status.TRANSLATED);
        assertThat(w.levels()).containsExactly(EntryLevel.PDPTE, EntryLevel.PDE, EntryLevel.PTE);
        assertThat(w.slots()[0]).isEqualTo(f.root + 3 * 8);
        assertThat(w.leafSlot()).isEqualTo(leaf);
        assertThat(w.rightsFrom()).as("rights and A start after the PDPTE").isEqualTo(1);
        assertThat(w.pa()).isEqualTo(0x7234);
    }

    @Test
    @DisplayName("1.1a/1.1b a walk that ends at P=0 or at a reserved bit reports the entries read up to there")
    void failedWalks() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        f.clearBits(VA, EntryLevel.PDE, EntryBits.P);
        Walk np = PageWalker.walk(f.mem, f.cpu, f.controls(), null, VA, null);
        assertThat(np.status()).isEqualTo(Status.NOT_PRESENT);
        assertThat(np.count()).isEqualTo(3);
        assertThat(np.leafSlot()).isEqualTo(f.slot(VA, EntryLevel.PDE));
        assertThat(np.leafLevel()).isEqualTo(EntryLevel.PDE);
        assertThat(np.errorBits()).isZero();
        assertThat(np.rights()).isNull();

        f.setBits(VA, EntryLevel.PDE, EntryBits.P | (1L << 45));
        WalkState s = new WalkState();
        assertThat(PageWalker.walk(s, f.mem, f.cpu, f.controls(), null, VA, null)).isEqualTo(Status.RESERVED);
        assertThat(s.status()).isEqualTo(Status.RESERVED);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.errorBits()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
        assertThat(s.slot(2)).isEqualTo(f.slot(VA, EntryLevel.PDE));
        assertThat(s.value(2)).isEqualTo(f.get(VA, EntryLevel.PDE));
        Walk r = s.toWalk();
        assertThat(r.errorBits()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
        assertThat(r.levels()).containsExactly(EntryLevel.PML4E, EntryLevel.PDPTE, EntryLevel.PDE);
    }

    @Test
    @DisplayName("the allocation-free walk reports the same as the immutable one")
    void walkStateAccessors() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        long va = 0x0040_1234L;
        f.map(va, 0x1_2360_0000L, EntryLevel.PDE, URW, PagingFixture.UPPER);
        WalkState s = new WalkState();
        assertThat(PageWalker.walk(s, f.mem, f.cpu, f.controls(), pdptes(f), va, null)).isEqualTo(Status.TRANSLATED);
        assertThat(s.status()).isEqualTo(Status.TRANSLATED);
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.rightsFrom()).isEqualTo(1);
        assertThat(s.errorBits()).isZero();
        assertThat(s.pa()).isEqualTo(0x1_2360_1234L);
        assertThat(s.pageSize()).isEqualTo(0x20_0000);
        assertThat(s.slot(1)).isEqualTo(f.slot(va, EntryLevel.PDE));
        assertThat(s.value(1)).isEqualTo(f.get(va, EntryLevel.PDE));
        assertThat(s.slotsCopy()).containsExactly(f.root, f.slot(va, EntryLevel.PDE));
    }

    @Test
    @DisplayName("1.1h a walk started by a paging-structure cache reads from that level, with the cached rights")
    void startFromCache() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long leaf = f.map4k(VA, 0x7000);
        long pt = f.get(VA, EntryLevel.PDE) & ~0xFFFL;
        Walk w = PageWalker.walk(f.mem, f.cpu, f.controls(), null, VA,
                new PageWalker.Start(3, pt, false, true, true));
        assertThat(w.levels()).containsExactly(EntryLevel.PTE);
        assertThat(w.slots()).containsExactly(leaf);
        assertThat(w.rights()).isEqualTo(new AccessRights.Effective(false, true, true, 0));
    }

    @Test
    @DisplayName("1.1a long4 4K frame: bits M-1:12 only (bits 58:52 of a PTE are ignored, SDM Table 4-19)")
    void ignoredHighBitsNotInFrame() {
        PagingFixture f = new PagingFixture(PagingMode.LONG4, new CpuConfig(Vendor.INTEL, 52, true));
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PTE, 0xFL << 52);
        assertThat(PageWalker.walk(f.mem, f.cpu, f.controls(), null, VA, null).pa()).isEqualTo(0x7ABCL);
    }

    @Test
    @DisplayName("1.1b one WalkState follows a change of MAXPHYADDR: bit 40 is an address bit at M=52, reserved at 40")
    void walkStateFollowsCpu() {
        PagingFixture f = new PagingFixture(PagingMode.LONG4, new CpuConfig(Vendor.INTEL, 52, true));
        f.map4k(VA, 0x100_0000_7000L);
        WalkState s = new WalkState();
        CpuConfig wide = new CpuConfig(Vendor.INTEL, 52, true);
        CpuConfig narrow = new CpuConfig(Vendor.INTEL, 40, true);
        assertThat(PageWalker.walk(s, f.mem, wide, f.controls(), null, VA, null)).isEqualTo(Status.TRANSLATED);
        assertThat(s.pa()).isEqualTo(0x100_0000_7ABCL);
        assertThat(PageWalker.walk(s, f.mem, narrow, f.controls(), null, VA, null)).isEqualTo(Status.RESERVED);
        assertThat(PageWalker.walk(s, f.mem, new CpuConfig(Vendor.INTEL, 52, true), f.controls(), null, VA, null))
                .isEqualTo(Status.TRANSLATED);
    }

    @Test
    @DisplayName("1.1b one WalkState follows EFER.NXE: bit 63 reserved with NXE=0, XD with NXE=1")
    void walkStateFollowsNxe() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        f.setBits(VA, EntryLevel.PTE, EntryBits.XD);
        WalkState s = new WalkState();
        assertThat(PageWalker.walk(s, f.mem, f.cpu, f.controls(), null, VA, null)).isEqualTo(Status.RESERVED);
        assertThat(PageWalker.walk(s, f.mem, f.cpu, f.controls().withNxe(true), null, VA, null))
                .isEqualTo(Status.TRANSLATED);
        assertThat(s.toWalk().rights().executeDisable()).isTrue();
        assertThat(PageWalker.walk(s, f.mem, f.cpu, f.controls(), null, VA, null)).isEqualTo(Status.RESERVED);
    }

    @Test
    @DisplayName("1.1a one WalkState follows CR4.PSE in 32-bit paging: PDE.PS maps 4 MiB only with PSE=1")
    void walkStateFollowsPse() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        long va = 0x0040_1234L;
        f.map4k(va, 0x7000);
        f.setBits(va, EntryLevel.PDE, EntryBits.PS);
        WalkState s = new WalkState();
        PageWalker.walk(s, f.mem, f.cpu, f.controls(), null, va, null);
        assertThat(s.pageSize()).as("PSE=0: PS ignored").isEqualTo(0x1000);
        PageWalker.walk(s, f.mem, f.cpu, f.controls().withPse(true), null, va, null);
        assertThat(s.pageSize()).as("PSE=1: 4 MiB leaf").isEqualTo(0x40_0000);
        PageWalker.walk(s, f.mem, f.cpu, f.controls(), null, va, null);
        assertThat(s.pageSize()).isEqualTo(0x1000);
    }

    @Test
    @DisplayName("1.1a one WalkState follows a paging-mode change (LONG4 tables read as PAE)")
    void walkStateFollowsMode() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long va = 0x0040_1234L;
        f.map4k(va, 0x7000);
        WalkState s = new WalkState();
        PageWalker.walk(s, f.mem, f.cpu, f.controls(), null, va, null);
        assertThat(s.count()).isEqualTo(4);
        // PAE reuses the 4-level page directory: PDPTE register 0 points at it (VA bits 29:12 index PD and PT alike).
        long[] regs = {f.get(va, EntryLevel.PDPTE) & ~0xFFFL | EntryBits.P, 0, 0, 0};
        PageWalker.walk(s, f.mem, f.cpu, f.controls().withMode(PagingMode.PAE), regs, va, null);
        assertThat(s.count()).as("PDPTE register, PDE, PTE").isEqualTo(3);
        assertThat(s.rightsFrom()).isEqualTo(1);
        assertThat(s.pa()).isEqualTo(0x7234);
    }

    @Test
    @DisplayName("every CPU at the ends of the configuration space walks with its own tables")
    void configurationSpaceEnds() {
        for (CpuConfig cpu : new CpuConfig[] {new CpuConfig(Vendor.INTEL, 36, true), new CpuConfig(Vendor.AMD, 36,
            false), new CpuConfig(Vendor.AMD, 52, true), new CpuConfig(Vendor.INTEL, 52, false)}) {
            for (PagingMode mode : PagingMode.values()) {
                PagingFixture f = new PagingFixture(mode, cpu);
                long va = 0x0040_1234L;
                f.map4k(va, 0x7000);
                PagingControls c = f.controls().withNxe(true).withPse(true);
                long[] regs = mode == PagingMode.PAE ? pdptes(f) : null;
                Walk w = PageWalker.walk(f.mem, cpu, c, regs, va, null);
                assertThat(w.pa()).as("%s %s", cpu, mode).isEqualTo(0x7234);
                f.setBits(va, EntryLevel.PTE, 1L << 36);
                Walk r = PageWalker.walk(f.mem, cpu, c, regs, va, null);
                if (mode == PagingMode.LEGACY2) {
                    assertThat(r.pa()).as("%s: 4-byte PTE, bit 36 does not exist", mode).isEqualTo(0x7234);
                } else {
                    assertThat(r.status()).as("%s %s: bit 36 is reserved iff M = 36", cpu, mode)
                            .isEqualTo(cpu.maxPhyAddr() == 36 ? Status.RESERVED : Status.TRANSLATED);
                }
            }
        }
    }

    @Test
    @DisplayName("1.1a the walk's status reaches the MMU result (walkStatus) for each way a walk ends")
    void mmuReportsWalkStatus() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        assertThat(f.mmu().translate(Access.read(VA, 3)).walkStatus()).isEqualTo(Status.TRANSLATED);
        f.setBits(VA, EntryLevel.PTE, 1L << 45);
        assertThat(f.mmu().translate(Access.read(VA, 3)).walkStatus()).isEqualTo(Status.RESERVED);
        f.clearBits(VA, EntryLevel.PTE, EntryBits.P);
        assertThat(f.mmu().translate(Access.read(VA, 3)).walkStatus()).isEqualTo(Status.NOT_PRESENT);
    }

    /**
     * Every configuration gets the tables of its own rules: walked one after the other in a single JVM-wide cache
     * (cleared once), 16 CPUs x 4 modes x NXE x PSE each show the rules of their own configuration, so no two
     * configurations may share one set of tables. What each probe expects comes from §1.1a/§1.1b, not from the tables.
     */
    @Test
    @DisplayName("1.1a/1.1b every configuration walks with the rules of its own CPU, mode, NXE and PSE")
    void everyConfigurationHasItsOwnTables() {
        long va = 0x0040_1234L;
        for (Vendor v : Vendor.values()) {
            for (int m : new int[] {36, 37, 38, 52}) {
                for (boolean gb : new boolean[] {false, true}) {
                    CpuConfig cpu = new CpuConfig(v, m, gb);
                    for (PagingMode mode : PagingMode.values()) {
                        for (boolean nxe : new boolean[] {false, true}) {
                            for (boolean pse : new boolean[] {false, true}) {
                                probe(cpu, mode, nxe, pse, va);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void probe(CpuConfig cpu, PagingMode mode, boolean nxe, boolean pse, long va) {
        String what = cpu + " " + mode + " nxe=" + nxe + " pse=" + pse;
        PagingFixture f = new PagingFixture(mode, cpu);
        f.map4k(va, 0x7000);
        PagingControls c = f.controls().withNxe(nxe).withPse(pse);
        long[] regs = mode == PagingMode.PAE ? pdptes(f) : null;
        assertThat(PageWalker.walk(f.mem, cpu, c, regs, va, null).pa()).as(what).isEqualTo(0x7234);
        if (mode == PagingMode.LEGACY2) {
            // §1.1a: with CR4.PSE=1 a PDE with PS=1 maps 4 MiB; with PSE=0 PS is ignored.
            // The PDE names frame 0x400000 both as a 4 MiB page and as a page table (whose entry 1 maps 0x7000).
            f.set(va, EntryLevel.PDE, 0x40_0000L | PagingFixture.USER_RW | EntryBits.PS);
            f.mem.write(0x40_0000L + 4, 4, 0x7000 | PagingFixture.USER_RW);
            assertThat(PageWalker.walk(f.mem, cpu, c, null, va, null).pa()).as(what)
                    .isEqualTo(pse ? 0x40_1234L : 0x7234L);
            return;
        }
        // §1.1b: bits 62:M (PAE) / 51:M (IA-32e) are reserved; bit 63 unless EFER.NXE=1.
        for (int bit : new int[] {36, 37, 38}) {
            long pte = f.get(va, EntryLevel.PTE);
            f.setBits(va, EntryLevel.PTE, 1L << bit);
            assertThat(PageWalker.walk(f.mem, cpu, c, regs, va, null).status()).as("%s bit %d", what, bit)
                    .isEqualTo(bit >= cpu.maxPhyAddr() ? Status.RESERVED : Status.TRANSLATED);
            f.set(va, EntryLevel.PTE, pte);
        }
        f.setBits(va, EntryLevel.PTE, EntryBits.XD);
        assertThat(PageWalker.walk(f.mem, cpu, c, regs, va, null).status()).as("%s XD", what)
                .isEqualTo(nxe ? Status.TRANSLATED : Status.RESERVED);
        f.clearBits(va, EntryLevel.PTE, EntryBits.XD);
        if (mode == PagingMode.PAE) {
            return;
        }
        // IA-32e: bit 8 of a PML4E is reserved on AMD only; a PDPTE with PS=1 maps 1 GiB only with Page1GB.
        f.setBits(va, EntryLevel.PML4E, EntryBits.G);
        assertThat(PageWalker.walk(f.mem, cpu, c, null, va, null).status()).as("%s PML4E.G", what)
                .isEqualTo(cpu.vendor() == Vendor.AMD ? Status.RESERVED : Status.TRANSLATED);
        f.clearBits(va, EntryLevel.PML4E, EntryBits.G);
        f.set(va, EntryLevel.PDPTE, 0x4000_0000L | EntryBits.P | EntryBits.PS);
        Walk gig = PageWalker.walk(f.mem, cpu, c, null, va, null);
        assertThat(gig.status()).as("%s 1G", what).isEqualTo(cpu.page1gb() ? Status.TRANSLATED : Status.RESERVED);
        if (cpu.page1gb()) {
            assertThat(gig.pa()).as(what).isEqualTo(0x4000_0000L | va);
        }
    }
}
