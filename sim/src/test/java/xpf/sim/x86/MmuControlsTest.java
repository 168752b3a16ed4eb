package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.x86.fixtures.PagingFixture;

/**
 * {@link Mmu}'s control-register side effects (x86-paging.md §1.1b/§1.1f; SDM vol. 3 §4.4.1 "PDPTE Registers",
 * §4.10.4.1 "Operations that Invalidate TLBs and Paging-Structure Caches") and the details of its result.
 */
class MmuControlsTest {
    static final long VA = 0x0040_1234L;
    static final long NEW_PDPTE0 = 0x0000_0000_0005_5000L | EntryBits.P;

    /** A PAE vCPU whose PDPT in memory is rewritten after the registers were loaded (PDPTE 0 now NEW_PDPTE0). */
    private static Mmu paeWithChangedPdpt(PagingFixture f) {
        f.map4k(VA, 0x7000);
        Mmu m = f.mmu();
        f.mem.writeWord(f.root, NEW_PDPTE0);
        return m;
    }

    private static boolean reloads(UnaryOperator<PagingControls> change) {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        Mmu m = paeWithChangedPdpt(f);
        long before = m.pdpteRegisters()[0];
        assertThat(m.setControls(change.apply(m.controls()))).isEqualTo(-1);
        long after = m.pdpteRegisters()[0];
        assertThat(after).isIn(before, NEW_PDPTE0);
        return after == NEW_PDPTE0;
    }

    @Test
    @DisplayName("SDM §4.4.1: with PAE paging, MOV to CR4 changing PGE, PSE or SMEP reloads the PDPTE registers")
    void cr4WritesThatReload() {
        assertThat(reloads(c -> c.withPge(!c.cr4Pge()))).as("PGE").isTrue();
        assertThat(reloads(c -> c.withPse(!c.cr4Pse()))).as("PSE").isTrue();
        assertThat(reloads(c -> c.withSmep(!c.cr4Smep()))).as("SMEP").isTrue();
    }

    @Test
    @DisplayName("SDM §4.4.1: writes that change none of those bits (WP, SMAP, NXE, the same values) keep the registers")
    void writesThatKeep() {
        assertThat(reloads(c -> c.withWp(!c.cr0Wp()))).as("WP").isFalse();
        assertThat(reloads(c -> c.withSmap(true))).as("SMAP").isFalse();
        assertThat(reloads(c -> c.withNxe(true))).as("NXE").isFalse();
        assertThat(reloads(c -> c)).as("same values").isFalse();
    }

