package xpf.sim.xen.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Errno;

/**
 * Xen's reference counting on frames (xen-pv-fault-path.md §4.1/§4.2, the header comment of xen/arch/x86/mm.c):
 * {@code get_page} only for the owner; types are exclusive and change only at type count 0 (flushing TLBs that may
 * hold translations of the old type); page tables and descriptor pages are validated on their first type reference
 * and de-validated when the last one goes.
 */
class PageRefsTest {

    static final int DOM = 1;

    /** Records what the hooks were asked to do; validation fails when {@code fail} is set. */
    static final class Hooks implements PageRefs.TypeHooks {
        final List<String> calls = new ArrayList<>();
        int fail;

        @Override
        public int allocPageType(PageInfo page, PageType type, boolean paeXenL2) {
            calls.add("alloc " + type + (paeXenL2 ? " pae" : ""));
            return fail;
        }

        @Override
        public void freePageType(PageInfo page, PageType type) {
            calls.add("free " + type);
        }

        @Override
        public void flushOnTypeChange(PageInfo page, PageType from, PageType to) {
            calls.add("flush " + from + "->" + to);
        }
    }

    final FrameTable frames = new FrameTable();
    final Hooks hooks = new Hooks();

    @Test
    @DisplayName("get_page: only the owner's domain gets a reference; put_page drops it and marks a flush pending")
    void generalReferences() {
        PageInfo p = frames.assign(0x500, DOM);
        assertThat(PageRefs.getPage(p, 2)).isFalse();
        assertThat(PageRefs.getPage(null, DOM)).isFalse();
        assertThat(p.count()).isZero();
        assertThat(PageRefs.getPage(p, DOM)).isTrue();
        assertThat(p.count()).isEqualTo(1);
        assertThat(p.tlbflushNeeded()).isFalse();
        PageRefs.putPage(p);
        assertThat(p.count()).isZero();
        assertThat(p.tlbflushNeeded()).isTrue();
    }

    @Test
    @DisplayName("_get_page_type: the first L1 reference validates once; further ones only count")
    void firstReferenceValidates() {
        PageInfo p = frames.assign(0x500, DOM);
        assertThat(PageRefs.getPageType(p, PageType.L1_PAGE_TABLE, false, hooks)).isZero();
        assertThat(PageRefs.getPageType(p, PageType.L1_PAGE_TABLE, false, hooks)).isZero();
        assertThat(p.type()).isEqualTo(PageType.L1_PAGE_TABLE);
        assertThat(p.typeCount()).isEqualTo(2);
        assertThat(p.validated()).isTrue();
        assertThat(hooks.calls).containsExactly("alloc L1_PAGE_TABLE");
    }

    @Test
    @DisplayName("_get_page_type: writable and shared pages need no validation")
    void writableNeedsNoValidation() {
        PageInfo p = frames.assign(0x500, DOM);
        assertThat(PageRefs.getPageType(p, PageType.WRITABLE, false, hooks)).isZero();
        assertThat(p.validated()).isTrue();
        assertThat(hooks.calls).isEmpty();
        assertThat(PageRefs.needsValidation(PageType.SEG_DESC)).isTrue();
        assertThat(PageRefs.needsValidation(PageType.L4_PAGE_TABLE)).isTrue();
        assertThat(PageRefs.needsValidation(PageType.SHARED)).isFalse();
        assertThat(PageRefs.needsValidation(PageType.WRITABLE)).isFalse();
    }

    @Test
    @DisplayName("_get_page_type: another type while referenced is -EINVAL; so is the PAE-xen-L2 qualifier")
    void typesAreExclusive() {
        PageInfo p = frames.assign(0x500, DOM);
        PageRefs.getPageType(p, PageType.WRITABLE, false, hooks);
        assertThat(PageRefs.getPageType(p, PageType.L1_PAGE_TABLE, false, hooks)).isEqualTo(-(int) Errno.EINVAL);
        assertThat(p.typeCount()).isEqualTo(1);
        assertThat(p.type()).isEqualTo(PageType.WRITABLE);
        PageInfo q = frames.assign(0x501, DOM);
        PageRefs.getPageType(q, PageType.L2_PAGE_TABLE, true, hooks);
        assertThat(q.paeXenL2()).isTrue();
        assertThat(PageRefs.getPageType(q, PageType.L2_PAGE_TABLE, false, hooks)).isEqualTo(-(int) Errno.EINVAL);
        assertThat(PageRefs.getPageType(q, PageType.L2_PAGE_TABLE, true, hooks)).isZero();
        assertThat(q.typeCount()).isEqualTo(2);
        assertThat(hooks.calls).containsExactly("alloc L2_PAGE_TABLE pae");
    }

