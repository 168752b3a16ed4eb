package xpf.prop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.prop.Gens.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import xpf.prop.choice.RandomSource;
import xpf.prop.choice.ReplaySource;
import xpf.prop.choice.Seeds;
import xpf.prop.gen.Bit;
import xpf.prop.gen.BitMaskGen;
import xpf.prop.gen.Swarm;
import xpf.prop.gen.Tuple3;

/** Each generator draws what it promises: ranges, sizes, distinctness, weights, edge cases, simplest values. */
class GensTest {
    private static <T> List<T> sample(Gen<T> gen, int n) {
        List<T> out = new ArrayList<>();
        RandomSource r = new RandomSource();
        Choices c = new Choices(r);
        for (int i = 0; i < n; i++) {
            c.reset(r.reseed(Seeds.forTry(99, i)));
            out.add(gen.generate(c));
        }
        return out;
    }

    private static <T> T simplest(Gen<T> gen) {
        return gen.generate(new Choices(new ReplaySource(new long[0])));
    }

    private static <T> Map<T, Integer> histogram(List<T> xs) {
        Map<T, Integer> h = new HashMap<>();
        xs.forEach(x -> h.merge(x, 1, Integer::sum));
        return h;
    }

    @Test
    void intsStayInRangeAndHitTheEdgesOften() {
        List<Integer> xs = sample(ints(-1000, 1_000_000), 4000);
        assertThat(xs).allSatisfy(x -> assertThat(x).isBetween(-1000, 1_000_000));
        Map<Integer, Integer> h = histogram(xs);
        // uniform draws alone would almost never give these; the edge bias makes each appear
        assertThat(h).containsKeys(-1000, 1_000_000, 0, 1, -1, 1024, 65535);
        assertThat(simplest(ints(-1000, 1_000_000))).isZero();
        assertThat(simplest(ints(5, 9))).isEqualTo(5);
    }

