package io.runbook.cli;

import io.runbook.engine.bind.InputBinder;
import io.runbook.engine.expr.Templates;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
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
import java.util.Optional;

/**
 * A step's effect as far as it is known without running anything. Types like core.exec take it from an input
 * ({@code effect:}); inputs that are templates are stood in for by a neutral value of their type, unless the
 * templated input is itself an effect (then the type's declared effect is shown).
 */
final class StepEffects {
  private StepEffects() {}

  /** The effect of the use, or empty for groups and unknown types. */
  @SuppressWarnings("unchecked")
  static Optional<Effect> of(StepDecl d, StepRegistry registry) {
    Optional<StepType<?, ?>> found = d.use().flatMap(registry::find);
    if (found.isEmpty()) return Optional.empty();
    StepType<Object, Object> t = (StepType<Object, Object>) found.get();
    Map<String, Object> with = new LinkedHashMap<>(d.with() == null ? Map.of() : d.with());
    for (RecordComponent rc : t.inputType().getRecordComponents()) {
      Object v = with.get(rc.getName());
      if (v == null || !Templates.hasTemplate(String.valueOf(v))) continue;
      Type type = rc.getType() == Optional.class ? arg(rc.getGenericType()) : rc.getGenericType();
      if (type == Effect.class) return Optional.of(t.effect());
      with.put(rc.getName(), neutral(type));
    }
    try {
      return Optional.of(t.effectOf(InputBinder.bind(with, t.inputType())));
    } catch (RuntimeException e) {
      return Optional.of(t.effect());
    }
  }

  private static Type arg(Type t) { return t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class; }

  private static Object neutral(Type t) {
    Class<?> c = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> k ? k : Object.class;
    if (c == boolean.class || c == Boolean.class) return false;
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return 0L;
    if (c == double.class || c == Double.class) return 0.0;
    if (c == Duration.class) return Duration.ZERO;
    if (c == Instant.class) return Instant.EPOCH;
    if (c.isEnum()) return c.getEnumConstants()[0].toString();
    if (Collection.class.isAssignableFrom(c)) return List.of();
    if (Map.class.isAssignableFrom(c) || c.isRecord()) return Map.of();
    return "x";
  }
}