    @Test
    @DisplayName("_get_page_type: a same-type reference to a frame still being validated is refused (no deadlock)")
    void beingValidated() {
        PageInfo p = frames.assign(0x500, DOM);
        p.setType(PageType.L2_PAGE_TABLE);
        p.setTypeCount(1);
        assertThat(PageRefs.getPageType(p, PageType.L2_PAGE_TABLE, false, hooks)).isEqualTo(-(int) Errno.EINVAL);
        assertThat(p.typeCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("_get_page_type: failed validation takes no reference and leaves no type in use")
    void failedValidation() {
        PageInfo p = frames.assign(0x500, DOM);
        hooks.fail = -(int) Errno.EINVAL;
        assertThat(PageRefs.getPageType(p, PageType.L2_PAGE_TABLE, true, hooks)).isEqualTo(-(int) Errno.EINVAL);
        assertThat(p.typeCount()).isZero();
        assertThat(p.validated()).isFalse();
        assertThat(p.paeXenL2()).isFalse();
    }

    @Test
    @DisplayName("a type change at count 0 flushes only when a reference was dropped since the last change")
    void flushOnTypeChange() {
        PageInfo p = frames.assign(0x500, DOM);
        PageRefs.getPageType(p, PageType.WRITABLE, false, hooks);
        PageRefs.putPageType(p, hooks);
        PageRefs.getPageType(p, PageType.L1_PAGE_TABLE, false, hooks);
        assertThat(hooks.calls).as("never mapped: no flush").containsExactly("alloc L1_PAGE_TABLE");
        PageRefs.putPageType(p, hooks);
        p.setTlbflushNeeded(true);
        PageRefs.getPageType(p, PageType.WRITABLE, false, hooks);
        assertThat(hooks.calls).containsExactly("alloc L1_PAGE_TABLE", "free L1_PAGE_TABLE",
                "flush L1_PAGE_TABLE->WRITABLE");
        assertThat(p.tlbflushNeeded()).isFalse();
        PageRefs.putPageType(p, hooks);
        p.setTlbflushNeeded(true);
        PageRefs.getPageType(p, PageType.WRITABLE, false, hooks);
        assertThat(hooks.calls).as("same type: no flush").hasSize(3);
    }

    @Test
    @DisplayName("_put_page_type: the last reference de-validates a page table (free_page_type); earlier ones not")
    void lastReferenceDevalidates() {
        PageInfo p = frames.assign(0x500, DOM);
        PageRefs.getPageType(p, PageType.L3_PAGE_TABLE, false, hooks);
        PageRefs.getPageType(p, PageType.L3_PAGE_TABLE, false, hooks);
        PageRefs.putPageType(p, hooks);
        assertThat(p.validated()).isTrue();
        assertThat(p.typeCount()).isEqualTo(1);
        PageRefs.putPageType(p, hooks);
        assertThat(p.validated()).isFalse();
        assertThat(p.typeCount()).isZero();
        assertThat(hooks.calls).containsExactly("alloc L3_PAGE_TABLE", "free L3_PAGE_TABLE");
        PageInfo w = frames.assign(0x501, DOM);
        PageRefs.getPageType(w, PageType.SEG_DESC, false, hooks);
        PageRefs.putPageType(w, hooks);
        assertThat(hooks.calls).as("descriptor pages are not page tables: nothing to free").hasSize(3);
    }

    @Test
    @DisplayName("get_page_and_type: both or neither; put_page_and_type drops both")
    void pageAndType() {
        PageInfo p = frames.assign(0x500, DOM);
        assertThat(PageRefs.getPageAndType(p, 2, PageType.WRITABLE, false, hooks)).isEqualTo(-(int) Errno.EINVAL);
        assertThat(p.count()).isZero();
        PageRefs.getPageType(p, PageType.WRITABLE, false, hooks);
        assertThat(PageRefs.getPageAndType(p, DOM, PageType.L1_PAGE_TABLE, false, hooks)).isEqualTo(
                -(int) Errno.EINVAL);
        assertThat(p.count()).as("the general reference is given back").isZero();
        assertThat(PageRefs.getPageAndType(p, DOM, PageType.WRITABLE, false, hooks)).isZero();
        assertThat(p.count()).isEqualTo(1);
        assertThat(p.typeCount()).isEqualTo(2);
        PageRefs.putPageAndType(p, hooks);
        assertThat(p.count()).isZero();
        assertThat(p.typeCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("PGT_* levels: pageTable(n) and level() are inverse for 1..4; other types have level 0")
    void pageTypeLevels() {
        for (int l = 1; l <= 4; l++) {
            assertThat(PageType.pageTable(l).level()).isEqualTo(l);
            assertThat(PageType.pageTable(l).pageTable()).isTrue();
        }
        assertThat(PageType.WRITABLE.level()).isZero();
        assertThat(PageType.SEG_DESC.pageTable()).isFalse();
        assertThat(PageType.NONE.pageTable()).isFalse();
        assertThatThrownBy(() -> PageType.pageTable(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the snapshot copies every field")
    void snapshot() {
        PageInfo p = frames.assign(0x500, DOM);
        p.setCount(3);
        p.setType(PageType.L2_PAGE_TABLE);
        p.setTypeCount(2);
        p.setValidated(true);
        p.setPinned(true);
        p.setLinearPtCount(-1);
        p.setShadowedPageTable(true);
        p.setPaeXenL2(true);
        p.setOwner(7);
        assertThat(p.snapshot()).isEqualTo(new PageInfo.Snapshot(0x500, 7, 3, PageType.L2_PAGE_TABLE, 2, true, true,
                -1, true, true));
        assertThat(frames.snapshot()).containsExactly(p.snapshot());
        assertThat(frames.all()).containsExactly(p);
        assertThat(new PageInfo(0x9, 1).mfn()).isEqualTo(0x9);
    }

    @Test
    @DisplayName("_put_page_type: de-validating a PAE-xen-L2 table clears the qualifier, so the frame can be a plain "
            + "L2 next")
    void devalidationClearsPaeXenL2() {
        PageInfo p = frames.assign(0x500, DOM);
        PageRefs.getPageType(p, PageType.L2_PAGE_TABLE, true, hooks);
        PageRefs.putPageType(p, hooks);
        assertThat(p.paeXenL2()).isFalse();
        assertThat(PageRefs.getPageType(p, PageType.L2_PAGE_TABLE, false, hooks)).isZero();
        assertThat(hooks.calls).containsExactly("alloc L2_PAGE_TABLE pae", "free L2_PAGE_TABLE", "alloc L2_PAGE_TABLE");
    }
}
