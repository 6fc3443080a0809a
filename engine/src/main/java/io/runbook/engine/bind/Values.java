package io.runbook.engine.bind;

import io.runbook.engine.secret.SecretRef;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns step outputs, hosts and other records into the plain values expressions work on: records become maps of
 * their components, Optional its value or null, small integers Long, floats Double, enums their name, secret
 * references their reference text; Instant and Duration stay.
 */
public final class Values {
  private Values() {}

  public static Object of(Object any) {
    if (any == null || any instanceof String || any instanceof Long || any instanceof Double || any instanceof Boolean
        || any instanceof Instant || any instanceof Duration) {
      return any;
    }
    if (any instanceof Integer || any instanceof Short || any instanceof Byte) return ((Number) any).longValue();
    if (any instanceof Float f) return f.doubleValue();
    if (any instanceof Optional<?> o) return of(o.orElse(null));
    if (any instanceof Enum<?> e) return e.name();
    if (any instanceof SecretRef ref) return ref.toString();
    if (any instanceof Path p) return p.toString();
    if (any instanceof Character c) return c.toString();
    if (any instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      for (Object o : c) out.add(of(o));
      return out;
    }
    if (any instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), of(e.getValue()));
      return out;
    }
    if (any.getClass().isRecord()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (RecordComponent rc : any.getClass().getRecordComponents()) {
        try {
          rc.getAccessor().setAccessible(true);
          out.put(rc.getName(), of(rc.getAccessor().invoke(any)));
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("cannot read " + any.getClass().getSimpleName() + "." + rc.getName(), e);
        }
      }
      return out;
    }
    if (any instanceof Number n) return n.doubleValue();
    return any.toString();
  }
}
