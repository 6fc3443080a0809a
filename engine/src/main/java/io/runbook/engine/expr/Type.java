package io.runbook.engine.expr;

import java.util.Map;

/** The static type of an expression: a primitive, list&lt;T&gt;, map&lt;string,T&gt;, a record of named fields, or dyn. */
public sealed interface Type permits Type.Prim, Type.ListOf, Type.MapOf, Type.RecordOf {

  /** Primitive types; {@code NULL} is the type of the literal null, {@code DYN} is checked only at run time. */
  enum Prim implements Type {
    STRING("string"), INT("int"), DOUBLE("double"), BOOL("bool"), DURATION("duration"), TIMESTAMP("timestamp"),
    NULL("null"), DYN("dyn");

    private final String written;

    Prim(String written) { this.written = written; }

    @Override
    public String toString() { return written; }
  }

  Prim STRING = Prim.STRING;
  Prim INT = Prim.INT;
  Prim DOUBLE = Prim.DOUBLE;
  Prim BOOL = Prim.BOOL;
  Prim DURATION = Prim.DURATION;
  Prim TIMESTAMP = Prim.TIMESTAMP;
  Prim NULL = Prim.NULL;
  Prim DYN = Prim.DYN;

  record ListOf(Type element) implements Type {
    @Override
    public String toString() { return "list<" + element + ">"; }
  }

  record MapOf(Type value) implements Type {
    @Override
    public String toString() { return "map<string, " + value + ">"; }
  }

  /**
   * A record with named fields. {@code unavailable} names fields that exist but may not be used here, with the
   * reason (a step that runs later, a step inside a foreach); the checker reports the reason instead of "unknown".
   */
  record RecordOf(String name, Map<String, Type> fields, Map<String, String> unavailable) implements Type {
    /** The maps are not copied: a caller may pass views that compute fields on demand (large runbooks). */
    public RecordOf {
      fields = java.util.Collections.unmodifiableMap(fields);
      unavailable = java.util.Collections.unmodifiableMap(unavailable);
    }

    public RecordOf(String name, Map<String, Type> fields) { this(name, fields, Map.of()); }

    @Override
    public String toString() { return name; }
  }

  /** Whether a value of type {@code from} may be used where {@code to} is expected (dyn and null fit anywhere). */
  static boolean assignable(Type from, Type to) {
    if (from == DYN || to == DYN || from == NULL) return true;
    if (from == INT && to == DOUBLE) return true;
    if (from instanceof ListOf f && to instanceof ListOf t) return assignable(f.element(), t.element());
    if (from instanceof MapOf f && to instanceof MapOf t) return assignable(f.value(), t.value());
    if (from instanceof RecordOf f && to instanceof MapOf t) {
      return f.fields().values().stream().allMatch(v -> assignable(v, t.value()));
    }
    if (from instanceof RecordOf f && to instanceof RecordOf t) {
      if (f.name().equals(t.name())) return true;
      return t.fields().entrySet().stream()
          .allMatch(e -> f.fields().containsKey(e.getKey()) && assignable(f.fields().get(e.getKey()), e.getValue()));
    }
    return from.equals(to);
  }
}
