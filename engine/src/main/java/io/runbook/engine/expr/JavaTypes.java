package io.runbook.engine.expr;

import io.runbook.engine.secret.SecretRef;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The expression type of a Java type as it appears in step outputs and inventory records: String -> string,
 * int/long -> int, double -> double, boolean -> bool, Instant -> timestamp, Duration -> duration, List -> list,
 * Map&lt;String,X&gt; -> map, Optional&lt;X&gt; -> X, records -> record, enums -> string, anything else -> dyn.
 * Matches what {@code Values.of} produces at run time.
 */
public final class JavaTypes {
  private static final int MAX_DEPTH = 12;

  private JavaTypes() {}

  public static Type of(java.lang.reflect.Type t) { return of(t, 0); }

  private static Type of(java.lang.reflect.Type t, int depth) {
    if (depth > MAX_DEPTH) return Type.DYN;
    if (t instanceof WildcardType w) return w.getUpperBounds().length == 1 ? of(w.getUpperBounds()[0], depth) : Type.DYN;
    if (t instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      java.lang.reflect.Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) return of(args[0], depth);
      if (Collection.class.isAssignableFrom(raw)) return new Type.ListOf(of(args[0], depth + 1));
      if (Map.class.isAssignableFrom(raw)) return new Type.MapOf(of(args[1], depth + 1));
      return Type.DYN;
    }
    if (!(t instanceof Class<?> c)) return Type.DYN;
    if (c == String.class || c == SecretRef.class || c.isEnum() || c == java.nio.file.Path.class) return Type.STRING;
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
        || c == Short.class) {
      return Type.INT;
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) return Type.DOUBLE;
    if (c == boolean.class || c == Boolean.class) return Type.BOOL;
    if (c == Instant.class) return Type.TIMESTAMP;
    if (c == Duration.class) return Type.DURATION;
    if (c.isRecord()) return record(c, depth);
    if (Collection.class.isAssignableFrom(c)) return new Type.ListOf(Type.DYN);
    if (Map.class.isAssignableFrom(c)) return new Type.MapOf(Type.DYN);
    return Type.DYN;
  }

  private static Type.RecordOf record(Class<?> c, int depth) {
    Map<String, Type> fields = new LinkedHashMap<>();
    for (RecordComponent rc : c.getRecordComponents()) fields.put(rc.getName(), of(rc.getGenericType(), depth + 1));
    return new Type.RecordOf(c.getSimpleName(), fields);
  }
}
