package io.runbook.engine.load;

import io.runbook.engine.bind.ParamType;
import io.runbook.engine.model.OutputDecl;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Require;
import io.runbook.engine.model.RetrySpec;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.model.VerifyCheck;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.util.Durations;
import io.runbook.engine.util.Spelling;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Builds the runbook model from a plain tree, checking its shape: known keys, value kinds, durations, and the
 * parameter declarations. Collects every problem and still returns the best model it could build, so that the
 * validator can report its own problems in the same pass.
 */
final class RunbookParser {
  static final List<String> TOP_KEYS = List.of("runbook", "summary", "description", "params", "steps",
      "outputs", "verify");
  static final List<String> STEP_KEYS = List.of("id", "use", "with", "on", "when", "require", "retry", "timeout",
      "foreach", "as", "parallel", "maxParallel", "steps", "confirm");
  static final List<String> PARAM_KEYS = List.of("type", "required", "default", "pattern", "description", "secret",
      "values");
  static final List<String> VERIFY_KEYS = List.of("sql", "params", "on", "expect", "that", "use", "because");
  static final Map<String, String> LATER = Map.of();
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*");

  private final PlainTree tree;
  /** The step being read, named in problems about its keys ("step 'swap': ..."). */
  private String context = "";

  RunbookParser(PlainTree tree) { this.tree = tree; }

  private void problem(SourcePos pos, String message) { tree.problem(pos, context + message); }

