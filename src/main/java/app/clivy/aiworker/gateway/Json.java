package app.clivy.aiworker.gateway;

import app.clivy.aiworker.config.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The small JSON chores of the dialects. */
final class Json {

    private static final ObjectMapper JSON = JsonMappers.create();

    private Json() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first non-empty scalar at one of the dotted paths ({@code messages.0.id}), or null. */
    static String first(JsonNode root, String... paths) {
        if (root == null) {
            return null;
        }
        for (String path : paths) {
            JsonNode node = root;
            for (String field : path.split("\\.")) {
                node = field.matches("\\d+") ? node.path(Integer.parseInt(field)) : node.path(field);
            }
            if (node.isValueNode() && !node.asText().isEmpty()) {
                return node.asText();
            }
        }
        return null;
    }
}
