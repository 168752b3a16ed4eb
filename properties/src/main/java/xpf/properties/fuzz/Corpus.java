package xpf.properties.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import xpf.prop.choice.ChoiceSequence;
import xpf.sim.cli.UserError;

/**
 * The random mode's corpus: the choice sequences of the tries that first reached a catalogue path, one file each
 * ({@code <sha1>.choices}: a header line, then the choices as unsigned decimal numbers). A run replays the corpus
 * first, so every saved input is checked again (a regression check for free) and the paths it reaches count as
 * reached; it then adds the tries that reach a path no entry reached. Entries are written whole (temporary file,
 * then a move), so Ctrl-C never leaves half an entry. Coverage-guided mode keeps libFuzzer's byte inputs beside it,
 * in {@code libfuzzer/}.
 */
public final class Corpus {

    static final String HEADER = "xpf-fuzz-corpus/1";

    private final Path dir;

    public Corpus(Path dir) {
        this.dir = dir;
    }

    /** The random mode's entries folder. */
    public Path choicesDir() {
        return dir.resolve("choices");
    }

    /** libFuzzer's folder (coverage-guided mode). */
    public Path libFuzzerDir() {
        return dir.resolve("libfuzzer");
    }

    /** Every entry, in file-name order (deterministic). A malformed entry is a user error naming the file and line. */
    public List<ChoiceSequence> load() {
        List<ChoiceSequence> out = new ArrayList<>();
        if (!Files.isDirectory(choicesDir())) {
            return out;
        }
        try (Stream<Path> files = Files.list(choicesDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".choices")).sorted().toList()) {
                out.add(read(f));
            }
        } catch (IOException e) {
            throw new UserError("fuzz: --corpus: cannot read " + choicesDir() + ": " + e.getMessage());
        }
        return out;
    }

    static ChoiceSequence read(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
            throw new UserError(f + ":1: not a fuzz corpus entry (expected a first line '" + HEADER + " ...')");
        }
        List<Long> vals = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            for (String tok : lines.get(i).trim().split("\\s+")) {
                if (tok.isEmpty()) {
                    continue;
                }
                try {
                    vals.add(Long.parseUnsignedLong(tok));
                } catch (NumberFormatException e) {
                    throw new UserError(f + ":" + (i + 1) + ": '" + tok + "' is not an unsigned number");
                }
            }
        }
        long[] a = new long[vals.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = vals.get(i);
        }
        return ChoiceSequence.wrap(a);
    }

    /** Saves an entry (no-op when the same choices are already saved); returns its file. */
    public Path save(ChoiceSequence choices, String note) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < choices.length(); i++) {
            b.append(Long.toUnsignedString(choices.get(i))).append(i % 16 == 15 ? '\n' : ' ');
        }
        String body = b.toString().trim() + "\n";
        Path file = choicesDir().resolve(sha1(body) + ".choices");
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(choicesDir());
        Path tmp = Files.createTempFile(choicesDir(), ".entry-", ".tmp");
        try {
            Files.writeString(tmp, HEADER + " " + note + "\n" + body);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
