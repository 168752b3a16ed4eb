package xpf.prop.bench;

import static xpf.prop.Gens.ints;
import static xpf.prop.Gens.oneOf;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import xpf.prop.Gen;
import xpf.prop.Gens;
import xpf.prop.stateful.Action;
import xpf.prop.stateful.StateMachine;

/** Actions on {@link BuggyCache} against a TreeMap model; the planted stateful bug of the self-tests. */
public final class CacheActions {
    private CacheActions() {
    }

    public record Put(int key, int value) implements Action<BuggyCache, Map<Integer, Integer>> {
        public void runOn(BuggyCache s, Map<Integer, Integer> m) {
            s.put(key, value);
        }

        public void updateModel(Map<Integer, Integer> m) {
            m.put(key, value);
        }
    }

    public record Get(int key) implements Action<BuggyCache, Map<Integer, Integer>> {
        public void runOn(BuggyCache s, Map<Integer, Integer> m) {
            Integer got = s.get(key);
            if (!Objects.equals(got, m.get(key))) {
                throw new AssertionError("get(" + key + ") returned " + got + ", model says " + m.get(key));
            }
        }

        public void updateModel(Map<Integer, Integer> m) {
        }
    }

    public record Delete(int key) implements Action<BuggyCache, Map<Integer, Integer>> {
        public boolean precondition(Map<Integer, Integer> m) {
            return m.containsKey(key);
        }

        public void runOn(BuggyCache s, Map<Integer, Integer> m) {
            s.delete(key);
        }

        public void updateModel(Map<Integer, Integer> m) {
            m.remove(key);
        }
    }

    private static final Gen<Integer> KEYS = ints(0, 7);
    private static final Gen<Integer> VALUES = ints(0, 1000);

    public static final Gen<Action<BuggyCache, Map<Integer, Integer>>> ACTIONS = oneOf(
            Gens.combine(KEYS, VALUES, Put::new),
            KEYS.map(Get::new),
            KEYS.map(Delete::new));

    public static StateMachine<BuggyCache, Map<Integer, Integer>> machine() {
        return StateMachine.<BuggyCache, Map<Integer, Integer>>builder(BuggyCache::new, TreeMap::new)
                .actions(ACTIONS)
                .invariant("same size", (s, m) -> {
                    if (s.size() != m.size()) {
                        throw new AssertionError("size " + s.size() + ", model " + m.size());
                    }
                })
                .steps(1, 40)
                .build();
    }
}
