package xpf.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import xpf.conformance.allure.ScenarioLabels;

/**
 * What a results folder holds, read from its {@code *-result.json} files: counts by status, the Xen profiles and
 * vendors of the scenario results, and the seeds and tries the property results report as parameters. Allure keeps
 * only the latest result per history id as the test (earlier ones are retries), so counts here are per history id.
 */
public record ResultsSummary(Map<String, Integer> statuses, int total, SortedSet<String> profiles,
        SortedSet<String> vendors, SortedSet<String> seeds, long tries, int properties) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads every result of {@code results}; throws {@link NoResultsException} when there is none. */
    public static ResultsSummary read(Path results) {
        if (!Files.isDirectory(results)) {
            throw new NoResultsException(results);
        }
        Map<String, JsonNode> latest = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(results, "*-result.json")) {
            for (Path f : ds) {
                JsonNode n;
                try {
                    n = JSON.readTree(f.toFile());
                } catch (IOException e) {
                    continue; // a half-written file from a killed run: Allure skips it too
                }
                String key = n.path("historyId").asText(n.path("uuid").asText(f.getFileName().toString()));
                JsonNode prev = latest.get(key);
                if (prev == null || n.path("stop").asLong() >= prev.path("stop").asLong()) {
                    latest.put(key, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + results, e);
        }
        if (latest.isEmpty()) {
            throw new NoResultsException(results);
        }
        Map<String, Integer> statuses = new TreeMap<>();
        SortedSet<String> profiles = new TreeSet<>();
        SortedSet<String> vendors = new TreeSet<>();
        SortedSet<String> seeds = new TreeSet<>();
        long tries = 0;
        int properties = 0;
        for (JsonNode n : latest.values()) {
            statuses.merge(n.path("status").asText("unknown"), 1, Integer::sum);
            for (JsonNode l : n.path("labels")) {
                String name = l.path("name").asText();
                if (name.equals(ScenarioLabels.XEN)) {
                    profiles.add(l.path("value").asText());
                } else if (name.equals(ScenarioLabels.VENDOR)) {
                    vendors.add(l.path("value").asText());
                }
            }
            boolean property = false;
            for (JsonNode p : n.path("parameters")) {
                String name = p.path("name").asText().toLowerCase(Locale.ROOT);
                String value = p.path("value").asText();
                if (name.equals("seed") || name.endsWith(": seed")) {
                    seeds.add(value);
                    property = true;
                } else if (name.equals("tries") || name.endsWith(": tries")) {
                    try {
                        tries += Long.parseLong(value.strip());
                    } catch (NumberFormatException e) {
                        // not a count: ignore
                    }
                    property = true;
                }
            }
            if (property) {
                properties++;
            }
        }
        return new ResultsSummary(Collections.unmodifiableMap(statuses), latest.size(), profiles, vendors, seeds,
                tries, properties);
    }

    public int count(String status) {
        return statuses.getOrDefault(status, 0);
    }

    /**
     * {@code passed 3, failed 1, broken 1, skipped 1} (status first: the words "N passed, N failed" are the closing
     * line of a test run in CI logs, and a report is not a test run).
     */
    public String line() {
        List<String> parts = new ArrayList<>();
        for (String s : List.of("passed", "failed", "broken", "skipped", "unknown")) {
            if (!s.equals("unknown") || count(s) > 0) {
                parts.add(s + " " + count(s));
            }
        }
        return String.join(", ", parts);
    }
}