    @Test
    void fullRangeLongsReachBothSigns() {
        List<Long> xs = sample(longs(), 20_000);
        assertThat(xs).anyMatch(x -> x < -1_000_000_000_000L).anyMatch(x -> x > 1_000_000_000_000L)
                .contains(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Test
    void booleansFollowTheirProbability() {
        long trues = sample(booleans(0.2), 5000).stream().filter(b -> b).count();
        assertThat(trues).isBetween(850L, 1150L);
        assertThat(simplest(booleans(0.9))).isFalse();
        assertThat(sample(booleans(1.0), 10)).containsOnly(true);
    }

    @Test
    void constantsElementsOneOfAndFrequency() {
        assertThat(sample(constant("k"), 5)).containsOnly("k");
        assertThat(histogram(sample(elements("a", "b", "c"), 3000)).values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
        assertThat(sample(oneOf(ints(0, 0), ints(10, 10)), 200)).contains(0, 10);
        Map<String, Integer> f = histogram(sample(frequency(9, constant("common")).or(1, constant("rare")), 5000));
        assertThat(f.get("rare")).isBetween(380, 620);
        assertThat(simplest(oneOf(constant("first"), constant("second")))).isEqualTo("first");
    }

    @Test
    void listsRespectTheirSizesAndShrinkToTheMinimum() {
        List<List<Integer>> ls = sample(lists(ints(0, 9), 2, 6), 2000);
        assertThat(ls).allSatisfy(l -> assertThat(l).hasSizeBetween(2, 6));
        assertThat(ls.stream().map(List::size).distinct().count()).isEqualTo(5);
        assertThat(simplest(lists(ints(0, 9), 2, 6))).containsExactly(0, 0);
    }

    @Test
    void setsAreDistinctAndMapsHaveDistinctKeysInInsertionOrder() {
        List<Set<Integer>> sets = sample(sets(ints(0, 20), 3, 10), 500);
        assertThat(sets).allSatisfy(s -> assertThat(s).hasSizeBetween(3, 10));
        assertThat(simplest(sets(ints(0, 20), 0, 5))).isEmpty();
        List<Map<Integer, String>> maps = sample(maps(ints(0, 5), strings("xy", 1, 3), 1, 4), 500);
        assertThat(maps).allSatisfy(m -> assertThat(m).hasSizeBetween(1, 4));
    }

    @Test
    void aSetThatCannotReachItsMinimumSaysSo() {
        assertThatThrownBy(() -> sample(sets(ints(0, 2), 5, 8), 1)).isInstanceOf(TooManyRejections.class)
                .hasMessageContaining("set of at least 5 elements");
    }

    @Test
    void mapFlatMapAndFilter() {
        assertThat(sample(ints(0, 10).map(x -> x * 2), 100)).allMatch(x -> x % 2 == 0);
        List<List<Integer>> ls = sample(ints(1, 4).flatMap(n -> lists(constant(n), n, n)), 200);
        assertThat(ls).allSatisfy(l -> assertThat(l).hasSize(l.get(0)));
        assertThat(sample(ints(0, 100).filter(x -> x % 7 == 0), 300)).allMatch(x -> x % 7 == 0);
    }

    @Test
    void tuplesAndRecords() {
        record Point(int x, long y, boolean z) {
        }
        List<Point> ps = sample(record(Point.class, ints(0, 3), longs(10, 20), booleans()), 200);
        assertThat(ps).allSatisfy(p -> {
            assertThat(p.x()).isBetween(0, 3);
            assertThat(p.y()).isBetween(10L, 20L);
        });
        assertThat(simplest(tuple(ints(0, 3), constant("a"), booleans()))).isEqualTo(new Tuple3<>(0, "a", false));
        assertThatThrownBy(() -> record(Point.class, ints(0, 3))).hasMessageContaining("has 3 components [x, y, z] but 1");
    }

    sealed interface Tree permits Leaf, Node {
    }

    record Leaf(int v) implements Tree {
    }

    record Node(List<Tree> children) implements Tree {
    }

    private static int depth(Tree t) {
        return t instanceof Node n ? 1 + n.children().stream().mapToInt(GensTest::depth).max().orElse(0) : 0;
    }

    @Test
    void recursiveGeneratorsRespectTheirDepthAndShrinkToTheBase() {
        Gen<Tree> leaves = ints(0, 9).map(Leaf::new);
        Function<Gen<Tree>, Gen<Tree>> node = sub -> lists(sub, 1, 3).map(Node::new);
        Gen<Tree> trees = recursive(leaves, node, 4);
        List<Tree> ts = sample(trees, 500);
        assertThat(ts).allSatisfy(t -> assertThat(depth(t)).isLessThanOrEqualTo(4));
        assertThat(ts.stream().mapToInt(GensTest::depth).max().orElse(0)).isEqualTo(4);
        assertThat(simplest(trees)).isEqualTo(new Leaf(0));
    }

    @Test
    void bitMasksPickBitsFromNamedGroupsAndDescribeThem() {
        Bit p = new Bit("P", 0);
        Bit rw = new Bit("RW", 1);
        Bit us = new Bit("US", 2);
        Bit pwt = new Bit("PWT", 3);
        Bit pcd = new Bit("PCD", 4);
        BitMaskGen pte = bitMask().always(p).maybe(0.5, rw, us).exactlyOne(pwt, pcd)
                .field("frame", 0x0000_0000_ffff_f000L).build();
        List<Long> xs = sample(pte, 1000);
        assertThat(xs).allMatch(v -> (v & 1) == 1).allMatch(v -> Long.bitCount(v & 0x18) == 1)
                .allMatch(v -> (v & ~0xffff_f01fL) == 0)
                .anyMatch(v -> (v & 0xffff_f000L) == 0xffff_f000L); // all-ones field value as an edge case
        assertThat(pte.describe(0x1_0000_000bL | 0x3000)).isEqualTo("P|RW|PWT|frame=0x3000|bit32");
        assertThat(simplest(pte)).isEqualTo(1L | 8L);
        assertThatThrownBy(() -> bitMask().always(p).maybe(0.5, new Bit("P again", 0)))
                .hasMessageContaining("overlaps");
    }

    @Test
    void swarmDrawsPerTryKnobProbabilitiesThatShrinkToOff() {
        List<Swarm> ss = sample(swarm("tlbFlush", "emulatorFails"), 300);
        assertThat(ss).anyMatch(s -> s.p("tlbFlush") == 0).anyMatch(s -> s.p("tlbFlush") == 1.0)
                .anyMatch(s -> s.p("tlbFlush") > 0 && s.p("tlbFlush") < 1);
        assertThat(simplest(swarm("a", "b")).probabilities()).containsEntry("a", 0.0).containsEntry("b", 0.0);
        Gen<String> ops = swarm("read", "write").flatMap(s -> s.pick(Map.of("read", constant("r"), "write", constant("w"))));
        assertThat(sample(ops, 300)).contains("r", "w");
        assertThatThrownBy(() -> simplest(swarm("a")).p("b")).hasMessageContaining("unknown swarm knob 'b'");
    }

    @Test
    void stringsUseTheAlphabet() {
        assertThat(sample(strings("ab", 0, 5), 200)).allMatch(s -> s.matches("[ab]{0,5}"));
        assertThat(simplest(strings("xyz", 2, 4))).isEqualTo("xx");
    }

    @Test
    void probabilitiesAreInTheUnitInterval() {
        assertThat(sample(probabilities(), 500)).allMatch(p -> p >= 0 && p <= 1).contains(0.0, 1.0);
    }
}