    @Test
    @DisplayName("SDM §4.4.1: a reload that meets a reserved bit in a present PDPTE is #GP(0) and changes nothing")
    void failedReloadChangesNothing() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        Mmu m = paeWithChangedPdpt(f);
        f.mem.writeWord(f.root + 8, 0x6000 | EntryBits.P | EntryBits.RW); // bit 1 is reserved in a PDPTE
        PagingControls before = m.controls();
        long[] regs = m.pdpteRegisters();
        assertThat(m.setControls(before.withPge(true))).isEqualTo(Vectors.GP);
        assertThat(m.controls()).isEqualTo(before);
        assertThat(m.pdpteRegisters()).containsExactly(regs);
        assertThat(m.setControls(before.withWp(true))).as("no reload, no check").isEqualTo(-1);
    }

    @Test
    @DisplayName("pdpteValid: false while a loaded present PDPTE has a reserved bit; always true outside PAE")
    void pdpteValid() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        assertThat(f.mmu().pdpteValid()).isTrue();
        f.mem.writeWord(f.root + 16, 0x6000 | EntryBits.P | (1L << 6)); // bit 6 reserved
        assertThat(f.mmu().pdpteValid()).isFalse();
        f.mem.writeWord(f.root + 16, 0x6000 | (1L << 6)); // not present: not checked
        assertThat(f.mmu().pdpteValid()).isTrue();
        PagingFixture l4 = PagingFixture.of(PagingMode.LONG4);
        l4.mem.writeWord(l4.root, 0x6000 | EntryBits.P | (1L << 6));
        assertThat(l4.mmu().pdpteValid()).isTrue();
    }

    @Test
    @DisplayName("reset to a non-PAE mode leaves the PDPTE registers zero, as a fresh vCPU has them")
    void resetClearsPdpteRegisters() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        Mmu m = f.mmu();
        assertThat(m.pdpteRegisters()[0]).isNotZero();
        PagingControls long4 = f.controls().withMode(PagingMode.LONG4);
        m.reset(long4);
        assertThat(m.pdpteRegisters()).containsExactly(new Mmu(f.cpu, f.mem, long4).pdpteRegisters());
        assertThat(m.pdpteRegisters()).containsOnly(0L);
    }

    @Test
    @DisplayName("§1.1f a change of SMEP, PSE or EFER.NXE flushes the TLB and paging-structure caches; WP or SMAP does not")
    void tlbFlushes() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        for (UnaryOperator<PagingControls> flush : java.util.List.<UnaryOperator<PagingControls>>of(
                c -> c.withSmep(true), c -> c.withPse(true), c -> c.withNxe(true))) {
            Mmu m = f.mmu();
            m.translate(Access.read(VA, 3));
            m.setControls(flush.apply(m.controls()));
            assertThat(m.tlb().size()).isZero();
            assertThat(m.pagingStructureCache().size()).isZero();
        }
        for (UnaryOperator<PagingControls> keep : java.util.List.<UnaryOperator<PagingControls>>of(
                c -> c.withWp(true), c -> c.withSmap(true))) {
            Mmu m = f.mmu();
            m.translate(Access.read(VA, 3));
            m.setControls(keep.apply(m.controls()));
            assertThat(m.tlb().size()).isEqualTo(1);
            assertThat(m.pagingStructureCache().size()).isPositive();
        }
    }

    @Test
    @DisplayName("§1.1e the result lists exactly the entries whose A/D were written, with the values written")
    void adSlotsExact() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long pte = f.map(VA, 0x7000, EntryLevel.PTE, PagingFixture.USER_RW, PagingFixture.UPPER | EntryBits.A);
        Mmu.Result r = f.mmu().translate(Access.write(VA, 3));
        assertThat(r.adSlots()).containsExactly(pte);
        assertThat(r.adValues()).containsExactly(0x7000 | PagingFixture.USER_RW | EntryBits.A | EntryBits.D);
    }

    @Test
    @DisplayName("the result's text names the outcome, the error code, CR2 and the source (as traces show it)")
    void resultText() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        assertThat(f.mmu().translate(Access.read(VA, 3)).toString()).isEqualTo("ok pa=0x7234 via WALK");
        assertThat(f.mmu().translate(Access.read(0x0050_0000L, 3)).toString()).startsWith("#PF(")
                .endsWith(") cr2=0x500000 via WALK");
        assertThat(f.mmu().translate(Access.read(0x0000_8000_0000_0000L, 3)).toString()).isEqualTo("#GP(0)");
    }

    @Test
    @DisplayName("§1.1f a walk started from a PDPT-level cache entry fills the PD-level entry with the rights above")
    void cacheFillFromCachedStart() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long va2 = VA + 0x20_0000L; // same PML4E and PDPTE, next PDE
        f.map4k(VA, 0x7000);
        f.map4k(va2, 0x8000);
        Mmu m = f.mmu(f.controls().withNxe(true));
        assertThat(m.translate(Access.read(VA, 0)).source()).isEqualTo(Mmu.Source.WALK);
        assertThat(m.translate(Access.read(va2, 0)).source()).isEqualTo(Mmu.Source.PSC_WALK);
        PagingStructureCache.Cached pd2 = pdLevelEntry(m, va2);
        assertThat(pd2.next().levelIndex()).as("continues at the PT").isEqualTo(3);
        assertThat(pd2.next().tableBase()).isEqualTo(f.get(va2, EntryLevel.PDE) & ~0xFFFL);
        assertThat(pd2.next().user()).as("user all the way down").isTrue();
        assertThat(pd2.next().writable()).isTrue();
        assertThat(pd2.next().executeDisable()).as("NXE=1 but no XD bit anywhere").isFalse();
        assertThat(m.pagingStructureCache().entries()).hasSize(4);
        assertThat(m.translate(Access.fetch(va2 + 0x1000, 3)).source()).isEqualTo(Mmu.Source.PSC_WALK);
    }

    @Test
    @DisplayName("§1.1f a walk from a cached start ANDs a supervisor, read-only PDE into the PD-level entry it fills")
    void cacheFillRestrictedPde() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long va2 = VA + 0x20_0000L;
        f.map4k(VA, 0x7000);
        f.map(va2, 0x8000, EntryLevel.PTE, PagingFixture.USER_RW, EntryBits.P); // new PDE: supervisor, read-only
        Mmu m = f.mmu();
        m.translate(Access.read(VA, 0));
        m.translate(Access.read(va2, 0));
        PagingStructureCache.Cached pd2 = pdLevelEntry(m, va2);
        assertThat(pd2.next().user()).isFalse();
        assertThat(pd2.next().writable()).isFalse();
    }

    @Test
    @DisplayName("§1.1f with NXE=1, XD in the PML4E is cached in every lower entry: a later fetch via the cache faults")
    void cachedExecuteDisable() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        long va2 = VA + 0x20_0000L;
        f.map4k(VA, 0x7000);
        f.map4k(va2, 0x8000);
        f.setBits(VA, EntryLevel.PML4E, EntryBits.XD);
        Mmu m = f.mmu(f.controls().withNxe(true));
        m.translate(Access.read(VA, 0));
        assertThat(m.pagingStructureCache().entries()).extracting(c -> c.next().executeDisable())
                .containsOnly(true);
        Mmu.Result r = m.translate(Access.fetch(va2, 0));
        assertThat(r.source()).isEqualTo(Mmu.Source.PSC_WALK);
        assertThat(r.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.I);
    }

    @Test
    @DisplayName("§1.1f flushAll empties the paging-structure caches too; a mode change gives caches of the new mode")
    void flushAllAndModeChange() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        Mmu m = f.mmu();
        m.translate(Access.read(VA, 3));
        m.flushAll();
        assertThat(m.tlb().size()).isZero();
        assertThat(m.pagingStructureCache().size()).isZero();
        m.translate(Access.read(VA, 3));
        assertThat(m.setControls(m.controls().withMode(PagingMode.LONG5))).isEqualTo(-1);
        assertThat(m.pagingStructureCache().mode()).isEqualTo(PagingMode.LONG5);
        assertThat(m.pagingStructureCache().size()).isZero();
    }

    private static PagingStructureCache.Cached pdLevelEntry(Mmu m, long la) {
        return m.pagingStructureCache().entries().stream().filter(c -> c.levelIndex() == 2 && c.key() == la >>> 21)
                .findFirst().orElseThrow();
    }
}
