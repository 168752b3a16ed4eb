package xpf.sim.x86;

import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingMode;
import xpf.sim.walk.WalkService;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1e: the strict A/D model. */
class AccessedDirtyTest {
    static final long VA = 0x00401234L;
    static final long A = EntryBits.A;
    static final long D = EntryBits.D;

    @Test
    @DisplayName("1.1e success sets A on every entry used and D on the leaf for a write")
    void writeSetsAAndD() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        long l4 = f.get(VA, EntryLevel.PML4E);
        long l3 = f.get(VA, EntryLevel.PDPTE);
        long l2 = f.get(VA, EntryLevel.PDE);
        long l1 = f.get(VA, EntryLevel.PTE);
        assertThat(WalkService.evaluate(f.walkCase(f.controls(), Access.write(VA, 3)))).succeedsAt(0x7234)
                .changedMemory(Map.of(f.slot(VA, EntryLevel.PML4E), l4 | A, f.slot(VA, EntryLevel.PDPTE), l3 | A,
                        f.slot(VA, EntryLevel.PDE), l2 | A, f.slot(VA, EntryLevel.PTE), l1 | A | D));
    }

    @Test
    @DisplayName("1.1e a read sets A only; D is never set on a non-leaf entry")
    void readSetsAOnly() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x60_0000L, EntryLevel.PDE, PagingFixture.USER_RW, PagingFixture.UPPER);
        f.mmu().translate(Access.read(VA, 0));
        assertThat(f.get(VA, EntryLevel.PDE) & (A | D)).isEqualTo(A);
        f.mmu().translate(Access.write(VA, 0));
        assertThat(f.get(VA, EntryLevel.PDE) & D).as("2M leaf gets D").isEqualTo(D);
        assertThat(f.get(VA, EntryLevel.PDPTE) & D).as("non-leaf never gets D").isZero();
    }

    @Test
    @DisplayName("1.1e PAE PDPTEs never get A")
    void paePdpteNoA() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, 0x7000);
        long pdpte = f.mem.readWord(f.root);
        f.mmu().translate(Access.write(VA, 0));
        assertThat(f.mem.readWord(f.root)).isEqualTo(pdpte);
        assertThat(f.get(VA, EntryLevel.PDE) & A).isEqualTo(A);
    }

    @Test
    @DisplayName("1.1e no A/D write at all on any fault (not-present, reserved, rights)")
    void noWritesOnFault() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x7000, EntryLevel.PTE, EntryBits.P | EntryBits.US, PagingFixture.UPPER);
        assertThat(WalkService.evaluate(f.walkCase(f.controls().withWp(true), Access.write(VA, 3))))
                .isPageFault(7).changedNoMemory();
        f.setBits(VA, EntryLevel.PTE, 1L << 45);
        assertThat(WalkService.evaluate(f.walkCase(f.controls(), Access.read(VA, 3)))).changedNoMemory();
    }

    @Test
    @DisplayName("1.1e an entry whose A (or D) is already set is not rewritten")
    void alreadySetNotRewritten() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x7000, EntryLevel.PTE, PagingFixture.USER_RW | A | D, PagingFixture.UPPER | A);
        Mmu.Result r = f.mmu().translate(Access.write(VA, 3));
        assertThat(r).isOk();
        assertThat(r.adSlots()).isEmpty();
    }

    @Test
    @DisplayName("1.1e legacy2 A/D updates write 4-byte entries and leave the neighbour untouched")
    void legacy2FourByte() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        long pte = f.map4k(VA, 0x7000);
        f.mem.write(pte + 4, 4, 0xDEAD_B000L);
        f.mmu().translate(Access.write(VA, 3));
        assertThat(f.mem.read(pte, 4)).isEqualTo(0x7000L | PagingFixture.USER_RW | A | D);
        assertThat(f.mem.read(pte + 4, 4)).isEqualTo(0xDEAD_B000L);
    }

    @Test
    @DisplayName("1.1e self-map: an entry used at two levels gets both updates once")
    void selfMap() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        // PML4[0] points to the PML4 itself: VA 0 then walks PML4[0] twice, then PML4[0] as PDE and PTE.
        f.mem.writeWord(f.root, f.root | PagingFixture.USER_RW);
        Mmu.Result r = f.mmu().translate(Access.write(0x10, 3));
        assertThat(r).translatesTo(f.root + 0x10).readEntries(f.root, f.root, f.root, f.root);
        assertThat(f.mem.readWord(f.root)).isEqualTo(f.root | PagingFixture.USER_RW | A | D);
    }
}
