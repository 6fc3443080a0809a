package io.runbook.engine.secret;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@link SecretRef} held by a record tree (an inventory: passphrases, passwords, the cloud's client secret). */
public final class SecretRefs {
  private SecretRefs() {}

  /** The references in {@code value}: records, optionals, maps and collections are searched, in order. */
  public static List<SecretRef> in(Object value) {
    List<SecretRef> out = new ArrayList<>();
    collect(value, out);
    return out;
  }

  private static void collect(Object v, List<SecretRef> out) {
    if (v instanceof SecretRef ref) {
      out.add(ref);
    } else if (v instanceof Optional<?> o) {
      o.ifPresent(x -> collect(x, out));
    } else if (v instanceof Map<?, ?> m) {
      m.values().forEach(x -> collect(x, out));
    } else if (v instanceof Collection<?> c) {
      c.forEach(x -> collect(x, out));
    } else if (v != null && v.getClass().isRecord()) {
      for (RecordComponent rc : v.getClass().getRecordComponents()) {
        try {
          collect(rc.getAccessor().invoke(v), out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + v.getClass().getSimpleName() + "." + rc.getName(), e);
        }
      }
    }
  }
}
