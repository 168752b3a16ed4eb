package xpf.conformance.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule catalogue of the corpus, {@code conformance/rules.yaml}: one entry per rule row of the reference documents
 * (which are not in the repository, so their rows are listed here), each required (a scenario must carry its tag),
 * waived (no scenario can reach it; named JUnit tests cover it instead) or a section tag; plus the generic tags a
 * scenario may carry that are not rules ({@code examples}, {@code xen-3.1}, ...).
 */
public final class RuleCatalogue {
    /** The catalogue file, relative to the repository root. */
    public static final String FILE = "conformance/rules.yaml";

    public enum Status {
        REQUIRED, WAIVED, SECTION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One rule row.
     *
     * @param profiles the Xen profiles ({@code xen-3.1}, {@code xen-4.22}) that each need a scenario (empty: any)
     * @param tests    for waived rules: {@code fully.qualified.Class#method}
     */
    public record Rule(String id, String title, String source, Status status, List<String> profiles, String reason,
            List<String> tests) {
        public Rule {
            profiles = List.copyOf(profiles);
            tests = List.copyOf(tests);
        }

        /** The reference section the row belongs to, e.g. {@code x86 §1.1c}, {@code PV §2.7}, {@code seed}. */
        public String family() {
            Matcher m = FAMILY.matcher(source);
            if (!m.find()) {
                return source.startsWith("seed") ? "seed" : "other";
            }
            String doc = switch (m.group(1)) {
                case "x86-paging.md" -> "x86";
                case "xen-pv-fault-path.md" -> "PV";
                case "xen-hvm-fault-path.md" -> "HVM";
                default -> m.group(1);
            };
            return doc + " §" + m.group(2);
        }
    }

    public record GenericTag(String tag, String meaning) {
    }

    private static final Pattern FAMILY = Pattern.compile("^(\\S+\\.md) §(\\d+(?:\\.\\d+[a-z]?)?)");
    private static final Set<String> PROFILES = Set.of("xen-3.1", "xen-4.22");

    private final Map<String, Rule> rules;
    private final Map<String, GenericTag> generic;

    private RuleCatalogue(Map<String, Rule> rules, Map<String, GenericTag> generic) {
        this.rules = rules;
        this.generic = generic;
    }

    public List<Rule> rules() {
        return List.copyOf(rules.values());
    }

    public Rule rule(String id) {
        return rules.get(id);
    }

    public Map<String, GenericTag> genericTags() {
        return generic;
    }

    public boolean knows(String tag) {
        return rules.containsKey(tag) || generic.containsKey(tag);
    }

    public static RuleCatalogue load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rule catalogue " + file, e);
        }
    }

    /**
     * Reads the catalogue strictly: unknown keys, duplicate keys and ids, missing fields, a waiver without reason or
     * tests, profiles on a rule that is not required: each an {@link IllegalArgumentException} naming the entry.
     */
    public static RuleCatalogue parse(String name, String yaml) {
        ObjectMapper m = new ObjectMapper(new YAMLFactory());
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        JsonNode root;
        try {
            root = m.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        only(root, name, "version", "generic_tags", "rules");
        if (root.path("version").asInt() != 1) {
            throw new IllegalArgumentException(name + ": version must be 1");
        }
        Map<String, GenericTag> generic = new LinkedHashMap<>();
        for (JsonNode g : root.path("generic_tags")) {
            only(g, name + " generic_tags", "tag", "meaning");
            GenericTag t = new GenericTag(req(g, "tag", name), req(g, "meaning", name));
            if (generic.put(t.tag(), t) != null) {
                throw new IllegalArgumentException(name + ": generic tag '" + t.tag() + "' listed twice");
            }
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (JsonNode r : root.path("rules")) {
            String id = req(r, "id", name);
            String where = name + " rule " + id;
            only(r, where, "id", "title", "source", "status", "profiles", "reason", "tests");
            Status status;
            try {
                status = Status.valueOf(req(r, "status", where).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": status must be required, waived or section, not '"
                        + r.path("status").asText() + "'");
            }
            List<String> profiles = strings(r.path("profiles"));
            List<String> tests = strings(r.path("tests"));
            String reason = r.hasNonNull("reason") ? r.get("reason").asText() : null;
            if (status == Status.WAIVED && (reason == null || reason.isBlank() || tests.isEmpty())) {
                throw new IllegalArgumentException(where + ": a waived rule needs a reason and the tests that cover it");
            }
            if (status != Status.WAIVED && (reason != null || !tests.isEmpty())) {
                throw new IllegalArgumentException(where + ": only a waived rule has a reason and tests");
            }
            if (status != Status.REQUIRED && !profiles.isEmpty()) {
                throw new IllegalArgumentException(where + ": only a required rule has profiles");
            }
            for (String p : profiles) {
                if (!PROFILES.contains(p)) {
                    throw new IllegalArgumentException(where + ": unknown profile '" + p + "' (expected " + PROFILES
                            + ")");
                }
            }
            Rule rule = new Rule(id, req(r, "title", where), req(r, "source", where), status, profiles, reason, tests);
            if (rules.put(id, rule) != null) {
                throw new IllegalArgumentException(name + ": rule id '" + id + "' listed twice");
            }
            if (generic.containsKey(id)) {
                throw new IllegalArgumentException(where + ": the id is also a generic tag");
            }
        }
        return new RuleCatalogue(rules, generic);
    }

    private static void only(JsonNode n, String where, String... keys) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + ": expected a map");
        }
        Set<String> allowed = Set.of(keys);
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key '" + k + "' (expected "
                        + String.join(", ", keys) + ")");
            }
        }
    }

    private static String req(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": missing '" + key + "'");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.asText());
        } else {
            n.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
