package xpf.prop.stateful;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static xpf.prop.Gens.constant;
import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.oneOf;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import xpf.prop.PropertyResult;
import xpf.prop.PropertyRunner;
import xpf.prop.Settings;
import xpf.prop.Verdict;

class StateMachineTest {
    @TempDir
    Path failures;

    /** A stack and its model; pop is enabled only on a non-empty model. */
    record Push(int v) implements Action<Deque<Integer>, List<Integer>> {
        public void runOn(Deque<Integer> s, List<Integer> m) {
            s.push(v);
        }

        public void updateModel(List<Integer> m) {
            m.add(v);
        }
    }

    record Pop() implements Action<Deque<Integer>, List<Integer>> {
        public boolean precondition(List<Integer> m) {
            return !m.isEmpty();
        }

        public void runOn(Deque<Integer> s, List<Integer> m) {
            int got = s.pop();
            if (got != m.get(m.size() - 1)) {
                throw new AssertionError("popped " + got + ", model top " + m.get(m.size() - 1));
            }
        }

        public void updateModel(List<Integer> m) {
            m.remove(m.size() - 1);
        }
    }

    private static StateMachine.Builder<Deque<Integer>, List<Integer>> stack() {
        return StateMachine.<Deque<Integer>, List<Integer>>builder(ArrayDeque::new, ArrayList::new)
                .actions(oneOf(ints(0, 9).map(Push::new), constant(new Pop())))
                .invariant("same size", (s, m) -> {
                    if (s.size() != m.size()) {
                        throw new AssertionError("size " + s.size() + " vs " + m.size());
                    }
                });
    }

    @Test
    void aCorrectSystemPassesAndPreconditionsHoldInEveryGeneratedScenario() {
        var p = stack().steps(0, 30).build().forAll()
                .cover(Scenario.ACTIONS, "Pop", 30.0)
                .check((sc, ctx) -> {
                    int depth = 0;
                    for (Action<Deque<Integer>, List<Integer>> a : sc.actions()) {
                        depth += a instanceof Push ? 1 : -1;
                        assertThat(depth).isNotNegative(); // no Pop on an empty stack was generated
                    }
                    sc.run(ctx);
                });
        PropertyResult<Scenario<Deque<Integer>, List<Integer>>> r =
                PropertyRunner.run("S#ok", p, Settings.withSeed(3).tries(300).outputDir(failures));
        assertThat(r.verdict()).isInstanceOf(Verdict.Passed.class);
        assertThat(r.statistics().count(Scenario.ACTIONS, "Push")).isPositive();
    }

    @Test
    void invariantsRunAfterEveryStepAndNameTheStep() {
        var broken = StateMachine.<Deque<Integer>, List<Integer>>builder(ArrayDeque::new, ArrayList::new)
                .actions(ints(0, 9).map(Push::new))
                .invariant("at most two", (s, m) -> {
                    if (s.size() > 2) {
                        throw new IllegalStateException("too big");
                    }
                })
                .steps(1, 20).build();
        PropertyResult<Scenario<Deque<Integer>, List<Integer>>> r =
                PropertyRunner.run("S#inv", broken.property(), Settings.withSeed(3).outputDir(failures));
        assertThat(r.counterexample().shrunk().actions()).<Object>containsExactly(new Push(0), new Push(0), new Push(0));
        assertThat(r.counterexample().failure())
                .isInstanceOf(ScenarioFailure.class)
                .hasMessage("step 3 Push[v=0], then invariant \"at most two\": java.lang.IllegalStateException: too big")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(r.counterexample().shrunkText()).isEqualTo("3 steps\n  1. Push[v=0]\n  2. Push[v=0]\n  3. Push[v=0]");
    }

    @Test
    void stepBoundsAreRespected() {
        var m = stack().steps(3, 5).build();
        var r = PropertyRunner.run("S#bounds", m.forAll().check((sc, ctx) -> {
            assertThat(sc.size()).isBetween(3, 5);
        }), Settings.withSeed(9).tries(200).outputDir(failures));
        assertThat(r.verdict()).isInstanceOf(Verdict.Passed.class);
        assertThatThrownBy(() -> stack().steps(4, 2)).hasMessageContaining("0 <= min <= max");
    }
}
