package io.runbook.engine.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runbook.engine.journal.Json;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * JSON Schema (draft 2020-12) of a Java record as the binder reads it from YAML: components are properties
 * ({@code Optional} ones optional), descriptions and defaults from {@link Doc}, enums by their names, durations and
 * times as text, secrets as references. With {@code templates}, any value may instead be a {@code ${{ }}} template
 * (a step's {@code with:} is rendered before it is bound).
 */
final class RecordSchema {
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String TEMPLATE_REF = "#/$defs/template";

  private final boolean templates;

  RecordSchema(boolean templates) { this.templates = templates; }

  /** The schema of a record type: an object with its components. */
  ObjectNode record(Class<?> type) {
    ObjectNode o = F.objectNode();
    o.put("type", "object");
    Doc classDoc = type.getAnnotation(Doc.class);
    if (classDoc != null) o.put("description", classDoc.value());
    ObjectNode props = o.putObject("properties");
    ArrayNode required = F.arrayNode();
    for (RecordComponent rc : type.getRecordComponents()) {
      Type t = rc.getGenericType();
      boolean optional = rc.getType() == Optional.class;
      ObjectNode p = value(optional ? arg(t, 0) : t);
      Doc doc = rc.getAnnotation(Doc.class);
      if (doc != null) {
        p.put("description", doc.value());
        if (!doc.defaultValue().isEmpty()) p.set("default", parseDefault(doc.defaultValue()));
      }
      props.set(rc.getName(), p);
      if (!optional) required.add(rc.getName());
    }
    if (!required.isEmpty()) o.set("required", required);
    o.put("additionalProperties", false);
    return o;
  }

  /** The schema of one value of the given type, allowing a template in place of a non-text value. */
  ObjectNode value(Type t) {
    ObjectNode plain = plain(t);
    boolean isText = plain.path("type").asText().equals("string") && !plain.has("enum") && !plain.has("pattern");
    if (!templates || isText) return plain;
    ObjectNode any = F.objectNode();
    ArrayNode of = any.putArray("anyOf");
    of.add(plain);
    of.add(F.objectNode().put("$ref", TEMPLATE_REF));
    return any;
  }

  private ObjectNode plain(Type t) {
    Class<?> raw = rawOf(t);
    ObjectNode o = F.objectNode();
    if (raw == String.class || raw == Path.class || raw == Character.class || raw == char.class) return o.put("type", "string");
    if (raw == Duration.class) return o.put("type", "string").put("description", "a duration like 500ms, 30s, 5m, 1h");
    if (raw == Instant.class) return o.put("type", "string").put("description", "a time, ISO-8601 like 2026-11-25T03:00:00Z");
    if (raw == SecretRef.class) {
      return o.put("type", "string").put("pattern", "^(env|file|keyvault):.+")
          .put("description", "a secret reference: env:NAME, file:PATH or keyvault:VAULT/NAME");
    }
    if (raw == boolean.class || raw == Boolean.class) return o.put("type", "boolean");
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
        || raw == Short.class) {
      return o.put("type", "integer");
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) return o.put("type", "number");
    if (raw.isEnum()) {
      ArrayNode values = o.putArray("enum");
      for (Object c : raw.getEnumConstants()) values.add(((Enum<?>) c).name());
      return o;
    }
    if (Collection.class.isAssignableFrom(raw)) {
      o.put("type", "array");
      o.set("items", value(arg(t, 0)));
      return o;
    }
    if (Map.class.isAssignableFrom(raw)) {
      o.put("type", "object");
      o.set("additionalProperties", value(arg(t, 1)));
      return o;
    }
    if (raw == Optional.class) return value(arg(t, 0));
    if (raw.isRecord()) return record(raw);
    return o; // Object: any value
  }

  private static Type arg(Type t, int i) {
    return t instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
  }

  private static Class<?> rawOf(Type t) {
    if (t instanceof Class<?> c) return c;
    if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    return Object.class;
  }

  /** A @Doc default as JSON when it reads as JSON ([0], true, 22), else as text. */
  private static JsonNode parseDefault(String text) {
    try {
      JsonNode n = Json.MAPPER.readTree(text);
      if (n != null && !n.isMissingNode()) return n;
    } catch (Exception e) {
      // not JSON: a plain text default
    }
    return F.textNode(text);
  }
}
