package xpf.sim.scenario.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import xpf.sim.cli.UserError;

/** The scenario files named on a command line: files as given, directories searched for .yaml/.yml/.json. */
public final class ScenarioFiles {

    private ScenarioFiles() {
    }

    /** Whether a file name is a scenario file ({@code .jsonl} walk files are not). */
    public static boolean isScenario(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    /** Expands arguments in order; each directory's files sorted by path (deterministic on every machine). */
    public static List<Path> expand(List<String> args, String command) {
        List<Path> out = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    List<Path> found = s.filter(Files::isRegularFile).filter(ScenarioFiles::isScenario)
                            .sorted((x, y) -> x.toString().compareTo(y.toString())).toList();
                    if (found.isEmpty()) {
                        throw new UserError(command + ": no scenario files (.yaml, .yml, .json) under " + a);
                    }
                    out.addAll(found);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new UserError(command + ": no such file or directory: " + a);
            }
        }
        return out;
    }
}
