package xpf.conformance.allure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllureRunListenerTest {

    @Test
    @DisplayName("the Xen property suites' statistics of this session become xpf-coverage files; engine self-tests do not")
    void copiesCoverageOfXenProperties(@TempDir Path dir) throws Exception {
        Path stats = dir.resolve("prop-stats");
        Files.createDirectories(stats);
        Files.writeString(stats.resolve("PvProperties.fixed.json"),
                "{\"property\":\"xpf.properties.PvProperties#fixed\",\"tries\":10,\"coverage\":[]}");
        Files.writeString(stats.resolve("Planted.x.json"), "{\"property\":\"xpf.prop.junit.Planted#x\"}");
        Path old = stats.resolve("PvProperties.old.json");
        Files.writeString(old, "{\"property\":\"xpf.properties.PvProperties#old\"}");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(0));
        AllureRunListener l = new AllureRunListener();
        l.launcherSessionOpened(null); // no allure.results.directory in this JVM? then it only notes the time
        Path results = dir.resolve("results");
        l.copyCoverage(stats, results);
        try (var s = Files.list(results)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(
                    "xpf-coverage-xpf.properties.PvProperties_fixed.json");
        }
    }
}
