package xpf.prop.choice;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A saved counterexample: the property it belongs to and the choice sequence that replays it, plus the facts a
 * reader wants (seed, try, values, failure). JSON, one number per choice (unsigned), so it can be read and edited.
 */
public record ChoiceFile(String property, long seed, long tryIndex, ChoiceSequence choices, String original,
                         String shrunk, String failure, int shrinkSteps, List<String> replay) {
    public static final String FORMAT = "xpf-prop-choices/1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ChoiceFile {
        replay = List.copyOf(replay);
    }

    public void write(Path file) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("property", property);
        root.put("seed", seed);
        root.put("try", tryIndex);
        root.put("shrinkSteps", shrinkSteps);
        ArrayNode cs = root.putArray("choices");
        for (int i = 0; i < choices.length(); i++) {
            long v = choices.get(i);
            if (v >= 0) {
                cs.add(v);
            } else {
                cs.add(new BigInteger(Long.toUnsignedString(v)));
            }
        }
        root.put("original", original);
        root.put("shrunk", shrunk);
        root.put("failure", failure);
        ArrayNode rs = root.putArray("replay");
        replay.forEach(rs::add);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, MAPPER.writeValueAsString(root) + "\n");
    }

    /** Reads a choice file; a malformed one fails with a message naming the file and the field. */
    public static ChoiceFile read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read choice file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("choice file " + file + ": not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("choice file " + file + ": field format must be \"" + FORMAT + "\"");
        }
        String property = text(root, "property", file);
        JsonNode cs = root.get("choices");
        if (cs == null || !cs.isArray()) {
            throw new IllegalArgumentException("choice file " + file + ": field choices must be an array");
        }
        long[] values = new long[cs.size()];
        BigInteger limit = BigInteger.ONE.shiftLeft(64);
        for (int i = 0; i < values.length; i++) {
            JsonNode n = cs.get(i);
            if (!n.isIntegralNumber() || n.bigIntegerValue().signum() < 0 || n.bigIntegerValue().compareTo(limit) >= 0) {
                throw new IllegalArgumentException("choice file " + file + ": field choices[" + i
                        + "] must be an integer in [0, 2^64), got " + n);
            }
            values[i] = n.bigIntegerValue().longValue();
        }
        List<String> replay = new ArrayList<>();
        root.path("replay").forEach(r -> replay.add(r.asText()));
        return new ChoiceFile(property, root.path("seed").asLong(), root.path("try").asLong(-1),
                ChoiceSequence.wrap(values), root.path("original").asText(""), root.path("shrunk").asText(""),
                root.path("failure").asText(""), root.path("shrinkSteps").asInt(0), replay);
    }

    private static String text(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException("choice file " + file + ": field " + field + " must be a non-empty string");
        }
        return n.asText();
    }
}
