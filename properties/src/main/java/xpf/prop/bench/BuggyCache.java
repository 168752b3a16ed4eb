package xpf.prop.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * A key-value store with a read cache and a planted bug, for the engine's stateful self-test and shrink benchmark:
 * {@code put} fills the cache only for keys not cached yet, so overwriting a key leaves the old value in the cache.
 * Three specific operations expose it: put(k, a), put(k, b) with b != a, get(k).
 */
public final class BuggyCache {
    private final Map<Integer, Integer> store = new HashMap<>();
    private final Map<Integer, Integer> cache = new HashMap<>();

    public void put(int key, int value) {
        store.put(key, value);
        cache.putIfAbsent(key, value); // the bug: should be cache.put(key, value)
    }

    public Integer get(int key) {
        Integer cached = cache.get(key);
        return cached != null ? cached : store.get(key);
    }

    public void delete(int key) {
        store.remove(key);
        cache.remove(key);
    }

    public int size() {
        return store.size();
    }
}
