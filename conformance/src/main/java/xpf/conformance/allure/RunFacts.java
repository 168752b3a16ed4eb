package xpf.conformance.allure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import xpf.model.scenario.Scenario;

/**
 * What this JVM's run has seen and been told, for the report's environment: the Xen profiles and CPU vendors of the
 * scenarios recorded (the recorder adds them), and any fact a suite or command adds ({@code Seed}, {@code Tries},
 * ...). {@link AllureRunListener} (tests) and the CLI commands write it into the results folder as a run record.
 */
public final class RunFacts {

    private static final SortedSet<String> PROFILES = new TreeSet<>();
    private static final SortedSet<String> VENDORS = new TreeSet<>();
    private static final Map<String, SortedSet<String>> FACTS = new TreeMap<>();

    private RunFacts() {
    }

    /** Notes a scenario's profile and vendor. */
    public static synchronized void saw(Scenario s) {
        PROFILES.add(s.machine().xen().wireName());
        VENDORS.add(s.machine().vendor().name().toLowerCase(Locale.ROOT));
    }

    /** Adds a value to an environment entry ({@code add("Seed", "0x1234")}); values of one key are kept distinct. */
    public static synchronized void add(String key, String value) {
        FACTS.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
    }

    /** The entries so far: {@code Xen profiles}, {@code Vendors} and everything added. */
    public static synchronized Map<String, String> entries() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!PROFILES.isEmpty()) {
            m.put(Environment.XEN_PROFILES, String.join(", ", PROFILES));
        }
        if (!VENDORS.isEmpty()) {
            m.put(Environment.VENDORS, String.join(", ", VENDORS));
        }
        FACTS.forEach((k, v) -> m.put(k, String.join(", ", v)));
        return Collections.unmodifiableMap(m);
    }

    /** Forgets everything (tests). */
    public static synchronized void clear() {
        PROFILES.clear();
        VENDORS.clear();
        FACTS.clear();
    }
}
