package io.runbook.engine.journal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.runbook.engine.secret.Redactor;
import java.util.List;
import java.util.Map;

/** The one JSON mapping of the journal: records, inputs and outputs as JSON with ISO times and durations. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

  private Json() {}

  /** Any value (record, map, list, scalar) as a JSON tree with every text redacted. */
  public static JsonNode redactedTree(Object value, Redactor redactor) {
    JsonNode tree = MAPPER.valueToTree(value);
    return redact(tree, redactor);
  }

  /** Whether {@code text} is one JSON value. */
  static boolean parses(String text) {
    try {
      MAPPER.readTree(text);
      return true;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    }
  }

  /** Texts (and names) whose escaped JSON form holds a piece of a secret become {@code ***} whole. */
  static JsonNode withholdEscapedSecrets(JsonNode node, Redactor redactor) {
    if (node.isTextual()) return escapedHoldsSecret(node.textValue(), redactor) ? TextNode.valueOf(Redactor.MASK) : node;
    if (node instanceof ObjectNode o) {
      ObjectNode out = MAPPER.createObjectNode();
      o.properties().forEach(e -> out.set(escapedHoldsSecret(e.getKey(), redactor) ? Redactor.MASK : e.getKey(),
          withholdEscapedSecrets(e.getValue(), redactor)));
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = MAPPER.createArrayNode();
      a.forEach(v -> out.add(withholdEscapedSecrets(v, redactor)));
      return out;
    }
    return node;
  }

  private static boolean escapedHoldsSecret(String text, Redactor redactor) {
    return redactor.holdsSecret(new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text)));
  }

  static JsonNode redact(JsonNode node, Redactor redactor) {
    if (node == null) return null;
    if (node.isTextual()) {
      String r = redactor.redact(node.textValue());
      return r.equals(node.textValue()) ? node : TextNode.valueOf(r);
    }
    if (node instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : o.properties()) e.setValue(redact(e.getValue(), redactor));
      // Names can hold a secret too: a query's column label is the selected expression, e.g. a bound value.
      for (String name : List.copyOf(o.properties().stream().map(Map.Entry::getKey).toList())) {
        String r = redactor.redact(name);
        if (!r.equals(name)) o.set(r, o.remove(name));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) a.set(i, redact(a.get(i), redactor));
    }
    return node;
  }
}
