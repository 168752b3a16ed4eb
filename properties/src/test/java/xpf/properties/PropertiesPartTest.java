package xpf.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import xpf.conformance.conform.ConformContext;
import xpf.conformance.conform.ConformPart;
import xpf.conformance.conform.PartResult;
import xpf.sim.cli.Shard;

/** The "properties" part of xpf conform: found by the service loader, runs the chosen families, writes statistics. */
class PropertiesPartTest {

    @Test
    void registeredAndRunsTheChosenFamilies(@TempDir Path dir) throws Exception {
        assertThat(ServiceLoader.load(ConformPart.class).stream().map(p -> p.get().name()))
                .contains("properties");
        System.setProperty("xpf.conform.tries", "40");
        try {
            StringWriter err = new StringWriter();
            ConformContext ctx = new ConformContext(dir, dir.resolve("results"), Set.of("x86", "pv"), null, false,
                    new Shard(0, 1), new PrintWriter(err));
            PartResult r = new PropertiesPart().run(ctx);
            assertThat(r.part()).isEqualTo("properties");
            assertThat(r.passed()).as(err.toString()).isEqualTo(2);
            assertThat(r.failed()).isZero();
            assertThat(err.toString()).contains("properties: bare").contains("properties: pv");
            try (var files = Files.list(dir.resolve("results"))) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .anyMatch(n -> n.startsWith("xpf-coverage-") && n.contains("pv"));
            }
        } finally {
            System.clearProperty("xpf.conform.tries");
        }
    }
}
