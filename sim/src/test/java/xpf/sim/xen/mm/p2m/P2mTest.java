package xpf.sim.xen.mm.p2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.AccessKind;
import xpf.sim.x86.NestedPaging;
import xpf.sim.x86.PhysicalMemory;

/**
 * The p2m ({@code struct p2m_domain}, xen/arch/x86/mm/p2m.c) and its types ({@code p2m_type_t}, asm/p2m.h): the
 * numeric values of xen-hvm-fault-path.md §5.2, the type groups the fault paths ask about, the lookups with their
 * side effects (populate-on-demand, unsharing), log-dirty, paging-in, and the nested-table permissions HAP uses.
 */
class P2mTest {

    private final PhysicalMemory mem = new PhysicalMemory();
    private final AtomicLong nextFrame = new AtomicLong(0x500);
    private final P2m p2m = new P2m(mem, nextFrame::getAndIncrement);

    @Test
    @DisplayName("p2m_type_t values (asm/p2m.h, §5.2): ram_rw 0 ... ioreq_server 15, wire names round-trip")
    void typeValues() {
        assertThat(P2mType.RAM_RW.value()).isZero();
        assertThat(P2mType.INVALID.value()).isEqualTo(1);
        assertThat(P2mType.RAM_LOGDIRTY.value()).isEqualTo(2);
        assertThat(P2mType.MMIO_DM.value()).isEqualTo(4);
        assertThat(P2mType.RAM_SHARED.value()).isEqualTo(12);
        assertThat(P2mType.IOREQ_SERVER.value()).isEqualTo(15);
        for (P2mType t : P2mType.values()) {
            assertThat(P2mType.fromWire(t.wireName())).isSameAs(t);
        }
        assertThat(P2mType.fromWire("ram_logdirty")).isSameAs(P2mType.RAM_LOGDIRTY);
        assertThatThrownBy(() -> P2mType.fromWire("ram_purple")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ram_purple");
    }

    @Test
    @DisplayName("p2m_is_ram (P2M_RAM_TYPES): rw, logdirty, ro, the paging types, shared; not holes, MMIO, grants")
    void ramTypes() {
        for (P2mType t : new P2mType[] {P2mType.RAM_RW, P2mType.RAM_LOGDIRTY, P2mType.RAM_RO, P2mType.RAM_PAGING_OUT,
            P2mType.RAM_PAGED, P2mType.RAM_PAGING_IN, P2mType.RAM_SHARED}) {
            assertThat(t.isRam()).as(t.wireName()).isTrue();
        }
        for (P2mType t : new P2mType[] {P2mType.INVALID, P2mType.MMIO_DM, P2mType.MMIO_DIRECT,
            P2mType.POPULATE_ON_DEMAND, P2mType.GRANT_MAP_RW, P2mType.GRANT_MAP_RO, P2mType.RAM_BROKEN,
            P2mType.MAP_FOREIGN}) {
            assertThat(t.isRam()).as(t.wireName()).isFalse();
        }
    }

    @Test
    @DisplayName("p2m_is_readonly (P2M_RO_TYPES: logdirty, ro, grant_map_ro, shared) and p2m_is_discard_write "
            + "(ram_ro, grant_map_ro)")
    void readOnlyAndDiscardTypes() {
        for (P2mType t : new P2mType[] {P2mType.RAM_LOGDIRTY, P2mType.RAM_RO, P2mType.GRANT_MAP_RO,
            P2mType.RAM_SHARED}) {
            assertThat(t.isReadOnly()).as(t.wireName()).isTrue();
        }
        for (P2mType t : new P2mType[] {P2mType.RAM_RW, P2mType.MMIO_DM, P2mType.MMIO_DIRECT, P2mType.GRANT_MAP_RW,
            P2mType.INVALID, P2mType.MAP_FOREIGN}) {
            assertThat(t.isReadOnly()).as(t.wireName()).isFalse();
        }
        assertThat(P2mType.RAM_RO.isDiscardWrite()).isTrue();
        assertThat(P2mType.GRANT_MAP_RO.isDiscardWrite()).isTrue();
        assertThat(P2mType.RAM_LOGDIRTY.isDiscardWrite()).as("log-dirty writes are logged, not dropped").isFalse();
        assertThat(P2mType.RAM_SHARED.isDiscardWrite()).as("a shared page is unshared, not dropped").isFalse();
    }

    @Test
    @DisplayName("p2m_is_paging, p2m_is_mmio, p2m_is_grant")
    void otherGroups() {
        assertThat(P2mType.RAM_PAGING_OUT.isPaging()).isTrue();
        assertThat(P2mType.RAM_PAGED.isPaging()).isTrue();
        assertThat(P2mType.RAM_PAGING_IN.isPaging()).isTrue();
        assertThat(P2mType.RAM_RW.isPaging()).isFalse();
        assertThat(P2mType.RAM_SHARED.isPaging()).isFalse();
        assertThat(P2mType.MMIO_DM.isMmio()).isTrue();
        assertThat(P2mType.MMIO_DIRECT.isMmio()).isTrue();
        assertThat(P2mType.RAM_RW.isMmio()).isFalse();
        assertThat(P2mType.IOREQ_SERVER.isMmio()).isFalse();
        assertThat(P2mType.GRANT_MAP_RW.isGrant()).isTrue();
        assertThat(P2mType.GRANT_MAP_RO.isGrant()).isTrue();
        assertThat(P2mType.MAP_FOREIGN.isGrant()).isFalse();
        assertThat(P2mType.RAM_RW.isGrant()).isFalse();
    }

    @Test
    @DisplayName("a gfn with no entry is a hole: p2m_invalid, INVALID_MFN")
    void holes() {
        P2mEntry e = p2m.lookup(0x77);
        assertThat(e.type()).isEqualTo(P2mType.INVALID);
        assertThat(e.mfnValid()).isFalse();
        assertThat(e.gfn()).isEqualTo(0x77);
        assertThat(p2m.getGfnTypeAccess(0x77, P2m.Query.ALLOC_UNSHARE).type()).isEqualTo(P2mType.INVALID);
        assertThat(p2m.entries()).isEmpty();
    }

    @Test
    @DisplayName("get_gfn_type_access: P2M_QUERY leaves a PoD entry alone; P2M_ALLOC populates it with a zeroed "
            + "ram_rw frame, once")
    void populateOnDemand() {
        p2m.set(new P2mEntry(0x10, P2mEntry.INVALID_MFN, P2mType.POPULATE_ON_DEMAND, null));
        mem.writeWord(0x500L << 12, 0xdeadL); // stale contents of the frame the allocator will hand out
        assertThat(p2m.getGfnTypeAccess(0x10, P2m.Query.QUERY).type()).isEqualTo(P2mType.POPULATE_ON_DEMAND);
        assertThat(nextFrame.get()).as("a query allocates nothing").isEqualTo(0x500);
        P2mEntry e = p2m.getGfnTypeAccess(0x10, P2m.Query.ALLOC);
        assertThat(e.type()).isEqualTo(P2mType.RAM_RW);
        assertThat(e.mfn()).isEqualTo(0x500);
        assertThat(mem.readWord(0x500L << 12)).as("populated frames are zeroed").isZero();
        assertThat(p2m.lookup(0x10)).isEqualTo(e);
        assertThat(p2m.getGfnTypeAccess(0x10, P2m.Query.ALLOC).mfn()).as("populated once").isEqualTo(0x500);
        assertThat(nextFrame.get()).isEqualTo(0x501);
    }

    @Test
    @DisplayName("get_gfn_type_access with P2M_UNSHARE copies a shared frame to a fresh ram_rw one; ALLOC does not "
            + "unshare; an ENOMEM unshare leaves the entry shared")
    void unshare() {
        p2m.set(new P2mEntry(0x20, 0x300, P2mType.RAM_SHARED, null));
        mem.writeWord(0x300L << 12, 0x1111);
        mem.writeWord((0x300L << 12) + 0xff8, 0x2222);
        assertThat(p2m.getGfnTypeAccess(0x20, P2m.Query.ALLOC).type()).isEqualTo(P2mType.RAM_SHARED);
        mem.writeWord(0x301L << 12, 0x9999); // the frame after the shared one
        assertThat(p2m.unshareFails()).isFalse();
        p2m.setUnshareFails(true);
        assertThat(p2m.unshareFails()).isTrue();
        assertThat(p2m.getGfnTypeAccess(0x20, P2m.Query.ALLOC_UNSHARE).mfn()).isEqualTo(0x300);
        p2m.setUnshareFails(false);
        P2mEntry e = p2m.getGfnTypeAccess(0x20, P2m.Query.ALLOC_UNSHARE);
        assertThat(e.type()).isEqualTo(P2mType.RAM_RW);
        assertThat(e.mfn()).isEqualTo(0x500);
        assertThat(mem.readWord(0x500L << 12)).isEqualTo(0x1111);
        assertThat(mem.readWord((0x500L << 12) + 0xff8)).as("the whole page is copied").isEqualTo(0x2222);
        assertThat(mem.readWord(0x501L << 12)).as("and nothing past it").isZero();
        assertThat(p2m.lookup(0x20).mfn()).isEqualTo(0x500);
        assertThat(mem.readWord(0x300L << 12)).as("the shared frame is untouched").isEqualTo(0x1111);
    }

    @Test
    @DisplayName("p2m_change_type_one changes only from the expected type; paging_mark_dirty records the gfn")
    void changeTypeAndDirty() {
        p2m.set(new P2mEntry(0x30, 0x330, P2mType.RAM_LOGDIRTY, null));
        assertThat(p2m.changeTypeOne(0x30, P2mType.RAM_RO, P2mType.RAM_RW)).isFalse();
        assertThat(p2m.lookup(0x30).type()).isEqualTo(P2mType.RAM_LOGDIRTY);
        assertThat(p2m.changeTypeOne(0x30, P2mType.RAM_LOGDIRTY, P2mType.RAM_RW)).isTrue();
        assertThat(p2m.lookup(0x30)).isEqualTo(new P2mEntry(0x30, 0x330, P2mType.RAM_RW, null));
        p2m.markDirty(0x30);
        p2m.markDirty(0x12);
        assertThat(p2m.dirtyGfns()).containsExactly(0x12L, 0x30L);
    }

    @Test
    @DisplayName("p2m_mem_paging_populate: a paged-out gfn is ram_rw again (its frame kept, or a new one); "
            + "other types are untouched")
    void pagingPopulate() {
        p2m.set(new P2mEntry(0x40, 0x440, P2mType.RAM_PAGING_OUT, null));
        p2m.set(new P2mEntry(0x41, P2mEntry.INVALID_MFN, P2mType.RAM_PAGED, null));
        p2m.set(new P2mEntry(0x42, 0x442, P2mType.RAM_RO, null));
        p2m.memPagingPopulate(0x40);
        p2m.memPagingPopulate(0x41);
        p2m.memPagingPopulate(0x42);
        assertThat(p2m.lookup(0x40)).isEqualTo(new P2mEntry(0x40, 0x440, P2mType.RAM_RW, null));
        assertThat(p2m.lookup(0x41)).isEqualTo(new P2mEntry(0x41, 0x500, P2mType.RAM_RW, null));
        assertThat(p2m.lookup(0x42).type()).isEqualTo(P2mType.RAM_RO);
    }

    private NestedPaging.NestedEntry hw(P2mType t) {
        p2m.set(new P2mEntry(0x50, 0x550, t, null));
        return p2m.hardwareEntry(0x50);
    }

    @Test
    @DisplayName("HAP nested entries (p2m_type_to_flags / ept_p2m_type_to_flags): RAM rwx; log-dirty, ro, shared "
            + "r-x (writes fault); grant_map_ro read-only; no entry for holes, mmio_dm, PoD, paging, broken")
    void hardwareEntries() {
        NestedPaging.NestedEntry rw = hw(P2mType.RAM_RW);
        assertThat(rw.hfn()).isEqualTo(0x550);
        assertThat(rw.allows(AccessKind.WRITE)).isTrue();
        assertThat(rw.allows(AccessKind.FETCH)).isTrue();
        assertThat(hw(P2mType.MMIO_DIRECT).allows(AccessKind.WRITE)).isTrue();
        assertThat(hw(P2mType.GRANT_MAP_RW).allows(AccessKind.WRITE)).isTrue();
        for (P2mType t : new P2mType[] {P2mType.RAM_LOGDIRTY, P2mType.RAM_RO, P2mType.RAM_SHARED}) {
            NestedPaging.NestedEntry e = hw(t);
            assertThat(e.allows(AccessKind.READ)).as(t.wireName()).isTrue();
            assertThat(e.allows(AccessKind.WRITE)).as(t.wireName()).isFalse();
            assertThat(e.allows(AccessKind.FETCH)).as(t.wireName()).isTrue();
        }
        NestedPaging.NestedEntry ro = hw(P2mType.GRANT_MAP_RO);
        assertThat(ro.allows(AccessKind.READ)).isTrue();
        assertThat(ro.allows(AccessKind.WRITE)).isFalse();
        assertThat(ro.allows(AccessKind.FETCH)).isFalse();
        for (P2mType t : new P2mType[] {P2mType.MMIO_DM, P2mType.POPULATE_ON_DEMAND, P2mType.RAM_PAGING_OUT,
            P2mType.RAM_PAGED, P2mType.RAM_PAGING_IN, P2mType.RAM_BROKEN, P2mType.INVALID}) {
            assertThat(hw(t)).as(t.wireName()).isNull();
        }
        assertThat(p2m.hardwareEntry(0x99)).as("a hole").isNull();
        p2m.set(new P2mEntry(0x51, P2mEntry.INVALID_MFN, P2mType.RAM_RW, null));
        assertThat(p2m.hardwareEntry(0x51)).as("no frame, no entry").isNull();
    }
}
