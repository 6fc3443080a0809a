package io.runbook.engine.bind;

import io.runbook.engine.expr.Templates;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.StepType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step's effect as far as its {@code with:} tells before anything runs. Types like core.exec take it from an input
 * ({@code effect: DESTROYS}): a literal one is read whatever else is a template, because each input that is a
 * template is stood in for by a neutral value of its type. When the effect input is itself a template (or the inputs
 * do not bind), the type's declared effect is the answer, and the real one is only known when the step is reached.
 */
public final class KnownEffect {
  private KnownEffect() {}

  @SuppressWarnings("unchecked")
  public static Effect of(StepType<?, ?> type, Map<String, Object> with) {
    StepType<Object, Object> t = (StepType<Object, Object>) type;
    Map<String, Object> known = new LinkedHashMap<>(with == null ? Map.of() : with);
    for (RecordComponent rc : t.inputType().getRecordComponents()) {
      if (!hasTemplate(known.get(rc.getName()))) continue;
      Type declared = rc.getType() == java.util.Optional.class ? arg(rc.getGenericType()) : rc.getGenericType();
      if (declared == Effect.class) return t.effect();
      known.put(rc.getName(), neutral(declared));
    }
    try {
      return t.effectOf(InputBinder.bind(known, t.inputType()));
    } catch (RuntimeException e) {
      // Does not bind without the run's values (validation reports real problems): the declared effect decides.
      return t.effect();
    }
  }

  /** Whether a {@code with:} value holds a {@code ${{ }}} anywhere inside. */
  public static boolean hasTemplate(Object value) {
    if (value instanceof String s) return Templates.hasTemplate(s);
    if (value instanceof Map<?, ?> m) return m.values().stream().anyMatch(KnownEffect::hasTemplate);
    if (value instanceof List<?> l) return l.stream().anyMatch(KnownEffect::hasTemplate);
    return false;
  }

  private static Type arg(Type t) { return t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class; }

  private static Object neutral(Type t) {
    Class<?> c = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> k ? k : Object.class;
    if (c == boolean.class || c == Boolean.class) return false;
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
        || c == Short.class) {
      return 0L;
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) return 0.0;
    if (c == Duration.class) return Duration.ZERO;
    if (c == Instant.class) return Instant.EPOCH;
    if (c.isEnum()) return c.getEnumConstants()[0].toString();
    if (Collection.class.isAssignableFrom(c)) return List.of();
    if (Map.class.isAssignableFrom(c) || c.isRecord()) return Map.of();
    return "x";
  }
}
