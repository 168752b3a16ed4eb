package xpf.prop.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Statistics as JSON (Allure attachment, target/prop-stats/), read by the report module's charts. */
public final class StatisticsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatisticsJson() {
    }

    public static ObjectNode toJson(String propertyId, Statistics s) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("property", propertyId);
        root.put("tries", s.tries());
        root.put("discarded", s.discarded());
        ObjectNode cats = root.putObject("categories");
        s.categories().forEach((category, labels) -> {
            ArrayNode arr = cats.putArray(category);
            for (LabelCount l : labels) {
                arr.addObject().put("label", l.label()).put("count", l.count()).put("percent", l.percent());
            }
        });
        ArrayNode cov = root.putArray("coverage");
        for (CoverageResult c : s.coverage()) {
            cov.addObject().put("category", c.requirement().category()).put("label", c.requirement().label())
                    .put("minPercent", c.requirement().minPercent()).put("minCount", c.requirement().minCount())
                    .put("count", c.count()).put("percent", c.percent()).put("met", c.met());
        }
        return root;
    }

    public static String render(String propertyId, Statistics s) {
        try {
            return MAPPER.writeValueAsString(toJson(propertyId, s));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
