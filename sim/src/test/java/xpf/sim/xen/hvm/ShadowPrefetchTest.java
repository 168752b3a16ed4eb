package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.ShPageFaultTest.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.sim.scenario.ScenarioRunner;

/**
 * {@code sh_prefetch} (mm/shadow/multi.c, SHOPT_PREFETCH; xen-hvm-fault-path.md §3 F16): after a demand fault, up to
 * {@code PREFETCH_DISTANCE} (32) entries of the same guest L1 starting at the faulting one are shadowed, stopping at
 * the end of the guest L1, at a neighbour that already has a shadow, and at a present guest l1e that needs another
 * fault for its A/D bits.
 */
class ShadowPrefetchTest {

    /** {@code n} consecutive user pages from {@code va}, frames 0x1100 + i. */
    static HvmFixture pages(HvmFixture f, long va, int n) {
        for (int i = 0; i < n; i++) {
            f.frame("p" + i, 0x1100 + i).map(va + 0x1000L * i, "p" + i, USER_RW);
        }
        return f;
    }

    static String prefetchOf(ScenarioRunner.Run r, int step) {
        return r.trace().eventsOfStep(step).stream().filter(e -> e.name().equals("sh_prefetch")).map(e -> e.line())
                .findFirst().orElse("none");
    }

    @Test
    @DisplayName("hvm.3.F16 at most 32 entries counting the faulting one: 31 neighbours of 40 mapped pages")
    void distance() {
        ScenarioRunner.Run r = pages(svm(), DATA_VA, 40).run(step(read(DATA_VA)), step(read(DATA_VA + 31 * 0x1000)),
                step(read(DATA_VA + 32 * 0x1000)));
        assertThat(prefetchOf(r, 0)).contains("from=0x401000").endsWith("entries=31");
        Expect.step(r, 1, OutcomeClass.OK);
        Expect.step(r, 2, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }

    @Test
    @DisplayName("hvm.3.F16 the prefetch stops at the end of the guest L1 (index 511): one neighbour at index 510")
    void endOfTable() {
        long last = 0x5FE000; // index 510 of the L1 covering 0x400000-0x5fffff
        ScenarioRunner.Run r = pages(svm(), last, 3).run(step(read(last)), step(read(last + 0x2000)));
        assertThat(prefetchOf(r, 0)).contains("from=0x5ff000").endsWith("entries=1");
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }

    @Test
    @DisplayName("hvm.3.F16 the prefetch stops at a neighbour that already has a shadow")
    void stopsAtExistingShadow() {
        ScenarioRunner.Run r = pages(svm(), DATA_VA, 4).run(step(read(DATA_VA + 0x2000)), step(read(DATA_VA)));
        assertThat(prefetchOf(r, 0)).contains("from=0x403000").endsWith("entries=1");
        assertThat(prefetchOf(r, 1)).contains("from=0x401000").endsWith("entries=1");
    }

    @Test
    @DisplayName("hvm.3.F16 a present neighbour with A clear ends the prefetch (it needs its own fault to set A)")
    void stopsAtAccessedClear() {
        ScenarioRunner.Run r = svm().frame("a", 0x1011).frame("b", 0x1012).map(DATA_VA, "data", USER_RW)
                .map(DATA_VA + 0x1000, "a", P | RW | US | D).map(DATA_VA + 0x2000, "b", USER_RW)
                .run(step(read(DATA_VA)), step(read(DATA_VA + 0x2000)));
        assertThat(prefetchOf(r, 0)).isEqualTo("none");
        Expect.step(r, 1, OutcomeClass.FIXED, "fixup", "shadow_fixup");
    }

    @Test
    @DisplayName("hvm.3.F16 not-present neighbours are skipped (modern: no gnp magic), later ones still prefetched")
    void skipsNotPresent() {
        ScenarioRunner.Run r = svm().frame("b", 0x1012).map(DATA_VA, "data", USER_RW)
                .map(DATA_VA + 0x2000, "b", USER_RW).run(step(read(DATA_VA)), step(read(DATA_VA + 0x2000)));
        assertThat(prefetchOf(r, 0)).endsWith("entries=1");
        Expect.step(r, 1, OutcomeClass.OK);
        assertThat(dom(r).view().shadows().get(0x1000L << 12)).doesNotContainKey((DATA_VA + 0x1000) >>> 12);
    }

    @Test
    @DisplayName("hvm.3.F16 a read-only neighbour with D clear needs no fault for D: it is prefetched")
    void readOnlyWithoutDirtyIsPrefetched() {
        ScenarioRunner.Run r = svm().frame("a", 0x1011).map(DATA_VA, "data", USER_RW)
                .map(DATA_VA + 0x1000, "a", P | US | A).run(step(read(DATA_VA)), step(read(DATA_VA + 0x1000)));
        assertThat(prefetchOf(r, 0)).endsWith("entries=1");
        Expect.step(r, 1, OutcomeClass.OK);
    }
}
