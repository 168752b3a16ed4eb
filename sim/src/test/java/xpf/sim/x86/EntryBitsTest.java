package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Small facts of the entry formats (x86-paging.md §1.1a) and Xen's level numbering (L1 = PTE .. L4 = PML4E). */
class EntryBitsTest {

    @Test
    @DisplayName("bits(hi, lo) is inclusive at both ends: a one-bit range is that bit, an empty range 0")
    void bitRanges() {
        assertThat(EntryBits.bits(5, 5)).isEqualTo(EntryBits.A);
        assertThat(EntryBits.bits(63, 63)).isEqualTo(EntryBits.XD);
        assertThat(EntryBits.bits(2, 1)).isEqualTo(EntryBits.RW | EntryBits.US);
        assertThat(EntryBits.bits(4, 5)).isZero();
    }

    @Test
    @DisplayName("Xen's level numbers: PTE = L1, PDE = L2, PDPTE = L3, PML4E = L4, PML5E = L5")
    void xenLevels() {
        assertThat(EntryLevel.PTE.xenLevel()).isEqualTo(1);
        assertThat(EntryLevel.PDE.xenLevel()).isEqualTo(2);
        assertThat(EntryLevel.PDPTE.xenLevel()).isEqualTo(3);
        assertThat(EntryLevel.PML4E.xenLevel()).isEqualTo(4);
        assertThat(EntryLevel.PML5E.xenLevel()).isEqualTo(5);
    }
}
