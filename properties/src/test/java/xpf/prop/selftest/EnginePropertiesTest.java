package xpf.prop.selftest;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.prop.Gens.*;
import static xpf.prop.Property.forAll;

import java.util.List;

import xpf.prop.Choices;
import xpf.prop.Gen;
import xpf.prop.choice.ChoiceSequence;
import xpf.prop.choice.RandomSource;
import xpf.prop.choice.ReplaySource;
import xpf.prop.gen.LongRange;
import xpf.prop.junit.PropertyCheck;
import xpf.prop.junit.PropertyTest;

/** The engine checked by itself: properties of its own building blocks, run as ordinary property tests. */
class EnginePropertiesTest {

    @PropertyTest(tries = 2000)
    void integerRangesMapChoicesOneToOne(PropertyCheck prop) {
        prop.check(forAll(tuple(longs(), longs(), longs()))
                .classify("range", t -> Math.min(t.first(), t.second()) <= 0 && Math.max(t.first(), t.second()) >= 0
                        ? "holds zero" : "one-signed")
                .cover("range", "holds zero", 10.0)
                .cover("range", "one-signed", 10.0)
                .satisfies(t -> {
                    LongRange r = new LongRange(Math.min(t.first(), t.second()), Math.max(t.first(), t.second()));
                    long c = Long.compareUnsigned(t.third(), r.maxChoice()) <= 0 ? t.third()
                            : Long.remainderUnsigned(t.third(), r.maxChoice() + 1);
                    long v = r.valueOf(c);
                    assertThat(v).isBetween(r.min(), r.max());
                    assertThat(r.choiceOf(v)).isEqualTo(c);
                }));
    }

    static final Gen<Object> ANY_STRUCTURE = oneOf(
            lists(ints(-5, 5), 0, 6),
            sets(strings("ab", 0, 3), 0, 3),
            maps(ints(0, 3), booleans(), 0, 3),
            tuple(longs(), swarm("a", "b")),
            bitMask().maybe(0.5, new xpf.prop.gen.Bit("A", 0), new xpf.prop.gen.Bit("B", 7)).build());

    @PropertyTest(tries = 500)
    void recordedChoicesReplayToTheSameValue(PropertyCheck prop) {
        prop.check(forAll(longs()).check((seed, ctx) -> {
            Choices fresh = new Choices(new RandomSource().reseed(seed));
            Object value = ANY_STRUCTURE.generate(fresh);
            ChoiceSequence recorded = fresh.recorded();
            Choices again = new Choices(new ReplaySource(recorded.toArray()));
            assertThat(ANY_STRUCTURE.generate(again)).isEqualTo(value);
            assertThat(again.recorded()).isEqualTo(recorded);
            ctx.label("shape", value.getClass().getSimpleName());
        }));
    }

    @PropertyTest(tries = 1000)
    void shortlexIsATotalOrder(PropertyCheck prop) {
        Gen<ChoiceSequence> seqs = lists(longs(0, 3), 0, 4).map(l -> ChoiceSequence.of(l.stream().mapToLong(x -> x).toArray()));
        prop.check(forAll(tuple(seqs, seqs, seqs)).satisfies(t -> {
            var a = t.first();
            var b = t.second();
            var c = t.third();
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
            assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
            if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
                assertThat(a.compareTo(c)).isLessThanOrEqualTo(0);
            }
        }));
    }

    @PropertyTest(tries = 300)
    void listsDeleteCleanlyElementByElement(PropertyCheck prop) {
        // deleting one element's span yields the list without that element: what makes DELETE_SPANS effective
        Gen<List<Integer>> lists = lists(ints(0, 99), 0, 8);
        prop.check(forAll(longs()).check((seed, ctx) -> {
            Choices c = new Choices(new RandomSource().reseed(seed));
            List<Integer> xs = lists.generate(c);
            long[] choices = c.recorded().toArray();
            var elements = c.spans().stream().filter(s -> s.label().equals("element") && s.length() > 1).toList();
            ctx.label("size", xs.size());
            for (int i = 0; i < elements.size(); i++) {
                var s = elements.get(i);
                long[] without = xpf.prop.shrink.Edits.delete(choices, s.start(), s.end());
                List<Integer> expected = new java.util.ArrayList<>(xs);
                expected.remove(i);
                assertThat(lists.generate(new Choices(new ReplaySource(without)))).isEqualTo(expected);
            }
        }));
    }
}
