package io.runbook.engine.bind;

import io.runbook.engine.expr.Type;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.util.Durations;
import io.runbook.engine.util.Spelling;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parameter's declared type (string, int, bool, duration, timestamp, enum, host, regex, list&lt;T&gt;) and its conversions.
 */
public record ParamType(Kind kind, ParamType element) {
  /** The kinds a parameter may be declared as. */
  public enum Kind { STRING, INT, BOOL, DURATION, TIMESTAMP, ENUM, HOST, REGEX, LIST }

  public static final List<String> WRITTEN = List.of("string", "int", "bool", "duration", "timestamp", "enum", "host",
      "regex", "list<string>", "list<int>", "list<host>", "...");

  /** The type as written in a runbook, or empty when it is not one. */
  public static Optional<ParamType> parse(String written) {
    if (written == null) return Optional.empty();
    String t = written.replace(" ", "");
    if (t.startsWith("list<") && t.endsWith(">")) {
      return parse(t.substring(5, t.length() - 1))
          .filter(e -> e.kind != Kind.LIST)
          .map(e -> new ParamType(Kind.LIST, e));
    }
    for (Kind k : Kind.values()) {
      if (k != Kind.LIST && k.name().toLowerCase().equals(t)) return Optional.of(new ParamType(k, null));
    }
    return Optional.empty();
  }

  /** A hint for an unknown written type. */
  public static String suggest(String written) {
    return Spelling.hint(written == null ? "" : written, List.of("string", "int", "bool", "duration", "timestamp",
        "enum", "host", "regex", "list<string>"));
  }

  /** The type expressions see. */
  public Type exprType() {
    return switch (kind) {
      case STRING, ENUM, HOST, REGEX -> Type.STRING;
      case INT -> Type.INT;
      case BOOL -> Type.BOOL;
      case DURATION -> Type.DURATION;
      case TIMESTAMP -> Type.TIMESTAMP;
      case LIST -> new Type.ListOf(element.exprType());
    };
  }

  @Override
  public String toString() { return kind == Kind.LIST ? "list<" + element + ">" : kind.name().toLowerCase(); }

  /** How a value is checked beyond its type. */
  public record Rules(List<String> enumValues, Optional<Pattern> pattern, Inventory inventory, Instant now) {}

  /**
   * Converts a value given on the command line ({@code fromText}: a string, lists comma-separated) or in YAML
   * (defaults, params files) to this type; throws IllegalArgumentException saying what is wrong.
   */
  public Object convert(Object value, boolean fromText, Rules rules) {
    if (value == null) throw new IllegalArgumentException("has no value");
    if (kind == Kind.LIST) {
      List<?> items;
      if (value instanceof List<?> l) {
        items = l;
      } else if (fromText && value instanceof String s) {
        items = s.isBlank() ? List.of() : List.of(s.split(",", -1)).stream().map(String::trim).toList();
      } else {
        throw new IllegalArgumentException("must be a list (" + this + "), not " + RecordBinder.describe(value));
      }
      List<Object> out = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        try {
          out.add(element.convert(items.get(i), fromText, rules));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("item " + (i + 1) + " " + e.getMessage());
        }
      }
      return List.copyOf(out);
    }
    switch (kind) {
      case INT -> {
        if (value instanceof Long || value instanceof Integer) return ((Number) value).longValue();
        if (value instanceof String s) {
          try { return Long.parseLong(s.trim()); } catch (NumberFormatException e) { /* reported below */ }
        }
        throw new IllegalArgumentException("must be an int, not " + RecordBinder.describe(value));
      }
      case BOOL -> {
        if (value instanceof Boolean) return value;
        if (value instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.parseBoolean(s);
        throw new IllegalArgumentException("must be true or false, not " + RecordBinder.describe(value));
      }
      case DURATION -> {
        if (value instanceof Duration) return value;
        if (!(value instanceof String s)) throw new IllegalArgumentException("must be a duration like 30s, 5m or PT1H");
        return Durations.parse(s);
      }
      case TIMESTAMP -> {
        if (value instanceof Instant) return value;
        if (!(value instanceof String s)) throw new IllegalArgumentException("must be a timestamp like 2026-11-25T14:30:00Z or now");
        if (s.trim().equals("now")) {
          if (rules.now() == null) throw new IllegalArgumentException("'now' is only known when the run starts");
          return rules.now();
        }
        try { return OffsetDateTime.parse(s.trim()).toInstant(); } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("'" + s + "' is not a timestamp; write ISO-8601 with an offset or Z, "
              + "e.g. 2026-11-25T14:30:00Z, or now");
        }
      }
      default -> { }
    }
    if (!(value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean)) {
      throw new IllegalArgumentException("must be a " + this + ", not " + RecordBinder.describe(value));
    }
    String s = value.toString();
    if (kind == Kind.ENUM && !rules.enumValues().contains(s)) {
      throw new IllegalArgumentException("'" + s + "' is not one of " + String.join(", ", rules.enumValues())
          + Spelling.hint(s, rules.enumValues()));
    }
    if (kind == Kind.HOST && rules.inventory() != null && rules.inventory() != Inventory.EMPTY
        && rules.inventory().host(s).isEmpty()) {
      throw new IllegalArgumentException("'" + s + "' is not a host of inventory '" + rules.inventory().inventory() + "'"
          + Spelling.hint(s, rules.inventory().hosts().keySet()) + "; " + rules.inventory().knownHosts());
    }
    if (kind == Kind.REGEX) {
      // compiled as the steps that take a regex compile it (binlog.find-cut: case-insensitive), so a value that passes
      // here cannot fail there after the run has changed something
      try {
        Pattern.compile(s, Pattern.CASE_INSENSITIVE);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("'" + s + "' is not a valid regular expression: " + e.getDescription()
            + (e.getIndex() >= s.length() ? " at the end" : e.getIndex() >= 0 ? " at position " + (e.getIndex() + 1) : "")
            + " (Java regex syntax; \\ escapes a"
            + " special character such as ( or .)");
      }
    }
    if (rules.pattern().isPresent() && !rules.pattern().get().matcher(s).matches()) {
      throw new IllegalArgumentException("'" + s + "' does not match the pattern " + rules.pattern().get().pattern());
    }
    return s;
  }
}
