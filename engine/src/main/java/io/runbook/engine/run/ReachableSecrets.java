package io.runbook.engine.run;

import io.runbook.engine.expr.Templates;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.secret.SecretRef;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The secret references a runbook holds as written, found without evaluating anything: literal references given to
 * step inputs typed as secret references (db.replica.link's {@code replicationPassword: env:X}), literal references
 * passed to a called runbook's secret params, and the default references of the called runbooks' secret params
 * their callers leave out. A run resolves them ahead, as it does the inventory's, so that a step printing one before
 * the step that uses it is reached is redacted too.
 */
public final class ReachableSecrets {
  private ReachableSecrets() {}

  public static List<SecretRef> in(Runbook rb, StepRegistry registry) {
    List<SecretRef> out = new ArrayList<>();
    collect(rb, rb.steps(), registry, out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  private static void collect(Runbook rb, List<StepDecl> steps, StepRegistry registry, List<SecretRef> out,
                              Set<Runbook> seen) {
    for (StepDecl d : steps) {
      collect(rb, d.steps(), registry, out, seen);
      if (d.isGroup()) continue;
      if (Runbook.isCall(d)) {
        Runbook callee = rb.callees().get(d.id());
        if (callee == null) continue;
        Map<?, ?> given = d.with().get("params") instanceof Map<?, ?> m ? m : Map.of();
        for (ParamDecl p : callee.params().values()) {
          if (!p.secret()) continue;
          Object value = given.get(p.name()) != null ? given.get(p.name()) : p.defaultValue().orElse(null);
          literalRef(value).ifPresent(out::add);
        }
        if (seen.add(callee)) collect(callee, callee.steps(), registry, out, seen);
        continue;
      }
      registry.find(d.use().get()).ifPresent(type -> inputs(d.with(), type.inputType(), out));
    }
  }

  /** The literal references among {@code given}, an input record's values as written. */
  private static void inputs(Map<?, ?> given, Class<?> type, List<SecretRef> out) {
    if (!type.isRecord()) return;
    for (RecordComponent rc : type.getRecordComponents()) {
      Object value = given.get(rc.getName());
      if (value != null) value(value, rc.getGenericType(), out);
    }
  }

  private static void value(Object value, Type target, List<SecretRef> out) {
    Class<?> raw = target instanceof ParameterizedType pt ? (Class<?>) pt.getRawType()
        : target instanceof Class<?> c ? c : Object.class;
    Type[] args = target instanceof ParameterizedType pt ? pt.getActualTypeArguments() : new Type[0];
    if (raw == SecretRef.class) {
      literalRef(value).ifPresent(out::add);
    } else if (raw == Optional.class && args.length == 1) {
      value(value, args[0], out);
    } else if (List.class.isAssignableFrom(raw) && args.length == 1 && value instanceof List<?> l) {
      for (Object v : l) value(v, args[0], out);
    } else if (Map.class.isAssignableFrom(raw) && args.length == 2 && value instanceof Map<?, ?> m) {
      for (Object v : m.values()) value(v, args[1], out);
    } else if (raw.isRecord() && value instanceof Map<?, ?> m) {
      inputs(m, raw, out);
    }
  }

  /** A reference written as it is ({@code env:X}); a template is only known when the step is reached. */
  private static Optional<SecretRef> literalRef(Object value) {
    return value instanceof String s && !Templates.hasTemplate(s) && SecretRef.looksLikeRef(s)
        ? Optional.of(SecretRef.parse(s)) : Optional.empty();
  }
}