  Runbook parse(Object root, Path source, String sha256) {
    if (!(root instanceof Map<?, ?>)) {
      problem(tree.valueAt(""), "a runbook is a map with the keys runbook, summary, params and steps");
      return new Runbook("", Optional.empty(), Optional.empty(), Map.of(), List.of(), source, sha256);
    }
    Map<String, Object> top = map(root);
    checkKeys(top, "", TOP_KEYS, "top-level");
    String name = string(top, "", "runbook", true).orElse("");
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      problem(tree.valueAt("runbook"), "runbook name '" + name + "' must be letters, digits, '_' and '-' between them");
    }
    Optional<String> summary = string(top, "", "summary", false);
    Optional<String> description = string(top, "", "description", false);
    Map<String, ParamDecl> params = params(top.get("params"));
    List<StepDecl> steps = List.of();
    if (!top.containsKey("steps")) {
      problem(tree.valueAt(""), "missing 'steps': a runbook needs at least one step");
    } else {
      steps = steps(top.get("steps"), "steps");
    }
    Map<String, OutputDecl> outputs = outputs(top.get("outputs"));
    List<VerifyCheck> verify = verify(top.get("verify"));
    return new Runbook(name, summary, description, params, steps, source, sha256, outputs, Map.of(), verify);
  }

  /**
   * {@code verify:} is a list of checks, each {@code {sql, on, expect, because}}, {@code {that, because}} or
   * {@code {use, on, that, because}}; their expressions and step types are checked by the validator.
   */
  private List<VerifyCheck> verify(Object node) {
    List<VerifyCheck> out = new ArrayList<>();
    if (node == null) return out;
    if (!(node instanceof List<?> list)) {
      problem(tree.valueAt("verify"), "'verify' must be a list of checks, each {sql: ..., on: HOST, expect: ..., "
          + "because: ...}, {that: \"${{ ... }}\", because: ...} or {use: STEP_TYPE, on: HOST, that: \"${{ result... }}\", because: ...}");
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String p = "verify[" + i + "]";
      SourcePos pos = tree.valueAt(p);
      if (!(list.get(i) instanceof Map<?, ?>)) {
        problem(pos, "verify check " + (i + 1) + " must be a map with 'sql' (and 'on', 'expect'), 'that', or 'use' (and 'on',"
            + " 'that'), and 'because'");
        continue;
      }
      Map<String, Object> m = map(list.get(i));
      String saved = context;
      context = "verify check " + (i + 1) + ": ";
      checkKeys(m, p, VERIFY_KEYS, "verify");
      Map<String, SourcePos> positions = new HashMap<>();
      for (String key : m.keySet()) positions.put(key, tree.valueAt(PlainTree.join(p, key)));
      Optional<String> sql = string(m, p, "sql", false);
      Optional<String> on = string(m, p, "on", false);
      List<String> sqlParams = new ArrayList<>();
      Object given = m.get("params");
      if (given instanceof List<?> values) {
        for (int k = 0; k < values.size(); k++) {
          Object v = values.get(k);
          if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
            sqlParams.add(v.toString());
          } else {
            problem(tree.valueAt(p + ".params[" + k + "]"), "'params' holds single values (one per ? mark), not " + describe(v));
          }
        }
      } else if (given != null) {
        problem(tree.valueAt(p + ".params"), "'params' must be a list of values bound to the ? marks of 'sql', in order");
      }
      Optional<String> expect = string(m, p, "expect", false);
      Optional<String> that = string(m, p, "that", false);
      Optional<String> use = string(m, p, "use", false);
      Optional<String> because = string(m, p, "because", true);
      if (m.containsKey("use")) {
        // A step check: the step type reads the state on each host of 'on'; 'that' judges its outputs (result).
        if (m.containsKey("sql")) problem(pos, "give either 'sql' (a query on a host) or 'use' (a step type), not both");
        if (!m.containsKey("on")) problem(pos, "missing 'on': the host (or list of hosts) the step type '" + use.orElse("")
            + "' reads");
        if (!m.containsKey("that")) problem(pos, "missing 'that': the condition on the step's outputs, e.g. that: \"${{ "
            + VerifyCheck.RESULT + ".readOnly == false }}\"");
        for (String k : List.of("expect", "params")) {
          if (m.containsKey(k)) problem(tree.keyAt(PlainTree.join(p, k)), "'" + k + "' belongs to a 'sql' check; a step "
              + "check is {use: STEP_TYPE, on: HOST, that: \"${{ " + VerifyCheck.RESULT + "... }}\", because: ...}");
        }
      } else if (m.containsKey("sql") == m.containsKey("that")) {
        problem(pos, m.containsKey("sql") ? "give either 'sql' (a query on a host) or 'that' (an expression), not both"
            : "give 'sql' (a query on a host), 'that' (an expression) or 'use' and 'that' (a step type's outputs)");
      } else if (m.containsKey("sql")) {
        if (!m.containsKey("on")) problem(pos, "missing 'on': the host whose database 'sql' runs on");
        if (!m.containsKey("expect")) problem(pos, "missing 'expect': the value the first column of the first row must have");
      } else {
        for (String k : List.of("on", "expect", "params")) {
          if (m.containsKey(k)) problem(tree.keyAt(PlainTree.join(p, k)), "'" + k + "' belongs to a 'sql' check; "
              + "an expression check is {that: \"${{ ... }}\", because: ...}");
        }
      }
      context = saved;
      out.add(new VerifyCheck(sql, List.copyOf(sqlParams), on, expect, that, use, because.orElse(""), pos, positions));
    }
    return out;
  }

  /** {@code outputs:} maps a name to a template over the runbook's params and steps (or a literal). */
  private Map<String, OutputDecl> outputs(Object node) {
    Map<String, OutputDecl> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!(node instanceof Map<?, ?>)) {
      problem(tree.valueAt("outputs"), "'outputs' must be a map of output name to a value such as "
          + "\"${{ steps.find.gtid }}\"");
      return out;
    }
    for (Map.Entry<String, Object> e : map(node).entrySet()) {
      String name = e.getKey();
      String path = "outputs." + name;
      if (!NAME.matcher(name).matches() || name.contains("-")) {
        problem(tree.keyAt(path), "output name '" + name + "' must be letters, digits and '_', starting with a letter");
      }
      Object v = e.getValue();
      if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
        out.put(name, new OutputDecl(name, v.toString(), tree.valueAt(path)));
      } else {
        problem(tree.valueAt(path), "output '" + name + "' must be a single value such as \"${{ steps.find.gtid }}\"");
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) { return (Map<String, Object>) o; }

  private void checkKeys(Map<String, Object> m, String path, List<String> known, String what) {
    for (String key : m.keySet()) {
      if (known.contains(key)) continue;
      String p = PlainTree.join(path, key);
      String later = what.equals("top-level") ? LATER.get(key) : null;
      String msg = "unknown " + what + " key '" + key + "'";
      if (later != null) {
        msg += " (" + later + ")";
      } else {
        String hint = Spelling.hint(key, known);
        msg += hint.isEmpty() ? "; known keys: " + String.join(", ", known) : hint;
      }
      problem(tree.keyAt(p), msg);
    }
  }

  private Optional<String> string(Map<String, Object> m, String path, String key, boolean required) {
    String p = PlainTree.join(path, key);
    if (!m.containsKey(key) || m.get(key) == null) {
      if (required) problem(m.containsKey(key) ? tree.keyAt(p) : tree.valueAt(path), "missing '" + key + "'");
      return Optional.empty();
    }
    Object v = m.get(key);
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return Optional.of(v.toString());
    }
    problem(tree.valueAt(p), "'" + key + "' must be a single value, not a " + (v instanceof List ? "list" : "map"));
    return Optional.empty();
  }

  private boolean bool(Map<String, Object> m, String path, String key) {
    Object v = m.get(key);
    if (v == null) return false;
    if (v instanceof Boolean b) return b;
    problem(tree.valueAt(PlainTree.join(path, key)), "'" + key + "' must be true or false");
    return false;
  }

  private Optional<Long> integer(Map<String, Object> m, String path, String key) {
    Object v = m.get(key);
    if (v == null) return Optional.empty();
    if (v instanceof Long l) return Optional.of(l);
    problem(tree.valueAt(PlainTree.join(path, key)), "'" + key + "' must be an int, not " + describe(v));
    return Optional.empty();
  }

  /** An int field: a number beyond an int is refused, not narrowed (the YAML reader keeps longs). */
  private Optional<Integer> intField(Map<String, Object> m, String path, String key) {
    Optional<Long> v = integer(m, path, key);
    if (v.isEmpty()) return Optional.empty();
    long l = v.get();
    if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
      problem(tree.valueAt(PlainTree.join(path, key)), "'" + key + "': number " + l + " is too "
          + (l > 0 ? "large (at most " + Integer.MAX_VALUE + ")" : "small (at least " + Integer.MIN_VALUE + ")"));
      return Optional.empty();
    }
    return Optional.of((int) l);
  }

  private Optional<Duration> duration(Map<String, Object> m, String path, String key) {
    Object v = m.get(key);
    if (v == null) return Optional.empty();
    String p = PlainTree.join(path, key);
    if (v instanceof String s) {
      try {
        return Optional.of(Durations.parse(s));
      } catch (RuntimeException e) {
        problem(tree.valueAt(p), "'" + key + "': " + e.getMessage());
        return Optional.empty();
      }
    }
    problem(tree.valueAt(p), "'" + key + "' must be a duration like 30s, 5m or PT1H, not " + describe(v)
        + (v instanceof Long ? " (add a unit: " + v + "s)" : ""));
    return Optional.empty();
  }

  private static String describe(Object v) {
    if (v instanceof String s) return "'" + s + "'";
    if (v instanceof List) return "a list";
    if (v instanceof Map) return "a map";
    return String.valueOf(v);
  }

  // ---- params

  private Map<String, ParamDecl> params(Object node) {
    Map<String, ParamDecl> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!(node instanceof Map<?, ?>)) {
      problem(tree.valueAt("params"), "'params' must be a map of parameter name to declaration");
      return out;
    }
    for (Map.Entry<String, Object> e : map(node).entrySet()) {
      String name = e.getKey();
      String path = "params." + name;
      SourcePos pos = tree.keyAt(path);
      if (!NAME.matcher(name).matches() || name.contains("-")) {
        problem(pos, "parameter name '" + name + "' must be letters, digits and '_', starting with a letter");
      }
      Map<String, Object> decl;
      if (e.getValue() instanceof String shorthand) {
        decl = new LinkedHashMap<>(Map.of("type", shorthand));
        tree.valuePos.put(path + ".type", tree.valueAt(path));
      } else if (e.getValue() instanceof Map<?, ?>) {
        decl = map(e.getValue());
      } else {
        problem(tree.valueAt(path), "parameter '" + name + "' must be a map like { type: string, default: ... }");
        continue;
      }
      out.put(name, param(name, path, pos, decl));
    }
    return out;
  }

  private ParamDecl param(String name, String path, SourcePos pos, Map<String, Object> decl) {
    checkKeys(decl, path, PARAM_KEYS, "parameter");
    String prefix = "parameter '" + name + "': ";
    String written = string(decl, path, "type", false).orElse("string");
    Optional<ParamType> type = ParamType.parse(written);
    if (type.isEmpty()) {
      problem(tree.valueAt(path + ".type"), prefix + "unknown type '" + written + "'" + ParamType.suggest(written)
          + "; types: string, int, bool, duration, timestamp, enum, host, regex, list<T>");
    }
    boolean required = bool(decl, path, "required");
    boolean secret = bool(decl, path, "secret");
    Optional<String> pattern = string(decl, path, "pattern", false);
    Optional<String> description = string(decl, path, "description", false);
    List<String> values = new ArrayList<>();
    Object rawValues = decl.get("values");
    if (rawValues instanceof List<?> l) {
      for (Object o : l) values.add(String.valueOf(o));
    } else if (rawValues != null) {
      problem(tree.valueAt(path + ".values"), prefix + "'values' must be a list");
    }
    boolean isEnum = type.map(t -> t.kind() == ParamType.Kind.ENUM
        || t.kind() == ParamType.Kind.LIST && t.element().kind() == ParamType.Kind.ENUM).orElse(false);
    boolean enumWithoutValues = isEnum && values.isEmpty();
    if (enumWithoutValues) {
      problem(tree.valueAt(path + ".type"), prefix + "an enum needs its values, e.g. values: [fast, safe]");
    } else if (!isEnum && rawValues != null) {
      problem(tree.keyAt(path + ".values"), prefix + "'values' only applies to type enum");
    }
    Optional<Pattern> compiled = Optional.empty();
    if (pattern.isPresent()) {
      try {
        compiled = Optional.of(Pattern.compile(pattern.get()));
      } catch (PatternSyntaxException e) {
        problem(tree.valueAt(path + ".pattern"), prefix + "invalid pattern: " + e.getDescription());
      }
    }
    Optional<Object> defaultValue = Optional.ofNullable(decl.get("default"));
    if (defaultValue.isPresent() && required) {
      problem(tree.keyAt(path + ".default"), prefix + "a required parameter has no default; drop one of them");
    }
    if (defaultValue.isPresent() && secret) {
      Object d = defaultValue.get();
      if (!(d instanceof String s && SecretRef.looksLikeRef(s))) {
        problem(tree.valueAt(path + ".default"), prefix + "a secret default must be a reference such as "
            + "env:VARIABLE or file:/path/to/file, never the secret itself");
      }
    } else if (defaultValue.isPresent() && type.isPresent() && !enumWithoutValues) {
      try {
        // Hosts are checked against the inventory when the run binds its params; 'now' is fine for timestamps.
        type.get().convert(defaultValue.get(), false,
            new ParamType.Rules(values, compiled, null, java.time.Instant.EPOCH));
      } catch (IllegalArgumentException e) {
        problem(tree.valueAt(path + ".default"), prefix + "default " + e.getMessage());
      }
    }
    return new ParamDecl(name, written, required, defaultValue, pattern, description, secret, List.copyOf(values), pos);
  }

  // ---- steps

  private List<StepDecl> steps(Object node, String path) {
    if (!(node instanceof List<?> list)) {
      problem(tree.valueAt(path), "'steps' must be a list of steps (each item starts with '- id: ...')");
      return List.of();
    }
    if (list.isEmpty()) {
      // A runbook (or group) that does nothing would "succeed": an unfinished file, not a plan.
      problem(tree.valueAt(path), path.equals("steps") ? "'steps' is empty: a runbook needs at least one step"
          : "'steps' is empty: a group needs at least one step");
    }
    List<StepDecl> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String p = path + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?>)) {
        problem(tree.valueAt(p), "a step must be a map with at least 'id' and 'use' (or 'steps')");
        continue;
      }
      out.add(step(map(list.get(i)), p));
    }
    return out;
  }

  private StepDecl step(Map<String, Object> m, String path) {
    SourcePos pos = tree.valueAt(path);
    Map<String, SourcePos> positions = new HashMap<>();
    for (String key : m.keySet()) positions.put(key, tree.valueAt(PlainTree.join(path, key)));
    String id = string(m, path, "id", false).orElse("");
    if (!m.containsKey("id")) problem(pos, "step has no 'id'");
    else if (!id.isEmpty() && !NAME.matcher(id).matches()) {
      problem(tree.valueAt(path + ".id"), "step id '" + id + "' must be letters, digits, '_' and '-' between them, "
          + "starting with a letter");
    }
    String label = id.isEmpty() ? "step" : "step '" + id + "'";
    String outerContext = context;
    context = label + ": ";
    checkKeys(m, path, STEP_KEYS, "step");
    Optional<String> use = string(m, path, "use", false);
    boolean hasSteps = m.containsKey("steps");
    if (use.isPresent() && hasSteps) {
      problem(tree.keyAt(path + ".steps"), "has both 'use' and 'steps'; a step either uses a step type "
          + "or groups steps");
    } else if (use.isEmpty() && !hasSteps && !m.containsKey("use")) {
      problem(pos, "needs 'use' (a step type) or 'steps' (a group)");
    }
    Map<String, Object> with = new LinkedHashMap<>();
    Object rawWith = m.get("with");
    if (rawWith instanceof Map<?, ?>) {
      with.putAll(map(rawWith));
      recordWithPositions(path + ".with", "with", rawWith, positions);
    } else if (rawWith != null) {
      problem(tree.valueAt(path + ".with"), "'with' must be a map of input name to value");
    }
    if (hasSteps && use.isEmpty() && rawWith != null) problem(tree.keyAt(path + ".with"), "a group has no inputs ('with')");
    Optional<String> on = string(m, path, "on", false);
    Optional<String> when = string(m, path, "when", false);
    Optional<String> foreach = foreach(m, path);
    Optional<String> as = string(m, path, "as", false);
    boolean parallel = bool(m, path, "parallel");
    // 0: not given (no limit); a given value that is not an int was reported here, and stands in as 1 for the rest.
    int maxParallel = intField(m, path, "maxParallel").orElse(m.get("maxParallel") == null ? 0 : 1);
    boolean confirm = bool(m, path, "confirm");
    Optional<Duration> timeout = duration(m, path, "timeout");
    RetrySpec retry = retry(m, path);
    List<Require> require = require(m, path);
    context = outerContext;
    List<StepDecl> nested = hasSteps ? steps(m.get("steps"), path + ".steps") : List.of();
    return new StepDecl(id, use, with, on, when, require, retry, timeout, foreach, as, parallel, maxParallel, nested,
        confirm, pos, Map.copyOf(positions));
  }

  private void recordWithPositions(String treePath, String key, Object value, Map<String, SourcePos> positions) {
    if (value instanceof Map<?, ?> mm) {
      for (Object k : mm.keySet()) {
        String sub = key + "." + k;
        positions.put(sub, tree.valueAt(treePath + "." + k));
        recordWithPositions(treePath + "." + k, sub, mm.get(k), positions);
      }
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        String sub = key + "[" + i + "]";
        positions.put(sub, tree.valueAt(treePath + "[" + i + "]"));
        recordWithPositions(treePath + "[" + i + "]", sub, l.get(i), positions);
      }
    }
  }

  /** foreach is an expression; a YAML list of plain values is accepted and written as a list literal. */
  private Optional<String> foreach(Map<String, Object> m, String path) {
    Object v = m.get("foreach");
    if (v instanceof List<?> l) {
      boolean plain = l.stream().allMatch(o -> o instanceof String || o instanceof Long || o instanceof Boolean
          || o instanceof Double);
      if (plain) {
        return Optional.of(l.stream().map(o -> o instanceof String s
            ? "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'" : String.valueOf(o))
            .collect(Collectors.joining(", ", "[", "]")));
      }
    }
    return string(m, path, "foreach", false);
  }

  private RetrySpec retry(Map<String, Object> m, String path) {
    Object v = m.get("retry");
    if (v == null) return RetrySpec.NONE;
    String p = path + ".retry";
    if (!(v instanceof Map<?, ?>)) {
      problem(tree.valueAt(p), "'retry' must be a map like { attempts: 3, backoff: 5s }");
      return RetrySpec.NONE;
    }
    Map<String, Object> r = map(v);
    checkKeys(r, p, List.of("attempts", "backoff"), "retry");
    int attempts = intField(r, p, "attempts").orElse(3);
    Duration backoff = duration(r, p, "backoff").orElse(Duration.ofSeconds(1));
    return new RetrySpec(attempts, backoff);
  }

  private List<Require> require(Map<String, Object> m, String path) {
    Object v = m.get("require");
    if (v == null) return List.of();
    String p = path + ".require";
    List<?> items = v instanceof List<?> l ? l : List.of(v);
    List<Require> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String ip = v instanceof List<?> ? p + "[" + i + "]" : p;
      if (!(items.get(i) instanceof Map<?, ?>)) {
        problem(tree.valueAt(ip), "each 'require' item is a map { that: <condition>, because: <why> }");
        continue;
      }
      Map<String, Object> r = map(items.get(i));
      checkKeys(r, ip, List.of("that", "because"), "require");
      Optional<String> that = string(r, ip, "that", true);
      Optional<String> because = string(r, ip, "because", false);
      if (because.isEmpty() && !r.containsKey("because")) {
        problem(tree.valueAt(ip), "require needs 'because': the message an operator reads when it is false");
      }
      out.add(new Require(that.orElse("true"), because.orElse(""), tree.valueAt(ip + ".that"),
          tree.valueAt(ip + ".because")));
    }
    return out;
  }
}
