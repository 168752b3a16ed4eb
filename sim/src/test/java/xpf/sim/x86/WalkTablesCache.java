package xpf.sim.x86;

import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * Empties the process-wide cache of {@link PageWalker.Tables} (one immutable set of reserved masks, leaf rules and
 * level geometry per configuration). A test about what those tables contain (the §1.1b masks, the §1.1a leaf rules,
 * the CR3 / table-base masks) calls {@link #clear()} first, so that it checks tables computed now rather than ones
 * another test happened to build earlier in the same JVM: the result does not depend on test order, and a change to
 * the code that computes them (under PIT, a class redefined in a running JVM keeps its static cache) is seen. The
 * cache is documented as safe to rebuild ("a benign race may build one twice; both are equal").
 */
final class WalkTablesCache {
    private WalkTablesCache() {
    }

    static void clear() {
        try {
            Field f = PageWalker.Tables.class.getDeclaredField("CACHE");
            f.setAccessible(true);
            Arrays.fill((Object[]) f.get(null), null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("PageWalker.Tables.CACHE not found", e);
        }
    }
}
