package xpf.sim.scenario.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import xpf.sim.scenario.cli.ScenarioFiles;

/**
 * docs/scenario.schema.json against real files: every scenario of the corpus conforms; each malformed file is
 * rejected exactly when its mistake is one a schema can see; everything the writer produces conforms.
 */
class ScenarioSchemaTest {
    static Schema schema;

    static Path root() {
        String r = System.getProperty("xpf.root");
        return r == null || r.isBlank() || r.startsWith("$") ? Path.of("..") : Path.of(r);
    }

    @BeforeAll
    static void loadSchema() throws IOException {
        String text = Files.readString(root().resolve("docs/scenario.schema.json"));
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text,
                InputFormat.JSON);
    }

    /** Schema errors of a file, read through the located tree (so YAML 1.2 scalars are typed as the loader types them). */
    static List<Error> validate(String name, String text) {
        return schema.validate(Node.toJson(TreeReader.read(name, text, TreeReader.isJson(name))), InputFormat.JSON);
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFileConforms() throws IOException {
        Path corpus = root().resolve("conformance/scenarios");
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus)) {
            files = s.filter(Files::isRegularFile).filter(ScenarioFiles::isScenario).sorted().toList();
        }
        assertThat(files).as("corpus files under " + corpus).isNotEmpty();
        return files.stream().map(p -> DynamicTest.dynamicTest(corpus.relativize(p).toString(), () -> {
            List<Error> errors = validate(p.toString(), Files.readString(p));
            assertThat(errors).as(p + " against docs/scenario.schema.json").isEmpty();
        }));
    }

    @TestFactory
    Stream<DynamicTest> malformedFilesAreRejectedWhenTheSchemaCanSeeTheMistake() {
        return MalformedCase.all().stream().filter(c -> !c.schema().equals("n/a"))
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
                    List<Error> errors = validate(c.file().toString(), Files.readString(c.file()));
                    if (c.schema().equals("rejects")) {
                        assertThat(errors).as(c.file() + " should be rejected by the schema").isNotEmpty();
                    } else {
                        assertThat(errors).as(c.file() + ": only the loader can see this mistake, so the schema "
                                + "should accept the file").isEmpty();
                    }
                }));
    }

    @Test
    void theSchemaRejectsWhatItShould() {
        // a small positive control independent of the files: the schema is actually being applied
        assertThat(validate("x.yaml", "version: 1\ndomains: []\nsteps: []\nextra: 1\n")).isNotEmpty();
        assertThat(validate("x.yaml", "version: 1\ndomains: [{kind: bare, vcpus: [{mode: long4, cr3: 0x1000}]}]\n"
                + "steps: [{op: invlpg, va: 0x1000, expect: {outcome: ok}}]\n")).isEmpty();
    }
}
