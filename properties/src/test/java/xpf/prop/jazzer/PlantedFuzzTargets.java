package xpf.prop.jazzer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import xpf.prop.bench.BuggyCache;
import xpf.prop.bench.CacheActions;


/**
 * A fuzz target with a planted bug, for trying fuzzing by hand (the name keeps surefire from running it by default):
 * {@code JAZZER_FUZZ=1 ./mvnw -B -pl properties -am test -Dtest=PlantedFuzzTargets -Dsurefire.failIfNoSpecifiedTests=false}
 * finds the stale-cache bug of {@link xpf.prop.selftest.BuggyCache} and reports it shrunk to three steps.
 */
class PlantedFuzzTargets {
    @FuzzTest(maxDuration = "60s")
    void staleCache(FuzzedDataProvider data) {
        JazzerDriver.fuzz(CacheActions.machine().property(), data);
    }
}
