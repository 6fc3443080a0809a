package io.runbook.engine.secret;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@link SecretRef} held by a record tree (an inventory: passphrases, passwords, the cloud's client secret). */
public final class SecretRefs {
  private SecretRefs() {}

  /** The references in {@code value}: records, optionals, maps and collections are searched, in order. */
  public static List<SecretRef> in(Object value) {
    return List.copyOf(byPlace(value).values());
  }

  /**
   * The references in {@code value} by where they are written, as dotted paths of record components and map keys:
   * {@code hosts.db1.db.password}, {@code cloud.clientSecret}.
   */
  public static Map<String, SecretRef> byPlace(Object value) {
    Map<String, SecretRef> out = new LinkedHashMap<>();
    collect(value, "", out);
    return out;
  }

  private static void collect(Object v, String path, Map<String, SecretRef> out) {
    if (v instanceof SecretRef ref) {
      out.put(path, ref);
    } else if (v instanceof Optional<?> o) {
      o.ifPresent(x -> collect(x, path, out));
    } else if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> collect(x, join(path, String.valueOf(k)), out));
    } else if (v instanceof Collection<?> c) {
      int i = 0;
      for (Object x : c) collect(x, path + "[" + i++ + "]", out);
    } else if (v != null && v.getClass().isRecord()) {
      for (RecordComponent rc : v.getClass().getRecordComponents()) {
        try {
          collect(rc.getAccessor().invoke(v), join(path, rc.getName()), out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + v.getClass().getSimpleName() + "." + rc.getName(), e);
        }
      }
    }
  }

  private static String join(String path, String name) { return path.isEmpty() ? name : path + "." + name; }
}
