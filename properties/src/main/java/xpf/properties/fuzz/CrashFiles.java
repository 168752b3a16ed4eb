package xpf.properties.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import xpf.model.scenario.Scenario;
import xpf.properties.ScenarioRenderer;
import xpf.properties.check.Oracles;
import xpf.sim.scenario.load.ScenarioWriter;

/**
 * The crashes folder: one scenario file per de-duplicated failure, named by its key
 * ({@code <check>--<path>.yaml}), annotated like the suite's counterexamples (each step's outcome, the reference's
 * answer on the failing step, a {@code VIOLATES} note) and headed by the key, how it was found and the replay
 * command. Files are written whole (a temporary file moved in place), so an interrupted run leaves no half file. A
 * key whose file already exists (an earlier run's, or a checked-in regression) is known: it is never overwritten.
 */
public final class CrashFiles {

    static final String CHECK = "fuzz-check: ";
    static final String PATH = "fuzz-path: ";
    static final String SHRUNK = "shrunk-check: ";

    private final Path dir;

    public CrashFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path fileOf(FindingKey key) {
        return dir.resolve(key.slug() + ".yaml");
    }

    /** The keys of the files already in the folder (from their headers), mapped to their files. */
    public Map<FindingKey, Path> known() {
        Map<FindingKey, Path> m = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return m;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                FindingKey k = keyOf(f);
                if (k != null) {
                    m.put(k, f);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return m;
    }

    /** The check the saved (shrunk) scenario fails: its {@code shrunk-check:} header line, else the key's check. */
    public static String shrunkCheckOf(Path f) {
        try {
            for (String line : Files.readAllLines(f)) {
                if (!line.startsWith("#")) {
                    break;
                }
                String l = line.substring(1).trim();
                if (l.startsWith(SHRUNK)) {
                    return l.substring(SHRUNK.length()).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        FindingKey k = keyOf(f);
        return k == null ? null : k.check();
    }

    /** The key in a crash file's header, or null if it has none. */
    public static FindingKey keyOf(Path f) {
        String check = null;
        String path = null;
        try {
            for (String line : Files.readAllLines(f)) {
                if (!line.startsWith("#")) {
                    break;
                }
                String l = line.substring(1).trim();
                if (l.startsWith(CHECK)) {
                    check = l.substring(CHECK.length()).trim();
                } else if (l.startsWith(PATH)) {
                    path = l.substring(PATH.length()).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return check == null || path == null ? null : new FindingKey(check, path);
    }

    /**
     * Writes the shrunk scenario of a new finding; returns the file, or the existing file when the key is known.
     *
     * @param found how it was found, for the header ({@code ./xpf fuzz --seed 1 --try 42 --only svm})
     */
    public Path write(FindingKey key, FindingKey shrunkKey, Scenario shrunk, Oracles oracles, String found,
            String message) throws IOException {
        Path file = fileOf(key);
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dir);
        Scenario annotated = ScenarioRenderer.annotate(shrunk, oracles);
        String shown = shown(file);
        List<String> header = new ArrayList<>();
        header.add("Found by the fuzzer: " + found);
        header.add(CHECK + key.check());
        header.add(PATH + key.path());
        if (shrunkKey != null) {
            header.add(SHRUNK + shrunkKey.check());
            if (!shrunkKey.equals(key)) {
                header.add("(the key is the original failure's; the shrunk scenario fails " + shrunkKey + ")");
            }
        }
        header.add("failure: " + firstLine(message));
        header.add("replay: ./xpf replay " + shown);
        header.add("explain: ./xpf explain " + shown);
        Path tmp = Files.createTempFile(dir, ".crash-", ".tmp");
        try {
            Files.writeString(tmp, ScenarioWriter.write(annotated, header));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** The path as the user should type it: relative to the repository root when inside it. */
    static String shown(Path file) {
        String root = System.getProperty("xpf.root");
        Path f = file.toAbsolutePath().normalize();
        Path r = root == null || root.isBlank() ? Path.of("").toAbsolutePath() : Path.of(root).toAbsolutePath();
        return f.startsWith(r.normalize()) ? r.normalize().relativize(f).toString() : f.toString();
    }
}
