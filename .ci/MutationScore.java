import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges PIT's mutations.xml files into one mutation score (docs/mutation.md). Run by .ci/mutation with the JDK's
 * single-file launcher: {@code java .ci/MutationScore.java [--out DIR] [--allure DIR] [--min PCT] [--commit SHA]
 * mutations.xml...}.
 *
 * <p>A mutant is identified by class, method, descriptor, line, mutator, bytecode indexes and description, so the
 * same mutant reported by several runs (sim's tests, conformance's tests) is one mutant; it is detected when any run
 * detected it (KILLED, TIMED_OUT, MEMORY_ERROR, RUN_ERROR). A truncated file (a run that was stopped) is read up to
 * its last complete mutation and reported as partial. Writes DIR/score.md (per-package table), DIR/score.json (also
 * copied to the Allure results folder as xpf-mutation.json when --allure names an existing folder) and
 * DIR/survivors.tsv (every SURVIVED / NO_COVERAGE mutant). With --min, exits 1 when the score is below PCT.
 */
public class MutationScore {

    static final Pattern MUTATION = Pattern.compile("<mutation (.*?)</mutation>", Pattern.DOTALL);
    static final Pattern ATTR = Pattern.compile("(\\w+)='([^']*)'");
    static final List<String> RANK = List.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR", "SURVIVED",
            "NO_COVERAGE", "NON_VIABLE", "NOT_STARTED", "STARTED");

    record Mutant(String cls, String method, String desc, int line, String mutator, String indexes,
            String description, String file) {
        String pkg() {
            int i = cls.lastIndexOf('.');
            return i < 0 ? "" : cls.substring(0, i);
        }
    }

    static String tag(String body, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(body);
        return m.find() ? m.group(1) : "";
    }

    static boolean detected(String status) {
        return RANK.indexOf(status) >= 0 && RANK.indexOf(status) <= 3;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("target", "mutation");
        Path allure = null;
        Double min = null;
        String commit = "";
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--allure" -> allure = Path.of(args[++i]);
                case "--min" -> min = Double.parseDouble(args[++i]);
                case "--commit" -> commit = args[++i];
                default -> inputs.add(Path.of(args[i]));
            }
        }
        Map<Mutant, String> status = new LinkedHashMap<>();
        List<String> sources = new ArrayList<>();
        boolean partial = false;
        for (Path in : inputs) {
            if (!Files.isRegularFile(in)) {
                System.err.println("mutation-score: " + in + ": no such file (skipped)");
                continue;
            }
            String xml = Files.readString(in);
            // (PIT writes partial="true" on every run with a class filter; only a missing end tag means unfinished)
            boolean thisPartial = !xml.stripTrailing().endsWith("</mutations>");
            partial |= thisPartial;
            int n = 0;
            Matcher m = MUTATION.matcher(xml);
            while (m.find()) {
                String body = m.group(0);
                Map<String, String> attrs = new TreeMap<>();
                Matcher a = ATTR.matcher(body.substring(0, body.indexOf('>')));
                while (a.find()) {
                    attrs.put(a.group(1), a.group(2));
                }
                Mutant mu = new Mutant(tag(body, "mutatedClass"), tag(body, "mutatedMethod"),
                        tag(body, "methodDescription"), Integer.parseInt(tag(body, "lineNumber").isEmpty() ? "0"
                                : tag(body, "lineNumber")), tag(body, "mutator"), tag(body, "indexes"),
                        tag(body, "description"), tag(body, "sourceFile"));
                String st = attrs.getOrDefault("status", "STARTED");
                status.merge(mu, st, (x, y) -> RANK.indexOf(x) <= RANK.indexOf(y) ? x : y);
                n++;
            }
            sources.add(in + " (" + n + " mutants" + (thisPartial ? ", PARTIAL: the run did not finish" : "") + ")");
        }
        if (status.isEmpty()) {
            System.err.println("mutation-score: no mutants in " + inputs + " (run .ci/mutation first)");
            System.exit(2);
        }
        Map<String, int[]> byPkg = new TreeMap<>(); // total, detected, survived, noCoverage, timedOut
        List<String> survivors = new ArrayList<>();
        status.forEach((mu, st) -> {
            int[] c = byPkg.computeIfAbsent(mu.pkg(), k -> new int[5]);
            c[0]++;
            if (detected(st)) {
                c[1]++;
            }
            if (st.equals("SURVIVED")) {
                c[2]++;
            }
            if (st.equals("NO_COVERAGE")) {
                c[3]++;
            }
            if (st.equals("TIMED_OUT")) {
                c[4]++;
            }
            if (st.equals("SURVIVED") || st.equals("NO_COVERAGE")) {
                String mutator = mu.mutator().substring(mu.mutator().lastIndexOf('.') + 1);
                survivors.add(String.join("\t", st, mu.cls(), mu.method(), String.valueOf(mu.line()), mutator,
                        mu.description()));
            }
        });
        int[] tot = new int[5];
        byPkg.values().forEach(c -> {
            for (int i = 0; i < 5; i++) {
                tot[i] += c[i];
            }
        });
        double score = 100.0 * tot[1] / tot[0];
        StringBuilder md = new StringBuilder();
        md.append("# Mutation score").append(commit.isEmpty() ? "" : " at " + commit).append("\n\n");
        md.append(String.format(Locale.ROOT, "**%.1f %%** (%d of %d mutants detected)%s%n%n", score, tot[1], tot[0],
                partial ? "; PARTIAL: at least one run did not finish" : ""));
        md.append("| package | mutants | detected | survived | no coverage | timed out | score |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"commit\": \"").append(commit).append("\",\n  \"partial\": ").append(partial)
                .append(",\n  \"mutants\": ").append(tot[0]).append(",\n  \"detected\": ").append(tot[1])
                .append(",\n  \"score\": ").append(String.format(Locale.ROOT, "%.1f", score))
                .append(",\n  \"packages\": [");
        boolean first = true;
        for (Map.Entry<String, int[]> e : byPkg.entrySet()) {
            int[] c = e.getValue();
            double s = 100.0 * c[1] / c[0];
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.1f %% |%n", e.getKey(), c[0],
                    c[1], c[2], c[3], c[4], s));
            json.append(first ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"package\": \"%s\", \"mutants\": %d, \"detected\": %d, \"survived\": %d, "
                            + "\"noCoverage\": %d, \"timedOut\": %d, \"score\": %.1f}",
                    e.getKey(), c[0], c[1], c[2], c[3], c[4], s));
            first = false;
        }
        md.append(String.format(Locale.ROOT, "| **all** | %d | %d | %d | %d | %d | **%.1f %%** |%n", tot[0], tot[1],
                tot[2], tot[3], tot[4], score));
        md.append("\nFrom: ").append(String.join("; ", sources)).append("\n");
        json.append("\n  ]\n}\n");
        Files.createDirectories(out);
        Files.writeString(out.resolve("score.md"), md);
        Files.writeString(out.resolve("score.json"), json);
        Files.writeString(out.resolve("survivors.tsv"), "status\tclass\tmethod\tline\tmutator\tdescription\n"
                + String.join("\n", survivors) + "\n");
        if (allure != null && Files.isDirectory(allure)) {
            Files.writeString(allure.resolve("xpf-mutation.json"), json);
        }
        System.out.print(md);
        System.out.println("Written: " + out.resolve("score.md") + ", score.json, survivors.tsv");
        if (min != null && score < min) {
            System.err.printf(Locale.ROOT, "mutation-score: %.1f %% is below the minimum %.1f %%%n", score, min);
            System.exit(1);
        }
    }
}
