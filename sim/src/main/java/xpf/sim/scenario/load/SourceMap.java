package xpf.sim.scenario.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each field of a loaded scenario was written: field path ({@code domains[0].page_tables[3].entry}) →
 * location of its value. Errors found later, while building or running the scenario, carry a field path
 * ({@link xpf.sim.domain.ScenarioError}); this map turns them into {@code FILE:LINE:COLUMN} messages too.
 */
public final class SourceMap {
    private final Map<String, Location> locations = new LinkedHashMap<>();

    void put(String path, Location l) {
        locations.putIfAbsent(path, l);
    }

    /** The exact location of {@code path}, or null. */
    public Location exact(String path) {
        return locations.get(path);
    }

    /**
     * The location of {@code path}, or of its nearest enclosing field that was written (a defaulted field has no
     * location of its own: {@code steps[2].vcpu} falls back to {@code steps[2]}); the document start if none.
     */
    public Location locate(String path) {
        String p = path == null ? "" : path;
        while (!p.isEmpty()) {
            Location l = locations.get(p);
            if (l != null) {
                return l;
            }
            p = parent(p);
        }
        Location root = locations.get("");
        return root == null ? Location.START : root;
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    public Map<String, Location> asMap() {
        return Collections.unmodifiableMap(locations);
    }
}
