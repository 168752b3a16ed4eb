package xpf.sim.xen.pv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import xpf.sim.xen.mm.FrameTable;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.mm.PageType;

/**
 * The PV frame-table view is updated from the previous one when a step changed only a few frames' fields
 * (FrameTable.memo with an update): after every random change it must equal the view derived from scratch, and the
 * update path must really be taken (else this test would compare the full path with itself).
 */
class PvDomainViewsIncrementalTest {

    private static final Object KEY = new Object();

    @Test
    void incrementalViewEqualsTheViewFromScratch() {
        SplittableRandom r = new SplittableRandom(20261127);
        AtomicInteger updates = new AtomicInteger();
        AtomicInteger full = new AtomicInteger();
        for (int run = 0; run < 40; run++) {
            FrameTable t = new FrameTable();
            t.assignRange(0, 256, FrameTable.DOMID_XEN);
            List<PageInfo> pages = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                pages.add(t.assign(0x1000 + r.nextInt(200), 1 + r.nextInt(2)));
            }
            pages.add(t.get(r.nextInt(256)));   // a lazily made frame of the first range
            for (int op = 0; op < 300; op++) {
                int what = r.nextInt(100);
                PageInfo p = pages.get(r.nextInt(pages.size()));
                if (what < 3) {
                    pages.add(t.assign(0x1000 + r.nextInt(300), 1));   // may replace a frame: p may be detached
                } else {
                    int changes = 1 + r.nextInt(what < 90 ? 3 : 40);   // sometimes more than the update keeps
                    for (int c = 0; c < changes; c++) {
                        p = pages.get(r.nextInt(pages.size()));
                        switch (r.nextInt(6)) {
                            case 0 -> p.setCount(r.nextInt(4));
                            case 1 -> p.setTypeCount(r.nextInt(3));
                            case 2 -> p.setType(PageType.values()[r.nextInt(PageType.values().length)]);
                            case 3 -> p.setValidated(r.nextBoolean());
                            case 4 -> p.setPinned(r.nextBoolean());
                            default -> p.setOwner(1 + r.nextInt(3));
                        }
                    }
                }
                if (r.nextInt(3) > 0) {
                    PvDomainViews.Frames got = t.memo(KEY, table -> {
                        full.incrementAndGet();
                        return PvDomainViews.frames(table);
                    }, (prev, changed) -> {
                        updates.incrementAndGet();
                        return PvDomainViews.updated(prev, changed);
                    });
                    assertThat(got.map()).isEqualTo(PvDomainViews.frames(t).map());
                    assertThat(got.map().toString()).isEqualTo(PvDomainViews.frames(t).map().toString());
                }
            }
        }
        assertThat(updates.get()).as("updates taken").isGreaterThan(1000);
        assertThat(full.get()).as("views derived from scratch").isGreaterThan(100);
    }
}
