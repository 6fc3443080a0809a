package io.runbook.engine.bind;

import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.util.Durations;
import io.runbook.engine.util.Spelling;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds plain values (String, Long, Double, Boolean, Instant, Duration, List, Map, null: what YAML and templates
 * produce) into Java records, collecting every problem with the path of the key it concerns. The one binder
 * behind inventories, step inputs, and the validator's checks of literal inputs.
 */
public final class RecordBinder {
  /** A problem at {@code path} ("transport.port", "start[0]"); {@code atKey} when it is about the key itself. */
  public record BindProblem(String path, String message, boolean atKey) {}

  private final List<BindProblem> problems = new ArrayList<>();

  public List<BindProblem> problems() { return problems; }

  /** Binds {@code value} into {@code type}; returns null and records problems when it does not fit. */
  public Object bind(Object value, Type type, String path) {
    Class<?> raw = rawClass(type);
    if (raw == Optional.class) {
      if (value == null) return Optional.empty();
      Object inner = bind(value, typeArg(type, 0), path);
      return inner == null ? null : Optional.of(inner);
    }
    if (raw == Object.class) return value; // null included: e.g. an SQL parameter
    if (value == null) {
      problem(path, "must not be empty (null)");
      return null;
    }
    if (raw == String.class) {
      if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
        return value.toString();
      }
      return mismatch(path, "a string", value);
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
        || raw == Short.class) {
      if (!(value instanceof Long || value instanceof Integer || value instanceof Short)) return mismatch(path, "an int", value);
      long l = ((Number) value).longValue();
      if (raw == long.class || raw == Long.class) return l;
      if (raw == short.class || raw == Short.class) {
        if (l < Short.MIN_VALUE || l > Short.MAX_VALUE) { problem(path, l + " is out of range"); return null; }
        return (short) l;
      }
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) { problem(path, l + " is out of range for an int"); return null; }
      return (int) l;
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      if (!(value instanceof Number n)) return mismatch(path, "a number", value);
      return raw == float.class || raw == Float.class ? (Object) n.floatValue() : (Object) n.doubleValue();
    }
    if (raw == boolean.class || raw == Boolean.class) {
      if (!(value instanceof Boolean)) return mismatch(path, "true or false", value);
      return value;
    }
    if (raw == Duration.class) {
      if (value instanceof Duration) return value;
      if (!(value instanceof String s)) return mismatch(path, "a duration like 30s, 5m or PT1H", value);
      try { return Durations.parse(s); } catch (RuntimeException e) { problem(path, e.getMessage()); return null; }
    }
    if (raw == Instant.class) {
      if (value instanceof Instant) return value;
      if (!(value instanceof String s)) return mismatch(path, "a timestamp", value);
      try { return OffsetDateTime.parse(s.trim()).toInstant(); } catch (DateTimeParseException e) {
        problem(path, "'" + s + "' is not a timestamp; write ISO-8601 with an offset, e.g. 2026-11-25T14:30:00Z");
        return null;
      }
    }
    if (raw == SecretRef.class) {
      if (value instanceof String s && SecretRef.looksLikeRef(s)) return SecretRef.parse(s);
      // Never echo the value: it may be the secret itself.
      problem(path, "must be a secret reference, not a literal value: write env:VARIABLE, file:/path/to/file or "
          + "keyvault:VAULT/NAME");
      return null;
    }
    if (raw == Path.class) {
      if (!(value instanceof String s)) return mismatch(path, "a path", value);
      return Path.of(s);
    }
    if (raw.isEnum()) return enumValue(raw, value, path);
    if (List.class.isAssignableFrom(raw) || raw == Collection.class) {
      if (!(value instanceof List<?> list)) return mismatch(path, "a list", value);
      List<Object> out = new ArrayList<>(list.size());
      int before = problems.size();
      for (int i = 0; i < list.size(); i++) out.add(bind(list.get(i), typeArg(type, 0), path + "[" + i + "]"));
      return problems.size() == before ? java.util.Collections.unmodifiableList(out) : null;
    }
    if (Map.class.isAssignableFrom(raw)) {
      if (!(value instanceof Map<?, ?> map)) return mismatch(path, "a map", value);
      Map<String, Object> out = new LinkedHashMap<>();
      int before = problems.size();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(String.valueOf(e.getKey()), bind(e.getValue(), typeArg(type, 1), join(path, String.valueOf(e.getKey()))));
      }
      return problems.size() == before ? java.util.Collections.unmodifiableMap(out) : null;
    }
    if (raw.isRecord()) return record(raw, value, path);
    problem(path, "cannot bind a value of type " + raw.getSimpleName());
    return null;
  }

  private Object record(Class<?> raw, Object value, String path) {
    if (!(value instanceof Map<?, ?> map)) return mismatch(path, "a map of " + names(raw), value);
    RecordComponent[] components = raw.getRecordComponents();
    List<String> known = Arrays.stream(components).map(RecordComponent::getName).toList();
    int before = problems.size();
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        problem(join(path, String.valueOf(key)), "unknown key '" + key + "'" + hint(String.valueOf(key), known), true);
      }
    }
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent rc = components[i];
      types[i] = rc.getType();
      String key = rc.getName();
      Object v = map.get(key);
      if (v == null && rc.getType() != Optional.class && rc.getType() != Object.class) {
        problem(path, (map.containsKey(key) ? "'" + key + "' must not be empty" : "missing required key '" + key + "'"));
        continue;
      }
      args[i] = bind(v, rc.getGenericType(), join(path, key));
    }
    if (problems.size() != before) return null;
    try {
      Constructor<?> ctor = raw.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      problem(path, e.getCause() == null ? "invalid value" : String.valueOf(e.getCause().getMessage()));
      return null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      problem(path, "cannot build " + raw.getSimpleName() + ": " + e.getMessage());
      return null;
    }
  }

  private Object enumValue(Class<?> raw, Object value, String path) {
    List<String> names = Arrays.stream(raw.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
    if (value instanceof String s) {
      for (Object c : raw.getEnumConstants()) {
        String n = ((Enum<?>) c).name();
        if (n.equalsIgnoreCase(s) || n.replace('_', '-').equalsIgnoreCase(s)) return c;
      }
      problem(path, "'" + s + "' is not one of " + String.join(", ", names) + Spelling.hint(s, names));
      return null;
    }
    return mismatch(path, "one of " + String.join(", ", names), value);
  }

  private static String names(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList().toString();
  }

  private static String hint(String word, Collection<String> known) {
    String h = Spelling.hint(word, known);
    return h.isEmpty() ? "; known keys: " + String.join(", ", known) : h;
  }

  private Object mismatch(String path, String expected, Object value) {
    problem(path, "must be " + expected + ", not " + describe(value));
    return null;
  }

  /** A short description of a plain value for messages. */
  public static String describe(Object v) {
    if (v == null) return "null";
    if (v instanceof String s) return "the string '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    if (v instanceof Long || v instanceof Integer) return "the int " + v;
    if (v instanceof Double) return "the number " + v;
    if (v instanceof Boolean) return v.toString();
    if (v instanceof List<?>) return "a list";
    if (v instanceof Map<?, ?>) return "a map";
    if (v instanceof Instant) return "a timestamp";
    if (v instanceof Duration) return "a duration";
    return "a " + v.getClass().getSimpleName();
  }

  private void problem(String path, String message) { problem(path, message, false); }

  private void problem(String path, String message, boolean atKey) { problems.add(new BindProblem(path, message, atKey)); }

  static String join(String path, String key) { return path.isEmpty() ? key : path + "." + key; }

  static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) return c;
    if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    return Object.class;
  }

  static Type typeArg(Type t, int i) {
    if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) return p.getActualTypeArguments()[i];
    return Object.class;
  }
}
