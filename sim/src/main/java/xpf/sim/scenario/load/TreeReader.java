package xpf.sim.scenario.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;

/**
 * Reads YAML or JSON text into a located {@link Node} tree with Jackson's streaming parser, remembering the location
 * of every token. Rejects what Jackson would let through silently: duplicate keys, YAML aliases, a second document.
 */
public final class TreeReader {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private final String file;
    private final JsonParser parser;
    /** The field path being read, for syntax errors. */
    private String path = "";

    private TreeReader(String file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /**
     * @param file the name to report in messages (as the user typed it)
     * @param json true for JSON, false for YAML
     */
    public static Node read(String file, String content, boolean json) {
        try (JsonParser p = (json ? JSON : YAML).createParser(content)) {
            TreeReader r = new TreeReader(file, p);
            try {
                JsonToken t = p.nextToken();
                if (t == null) {
                    throw new ScenarioLoadException(file, Location.START, "", "the file is empty");
                }
                Node root = r.value(t);
                JsonToken extra = p.nextToken();
                if (extra != null) {
                    throw new ScenarioLoadException(file, r.here(), "", "more than one document in the file "
                            + "(a scenario file holds exactly one)");
                }
                return root;
            } catch (JsonProcessingException e) {
                throw r.syntaxError(e);
            }
        } catch (IOException e) {
            throw new ScenarioLoadException(file, Location.START, "", "cannot read: " + e.getMessage());
        }
    }

    /** Whether a file name is read as JSON (by extension); everything else is YAML. */
    public static boolean isJson(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    private ScenarioLoadException syntaxError(JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        Location at = l == null || l.getLineNr() < 1 ? here() : new Location(l.getLineNr(), Math.max(1, l.getColumnNr()));
        String msg = e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException y
                && y.getProblem() != null) {
            // snakeyaml's first line is the context ("while parsing a flow mapping"); the problem says what is wrong
            msg = y.getProblem() + (y.getContext() == null ? "" : " (" + y.getContext()
                    + (y.getContextMark() == null ? "" : " that starts at line " + (y.getContextMark().getLine() + 1))
                    + ")");
            if (y.getProblemMark() != null) {
                at = new Location(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1);
            }
        }
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        return new ScenarioLoadException(file, at, path, "syntax error: " + msg.strip());
    }

    private Location here() {
        JsonLocation l = parser.currentTokenLocation();
        return new Location(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    private Node value(JsonToken t) throws IOException {
        Location at = here();
        if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
            throw new ScenarioLoadException(file, at, path, "YAML aliases (*" + parser.getText()
                    + ") are not supported: write the value out");
        }
        return switch (t) {
            case START_OBJECT -> map(at);
            case START_ARRAY -> list(at);
            case VALUE_STRING -> new Node.Scalar(at, parser.getText(), Node.ScalarType.STRING);
            case VALUE_NUMBER_INT -> new Node.Scalar(at, parser.getText(), Node.ScalarType.INT);
            case VALUE_NUMBER_FLOAT -> new Node.Scalar(at, parser.getText(), Node.ScalarType.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = parser.getText();
                boolean real = text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
                yield new Node.Scalar(at, text, real ? Node.ScalarType.BOOL : Node.ScalarType.STRING);
            }
            case VALUE_NULL -> new Node.Scalar(at, "null", Node.ScalarType.NULL);
            default -> throw new ScenarioLoadException(file, at, path, "unexpected " + t);
        };
    }

    private Node map(Location at) throws IOException {
        String base = path;
        SequencedMap<String, Node.Entry> entries = new LinkedHashMap<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new ScenarioLoadException(file, here(), base, "expected a key, got " + t);
            }
            String key = parser.currentName();
            Location keyAt = here();
            String keyPath = base.isEmpty() ? key : base + "." + key;
            if (entries.containsKey(key)) {
                Location first = entries.get(key).keyLocation();
                throw new ScenarioLoadException(file, keyAt, keyPath, "duplicate key '" + key + "' (first at line "
                        + first.line() + ")");
            }
            path = keyPath;
            JsonToken v = parser.nextToken();
            entries.put(key, new Node.Entry(key, keyAt, value(v)));
            path = base;
        }
        return new Node.MapNode(at, entries);
    }

    private Node list(Location at) throws IOException {
        String base = path;
        List<Node> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new ScenarioLoadException(file, here(), base, "unexpected end of file in a list");
            }
            path = base + "[" + items.size() + "]";
            items.add(value(t));
            path = base;
        }
        return new Node.ListNode(at, items);
    }
}
