package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.fixtures.PagingFixture;

/**
 * §1.1f what the TLB and the paging-structure caches hold (SDM vol. 3 §4.10.2 / §4.10.3): the PML4 cache is used
 * like the deeper ones, PAE PDPTEs are registers and never cached, and the deterministic views list the entries by
 * level / address.
 */
class CacheContentsTest {
    static final long VA = 0x0000_7F12_3456_7ABCL;

    @Test
    @DisplayName("1.1f a PML4-cache entry alone (level 0) starts the next walk at the PDPT")
    void pml4CacheEntryUsed() {
        PagingStructureCache psc = new PagingStructureCache(PagingMode.LONG4);
        PageWalker.Start next = new PageWalker.Start(1, 0x5000, true, false, false);
        psc.fill(0, VA, next);
        assertThat(psc.lookup(VA)).isEqualTo(next);
        assertThat(psc.lookup(VA ^ (1L << 39))).as("another PML4 slot").isNull();
        assertThat(psc.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("1.1f PAE: the PDPTE level is not cached (registers), the PDE level is")
    void paePdpteNotCached() {
        PagingStructureCache psc = new PagingStructureCache(PagingMode.PAE);
        long la = 0xC040_1234L;
        psc.fill(0, la, new PageWalker.Start(1, 0x5000, true, true, false));
        assertThat(psc.size()).isZero();
        assertThat(psc.lookup(la)).isNull();
        PageWalker.Start pt = new PageWalker.Start(2, 0x6000, true, true, false);
        psc.fill(1, la, pt);
        assertThat(psc.lookup(la)).isEqualTo(pt);
    }

    @Test
    @DisplayName("1.1f the caches' views after one 4-level walk: three PSC entries by level, one TLB entry")
    void views() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, 0x7000);
        f.map4k(0x0040_1000L, 0x8000);
        Mmu m = f.mmu();
        m.translate(Access.read(VA, 3));
        m.translate(Access.write(0x0040_1000L, 3));
        List<PagingStructureCache.Cached> c = m.pagingStructureCache().entries();
        assertThat(c).extracting(PagingStructureCache.Cached::levelIndex).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(c.get(0).key()).as("sorted by key within a level").isZero();
        assertThat(c.get(1).key()).isEqualTo(VA >>> 39);
        assertThat(c.get(5).next().tableBase()).isEqualTo(f.get(VA, EntryLevel.PDE) & ~0xFFFL);
        List<Tlb.Entry> t = m.tlb().entries();
        assertThat(t).extracting(Tlb.Entry::vaBase).containsExactly(0x0040_1000L, VA & ~0xFFFL);
        assertThat(t.get(0).paBase()).isEqualTo(0x8000);
        assertThat(t.get(0).dirty()).isTrue();
        assertThat(t.get(1).dirty()).isFalse();
    }

    @Test
    @DisplayName("1.1f TLB view: the same address at two page sizes is listed smaller first")
    void tlbViewOrder() {
        Tlb tlb = new Tlb();
        AccessRights.Effective rw = new AccessRights.Effective(true, true, false, 0);
        // A 4 KiB entry and a 2 MiB entry for the same base can coexist (filled by walks of different addresses).
        tlb.insert(0x20_0000L, new Tlb.Entry(0x20_0000L, 0x1000, 0x7000, rw, false, false, 0x3000));
        tlb.insert(0x3F_F000L, new Tlb.Entry(0x20_0000L, 0x20_0000L, 0x40_0000L, rw, false, false, 0x1000));
        tlb.insert(0x40_1000L, new Tlb.Entry(0x40_1000L, 0x1000, 0x9000, rw, false, false, 0x2008));
        assertThat(tlb.entries()).extracting(Tlb.Entry::vaBase).containsExactly(0x20_0000L, 0x20_0000L, 0x40_1000L);
        assertThat(tlb.entries()).extracting(Tlb.Entry::pageSize).containsExactly(0x1000L, 0x20_0000L, 0x1000L);
        assertThat(tlb.size()).isEqualTo(3);
    }

    @Test
    @DisplayName("1.1f the TLB caches only the architectural page sizes (4K, 2M, 4M, 1G)")
    void tlbRejectsOtherSizes() {
        Tlb tlb = new Tlb();
        AccessRights.Effective rw = new AccessRights.Effective(true, true, false, 0);
        assertThatThrownBy(() -> tlb.insert(0, new Tlb.Entry(0, 0x2000, 0, rw, false, false, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a page size");
    }
}
