package xpf.conformance.allure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Run records and the report's environment. Every run that writes results (each Maven module's test JVM through
 * {@link AllureRunListener}, each CLI command) leaves one {@code xpf-run-<source>.json} in the results folder:
 * its source, JDK, git commit and the {@link RunFacts} (Xen profiles, vendors, seed, tries...). The Allure
 * {@code environment.properties} is the merge of all run records: for each key, the distinct values joined by
 * {@code ", "}, so one report over several runs says which profiles, vendors and seeds it covers.
 */
public final class Environment {

    public static final String JDK = "JDK";
    public static final String XEN_PROFILES = "Xen profiles";
    public static final String VENDORS = "Vendors";
    public static final String SEED = "Seed";
    public static final String TRIES = "Tries";
    public static final String GIT_COMMIT = "Git commit";
    public static final String RUNS = "Runs";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Environment() {
    }

    /** The JDK running this: version and vendor. */
    public static String jdk() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    }

    /** {@code git rev-parse --short=12 HEAD} in {@code dir} (plus {@code -dirty}), or null when git cannot tell. */
    public static String gitCommit(Path dir) {
        String head = git(dir, "rev-parse", "--short=12", "HEAD");
        if (head == null || head.isBlank()) {
            return null;
        }
        String status = git(dir, "status", "--porcelain", "--untracked-files=no");
        return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Writes (or replaces) the run record of {@code source} ({@code maven-conformance}, {@code cli-conform}, ...)
     * with the JDK, the git commit of {@code repo}, and {@code entries}.
     */
    public static Path writeRunRecord(Path results, String source, Path repo, Map<String, String> entries) {
        ObjectNode n = JSON.createObjectNode();
        n.put("source", source);
        n.put("written", Instant.now().toString());
        ObjectNode e = n.putObject("entries");
        e.put(JDK, jdk());
        String commit = repo == null ? null : gitCommit(repo);
        if (commit != null) {
            e.put(GIT_COMMIT, commit);
        }
        entries.forEach(e::put);
        Path f = results.resolve("xpf-run-" + source.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
        try {
            Files.createDirectories(results);
            Files.writeString(f, JSON.writeValueAsString(n) + "\n");
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + f, ex);
        }
        return f;
    }

    /** The merged entries of every run record in {@code results} (in key order of first appearance). */
    public static Map<String, String> merged(Path results) {
        Map<String, Set<String>> values = new LinkedHashMap<>();
        List<String> runs = new ArrayList<>();
        if (Files.isDirectory(results)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(results, "xpf-run-*.json")) {
                List<Path> files = new ArrayList<>();
                ds.forEach(files::add);
                files.sort(null);
                for (Path f : files) {
                    JsonNode n = JSON.readTree(f.toFile());
                    runs.add(n.path("source").asText(f.getFileName().toString()));
                    Iterator<Map.Entry<String, JsonNode>> it = n.path("entries").fields();
                    while (it.hasNext()) {
                        Map.Entry<String, JsonNode> en = it.next();
                        Set<String> set = values.computeIfAbsent(en.getKey(), k -> new LinkedHashSet<>());
                        for (String part : en.getValue().asText().split(", ")) {
                            if (!part.isBlank()) {
                                set.add(part);
                            }
                        }
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read run records in " + results, ex);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, String.join(", ", v)));
        if (!runs.isEmpty()) {
            out.put(RUNS, String.join(", ", runs));
        }
        return out;
    }

    /** Writes {@code environment.properties}: the merged run records, then {@code extra} (which wins). */
    public static void write(Path results, Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(merged(results));
        all.putAll(extra);
        StringBuilder b = new StringBuilder();
        all.forEach((k, v) -> b.append(escapeKey(k)).append('=').append(escapeValue(v)).append('\n'));
        try {
            Files.createDirectories(results);
            Files.writeString(results.resolve("environment.properties"), b.toString(), StandardCharsets.ISO_8859_1);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write environment.properties in " + results, ex);
        }
    }

    private static String escapeKey(String k) {
        return escapeValue(k).replace(" ", "\\ ").replace("=", "\\=").replace(":", "\\:");
    }

    private static String escapeValue(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c > 0x7e || c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
