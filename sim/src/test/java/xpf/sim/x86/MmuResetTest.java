package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.fixtures.PagingFixture;

/** {@link Mmu#reset}: the vCPU afterwards behaves as a freshly constructed one on the same memory. */
class MmuResetTest {
    static final long VA = 0x00401234L;

    private static void assertSame(Mmu.Result a, Mmu.Result b) {
        assertThat(a.outcome()).isEqualTo(b.outcome());
        assertThat(a.errorCode()).isEqualTo(b.errorCode());
        assertThat(a.la()).isEqualTo(b.la());
        assertThat(a.pa()).isEqualTo(b.pa());
        assertThat(a.pageSize()).isEqualTo(b.pageSize());
        assertThat(a.walk()).containsExactly(b.walk());
        assertThat(a.source()).isEqualTo(b.source());
    }

    @Test
    @DisplayName("after reset the TLB and paging-structure caches are empty and the next access walks from CR3")
    void resetEmptiesCaches() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x7000, EntryLevel.PTE, PagingFixture.USER_RW, PagingFixture.UPPER);
        Mmu used = f.mmu();
        used.translate(Access.read(VA, 3));
        used.translate(Access.write(VA, 3));
        assertThat(used.tlb().size()).isPositive();
        assertThat(used.pagingStructureCache().size()).isPositive();
        PagingControls next = f.controls().withWp(true).withNxe(true);
        used.reset(next);
        assertThat(used.tlb().size()).isZero();
        assertThat(used.pagingStructureCache().size()).isZero();
        assertThat(used.controls()).isEqualTo(next);
        Mmu fresh = f.mmu(next);
        for (Access a : new Access[] {Access.read(VA, 3), Access.write(VA, 0), Access.read(VA + 0x1000, 3)}) {
            assertSame(used.translate(a), fresh.translate(a));
        }
    }

    @Test
    @DisplayName("reset to another paging mode loads the PAE PDPTE registers as the constructor does")
    void resetAcrossModes() {
        PagingFixture pae = PagingFixture.of(PagingMode.PAE);
        pae.map(VA, 0x7000, EntryLevel.PTE, PagingFixture.USER_RW, PagingFixture.UPPER);
        PagingFixture long4 = PagingFixture.of(PagingMode.LONG4);
        Mmu m = new Mmu(pae.cpu, pae.mem, long4.controls());
        m.reset(pae.controls());
        Mmu fresh = pae.mmu();
        assertThat(Arrays.equals(m.pdpteRegisters(), fresh.pdpteRegisters())).isTrue();
        assertThat(m.pdpteValid()).isEqualTo(fresh.pdpteValid());
        assertThat(m.pagingStructureCache().mode()).isEqualTo(PagingMode.PAE);
        assertSame(m.translate(Access.read(VA, 3)), fresh.translate(Access.read(VA, 3)));
    }
}
