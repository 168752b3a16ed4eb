package xpf.sim.x86;

import static xpf.model.x86.PfErrorCode.P;
import static xpf.model.x86.PfErrorCode.U;
import static xpf.model.x86.PfErrorCode.W;
import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1f: TLB and paging-structure caches, spurious faults, invalidation. */
class TlbTest {
    static final long VA = 0x00401234L;

    private static PagingFixture mapped(long leafFlags) {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x7000, EntryLevel.PTE, leafFlags, PagingFixture.UPPER);
        return f;
    }

    @Test
    @DisplayName("1.1f a cached translation is used without reading memory")
    void hitReadsNothing() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        Mmu mmu = f.mmu();
        assertThat(mmu.translate(Access.read(VA, 3))).cameFrom(Mmu.Source.WALK);
        assertThat(mmu.translate(Access.read(VA + 8, 3))).cameFrom(Mmu.Source.TLB).readEntries().translatesTo(0x723C);
    }

    @Test
    @DisplayName("1.1f stale permissive change (R/W 0->1): one spurious #PF, then the retry succeeds")
    void spuriousOnce() {
        PagingFixture f = mapped(EntryBits.P | EntryBits.US);
        Mmu mmu = f.mmu();
        assertThat(mmu.translate(Access.read(VA, 3))).isOk();
        f.setBits(VA, EntryLevel.PTE, EntryBits.RW);
        assertThat(mmu.translate(Access.write(VA, 3))).isPageFault(P | W | U).cameFrom(Mmu.Source.TLB);
        assertThat(mmu.translate(Access.write(VA, 3))).isOk().cameFrom(Mmu.Source.WALK);
    }

    @Test
    @DisplayName("1.1f stale restrictive change (P 1->0): the old translation keeps working until INVLPG")
    void restrictiveUntilInvlpg() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        Mmu mmu = f.mmu();
        mmu.translate(Access.read(VA, 3));
        f.set(VA, EntryLevel.PTE, 0);
        assertThat(mmu.translate(Access.read(VA, 3))).isOk().cameFrom(Mmu.Source.TLB);
        mmu.invlpg(VA);
        assertThat(mmu.translate(Access.read(VA, 3))).isPageFault(U);
    }

    @Test
    @DisplayName("1.1f MOV CR3 flushes non-global entries; global ones survive (CR4.PGE=1)")
    void cr3KeepsGlobal() {
        PagingFixture f = mapped(PagingFixture.USER_RW | EntryBits.G);
        long other = 0x00801234L;
        f.map(other, 0x8000, EntryLevel.PTE, PagingFixture.USER_RW, PagingFixture.UPPER);
        Mmu mmu = f.mmu(f.controls().withPge(true));
        mmu.translate(Access.read(VA, 3));
        mmu.translate(Access.read(other, 3));
        f.set(VA, EntryLevel.PTE, 0);
        f.set(other, EntryLevel.PTE, 0);
        mmu.loadCr3(f.root | 0x8); // same tables, different PWT: still a CR3 write
        assertThat(mmu.translate(Access.read(VA, 3))).as("global").isOk().cameFrom(Mmu.Source.TLB);
        assertThat(mmu.translate(Access.read(other, 3))).as("non-global").isPageFault(U);
    }

    @Test
    @DisplayName("1.1f G is ignored without CR4.PGE: MOV CR3 flushes the entry")
    void globalNeedsPge() {
        PagingFixture f = mapped(PagingFixture.USER_RW | EntryBits.G);
        Mmu mmu = f.mmu();
        mmu.translate(Access.read(VA, 3));
        f.set(VA, EntryLevel.PTE, 0);
        mmu.loadCr3(f.root | 0x8);
        assertThat(mmu.translate(Access.read(VA, 3))).isPageFault(U);
    }

    @Test
    @DisplayName("1.1f toggling CR4.PGE flushes everything, global entries included")
    void pgeToggle() {
        PagingFixture f = mapped(PagingFixture.USER_RW | EntryBits.G);
        Mmu mmu = f.mmu(f.controls().withPge(true));
        mmu.translate(Access.read(VA, 3));
        f.set(VA, EntryLevel.PTE, 0);
        mmu.setControls(mmu.controls().withPge(false));
        assertThat(mmu.translate(Access.read(VA, 3))).isPageFault(U);
    }

    @Test
    @DisplayName("1.1f INVLPG invalidates global entries too; a non-canonical INVLPG is a NOP")
    void invlpgGlobal() {
        PagingFixture f = mapped(PagingFixture.USER_RW | EntryBits.G);
        Mmu mmu = f.mmu(f.controls().withPge(true));
        mmu.translate(Access.read(VA, 3));
        f.set(VA, EntryLevel.PTE, 0);
        mmu.invlpg(0x0000_8000_0000_0000L);
        assertThat(mmu.tlb().size()).isEqualTo(1);
        mmu.invlpg(VA);
        assertThat(mmu.translate(Access.read(VA, 3))).isPageFault(U);
    }

    @Test
    @DisplayName("1.1f CR0.WP applies at access time: setting it without a flush makes the next write fault")
    void wpAtAccessTime() {
        PagingFixture f = mapped(EntryBits.P | EntryBits.US);
        Mmu mmu = f.mmu(f.controls().withWp(false));
        assertThat(mmu.translate(Access.write(VA, 0))).isOk();
        mmu.setControls(mmu.controls().withWp(true));
        assertThat(mmu.translate(Access.write(VA, 0))).isPageFault(P | W);
    }

    @Test
    @DisplayName("1.1f a write hitting a TLB entry with D=0 re-walks and sets D in memory")
    void writeRewalksForDirty() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        Mmu mmu = f.mmu();
        mmu.translate(Access.read(VA, 3));
        assertThat(f.get(VA, EntryLevel.PTE) & EntryBits.D).isZero();
        assertThat(mmu.translate(Access.write(VA, 3))).isOk().cameFrom(Mmu.Source.PSC_WALK);
        assertThat(f.get(VA, EntryLevel.PTE) & EntryBits.D).isEqualTo(EntryBits.D);
        assertThat(mmu.translate(Access.write(VA, 3))).cameFrom(Mmu.Source.TLB);
    }

    @Test
    @DisplayName("1.1f A or D cleared 1->0 behind a cached entry: the CPU does not set it again")
    void clearedDirtyNotReset() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        Mmu mmu = f.mmu();
        mmu.translate(Access.write(VA, 3));
        f.clearBits(VA, EntryLevel.PTE, EntryBits.D | EntryBits.A);
        assertThat(mmu.translate(Access.write(VA, 3))).cameFrom(Mmu.Source.TLB);
        assertThat(f.get(VA, EntryLevel.PTE) & (EntryBits.D | EntryBits.A)).isZero();
    }

    @Test
    @DisplayName("1.1f paging-structure cache: a changed PDE keeps being used for other pages until INVLPG")
    void pscStaleUpperEntry() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        long neighbour = VA + 0x1000;
        f.map4k(neighbour, 0x9000);
        long neighbourPte = f.slot(neighbour, EntryLevel.PTE);
        Mmu mmu = f.mmu();
        mmu.translate(Access.read(VA, 3));
        f.set(VA, EntryLevel.PDE, 0); // the PDE now says not present
        assertThat(mmu.translate(Access.read(neighbour, 3))).as("walk starts below the cached PDE")
                .isOk().cameFrom(Mmu.Source.PSC_WALK).translatesTo(0x9234).readEntries(neighbourPte);
        mmu.invlpg(VA); // INVLPG empties all paging-structure caches
        assertThat(mmu.pagingStructureCache().size()).isZero();
        assertThat(mmu.translate(Access.read(neighbour + 0x1000, 3))).isPageFault(U).cameFrom(Mmu.Source.WALK)
                .readEntries(f.slot(VA, EntryLevel.PML4E), f.slot(VA, EntryLevel.PDPTE), f.slot(VA, EntryLevel.PDE));
    }

    @Test
    @DisplayName("1.1f a #PF invalidates the TLB and paging-structure entries for the address")
    void faultInvalidates() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        Mmu mmu = f.mmu();
        mmu.translate(Access.read(VA, 3));
        assertThat(mmu.tlb().size()).isEqualTo(1);
        assertThat(mmu.pagingStructureCache().size()).isEqualTo(3);
        mmu.setControls(mmu.controls().withSmap(true));
        assertThat(mmu.translate(Access.read(VA, 0))).isPageFault(P).cameFrom(Mmu.Source.TLB);
        assertThat(mmu.tlb().size()).isZero();
        assertThat(mmu.pagingStructureCache().size()).isZero();
    }

    @Test
    @DisplayName("1.1f a walk that starts from a paging-structure-cache entry keeps the rights cached above it")
    void pscCarriesAccumulatedRights() {
        for (long upperBit : new long[] {EntryBits.US, EntryBits.RW, EntryBits.XD}) {
            PagingFixture f = mapped(PagingFixture.USER_RW);
            long other = VA + 0x1000;
            f.map4k(other, 0x9000);
            if (upperBit == EntryBits.XD) {
                f.setBits(VA, EntryLevel.PML4E, EntryBits.XD);
            } else {
                f.clearBits(VA, EntryLevel.PML4E, upperBit);
            }
            Mmu mmu = f.mmu(f.controls().withNxe(true).withWp(true));
            mmu.translate(Access.read(VA, 0)); // fills the caches through the restricted PML4E
            f.setBits(VA, EntryLevel.PML4E, upperBit == EntryBits.XD ? 0 : upperBit); // relax memory, not the cache
            f.clearBits(VA, EntryLevel.PML4E, upperBit == EntryBits.XD ? EntryBits.XD : 0);
            Access probe = upperBit == EntryBits.US ? Access.read(other, 3)
                    : upperBit == EntryBits.RW ? Access.write(other, 3) : Access.fetch(other, 3);
            int ec = (upperBit == EntryBits.RW ? W : 0) | U | (upperBit == EntryBits.XD ? xpf.model.x86.PfErrorCode.I : 0)
                    | P;
            assertThat(mmu.translate(probe)).as("bit 0x" + Long.toHexString(upperBit)).isPageFault(ec)
                    .cameFrom(Mmu.Source.PSC_WALK);
        }
    }

    @Test
    @DisplayName("1.1f caching the walk of an address replaces any other-size entry for that address only")
    void insertReplacesOtherSize() {
        Tlb t = new Tlb();
        AccessRights.Effective rw = new AccessRights.Effective(true, true, false, 0);
        long other = 0x402000;
        t.insert(VA, new Tlb.Entry(VA & ~0xFFFL, 0x1000, 0x7000, rw, false, false, 0));
        t.insert(other, new Tlb.Entry(other, 0x1000, 0x8000, rw, false, false, 0));
        t.insert(VA, new Tlb.Entry(VA & ~0x1FFFFFL, 0x200000, 0x600000, rw, true, false, 0));
        assertThat(t.lookup(VA).pageSize()).as("the fresh walk's answer for VA").isEqualTo(0x200000);
        assertThat(t.lookup(other).pageSize()).as("another page's entry stays until invalidated").isEqualTo(0x1000);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    @DisplayName("1.1f a PDE that became a 2 MiB leaf: a write through the old global 4K entry (D=0) re-walks once, "
            + "then hits the new entry")
    void sizeChangeRewalksOnce() {
        PagingFixture f = mapped(PagingFixture.USER_RW | EntryBits.G);
        Mmu mmu = f.mmu(f.controls().withPge(true));
        mmu.translate(Access.read(VA, 3)); // global 4K entry, D=0
        f.set(VA, EntryLevel.PDE, 0x600000 | PagingFixture.USER_RW | EntryBits.PS);
        mmu.loadCr3(f.root | 0x8); // empties the paging-structure caches, keeps the global TLB entry
        assertThat(mmu.tlb().lookup(VA).pageSize()).isEqualTo(0x1000);
        assertThat(mmu.translate(Access.write(VA, 3))).translatesTo(0x600000 | (VA & 0x1FFFFF)).hasPageSize(0x200000);
        assertThat(mmu.translate(Access.write(VA, 3))).cameFrom(Mmu.Source.TLB).hasPageSize(0x200000);
    }

    @Test
    @DisplayName("1.1f MOV CR3 with the value already loaded still flushes non-global translations")
    void sameValueCr3Flushes() {
        PagingFixture f = mapped(PagingFixture.USER_RW);
        Mmu mmu = f.mmu();
        mmu.translate(Access.read(VA, 3));
        f.set(VA, EntryLevel.PTE, 0);
        assertThat(mmu.translate(Access.read(VA, 3))).as("stale until flushed").isOk();
        mmu.loadCr3(f.root);
        assertThat(mmu.translate(Access.read(VA, 3))).isPageFault(U);
    }
}
