package xpf.sim.scenario.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One malformed scenario file of src/test/resources/scenarios/malformed and what it must give: the exact error
 * ({@code LINE:COLUMN: path: message}, after the file name) and whether the JSON Schema detects the mistake
 * ({@code rejects}) or not ({@code accepts}: only the loader knows frames, MAXPHYADDR, domains...), or the file is
 * not a document a schema could look at ({@code n/a}: syntax errors, duplicate keys, aliases). YAML files carry
 * this in their first comment lines, JSON files in {@code NAME.json.expected}.
 */
public record MalformedCase(Path file, String mistake, String error, String schema) {

    public static Path dir() {
        return Path.of("src/test/resources/scenarios/malformed");
    }

    public static List<MalformedCase> all() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted()
                    .map(MalformedCase::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MalformedCase of(Path p) {
        try {
            List<String> meta = p.toString().endsWith(".json")
                    ? Files.readAllLines(Path.of(p + ".expected"))
                    : Files.readAllLines(p).stream().limit(3).map(l -> l.replaceFirst("^# ?", "")).toList();
            String mistake = field(meta, "mistake", p);
            String error = field(meta, "error", p);
            String schema = field(meta, "schema", p);
            if (!List.of("rejects", "accepts", "n/a").contains(schema)) {
                throw new IllegalStateException(p + ": schema must be rejects, accepts or n/a, not '" + schema + "'");
            }
            return new MalformedCase(p, mistake, error, schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String field(List<String> meta, String key, Path p) {
        for (String l : meta) {
            if (l.startsWith(key + ": ")) {
                return l.substring(key.length() + 2);
            }
        }
        throw new IllegalStateException(p + ": no '" + key + ":' line in its header");
    }

    @Override
    public String toString() {
        return file.getFileName() + " (" + mistake + ")";
    }
}
