package io.runbook.engine.validate;

import io.runbook.engine.bind.RecordBinder;
import io.runbook.engine.expr.ExprException;
import io.runbook.engine.expr.JavaTypes;
import io.runbook.engine.expr.Templates;
import io.runbook.engine.expr.Type;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.util.Spelling;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a step's {@code with:} against its input record: unknown and missing inputs, literal values that do not
 * bind, and templates whose static type does not fit the input.
 */
final class InputCheck {
  private final List<Problem> problems;
  private final StepDecl step;
  private final String label;
  private final Type.RecordOf scope;
  private final Set<String> secretParams;

  InputCheck(List<Problem> problems, StepDecl step, String label, Type.RecordOf scope, Set<String> secretParams) {
    this.problems = problems;
    this.step = step;
    this.label = label;
    this.scope = scope;
    this.secretParams = secretParams;
  }

  /** {@code inputType} null: the step type is unknown; only the expressions are checked. */
  void check(Class<?> inputType) {
    if (inputType == null || !inputType.isRecord()) {
      value(step.with(), Object.class, "with"); // unknown type, or inputs that are not a record: expressions only
      return;
    }
    record(step.with(), inputType, "with", step.posOf("use"));
  }

  private SourcePos pos(String path) { return step.posOf(path); }

  private void problem(String path, String message) { problems.add(new Problem(pos(path), message)); }

  private static String inputName(String path) { return path.startsWith("with.") ? path.substring(5) : path; }

  private void record(Map<?, ?> given, Class<?> type, String path, SourcePos missingAt) {
    RecordComponent[] components = type.getRecordComponents();
    List<String> names = Arrays.stream(components).map(RecordComponent::getName).toList();
    for (Object key : given.keySet()) {
      String k = String.valueOf(key);
      if (!names.contains(k)) {
        String hint = Spelling.hint(k, names);
        problem(path + "." + k, label + ": unknown input '" + inputName(path + "." + k) + "'"
            + (hint.isEmpty() ? "; inputs: " + String.join(", ", names) : hint));
      }
    }
    for (RecordComponent rc : components) {
      String p = path + "." + rc.getName();
      boolean optional = rc.getType() == Optional.class;
      if (!given.containsKey(rc.getName()) || given.get(rc.getName()) == null) {
        if (!optional) {
          Doc doc = rc.getAnnotation(Doc.class);
          problems.add(new Problem(given.containsKey(rc.getName()) ? pos(p) : step.positions().getOrDefault(path, missingAt),
              label + ": missing required input '" + inputName(p) + "'" + (doc == null ? "" : " (" + doc.value() + ")")));
        }
        continue;
      }
      value(given.get(rc.getName()), rc.getGenericType(), p);
    }
  }

  private void value(Object raw, java.lang.reflect.Type target, String path) {
    Class<?> rawClass = target instanceof ParameterizedType pt ? (Class<?>) pt.getRawType()
        : target instanceof Class<?> c ? c : Object.class;
    if (rawClass == Optional.class) {
      if (raw != null) value(raw, ((ParameterizedType) target).getActualTypeArguments()[0], path);
      return;
    }
    if (raw instanceof String s && Templates.hasTemplate(s)) {
      if (rawClass == SecretRef.class) {
        for (String secret : secretParams) {
          if (java.util.regex.Pattern.compile("params\\s*\\.\\s*" + secret + "\\b").matcher(s).find()) {
            problem(path, label + ": input '" + inputName(path) + "' takes a secret reference, but secret parameter '"
                + secret + "' holds the resolved value at run time; write the reference here (env:NAME, file:PATH)");
            return;
          }
        }
      }
      expression(s, target, path);
      return;
    }
    if (rawClass == Object.class) {
      if (raw instanceof Map<?, ?> m) m.forEach((k, v) -> value(v, Object.class, path + "." + k));
      if (raw instanceof List<?> l) for (int i = 0; i < l.size(); i++) value(l.get(i), Object.class, path + "[" + i + "]");
      return;
    }
    if (rawClass.isRecord() && raw instanceof Map<?, ?> m) {
      record(m, rawClass, path, pos(path));
      return;
    }
    if (List.class.isAssignableFrom(rawClass) && raw instanceof List<?> l && target instanceof ParameterizedType pt) {
      for (int i = 0; i < l.size(); i++) value(l.get(i), pt.getActualTypeArguments()[0], path + "[" + i + "]");
      return;
    }
    if (Map.class.isAssignableFrom(rawClass) && raw instanceof Map<?, ?> m && target instanceof ParameterizedType pt) {
      m.forEach((k, v) -> value(v, pt.getActualTypeArguments()[1], path + "." + k));
      return;
    }
    RecordBinder binder = new RecordBinder();
    binder.bind(raw, target, "");
    for (RecordBinder.BindProblem p : binder.problems()) {
      String at = p.path().isEmpty() ? path : path + (p.path().startsWith("[") ? "" : ".") + p.path();
      problem(at, label + ": input '" + inputName(at) + "'" + (p.message().startsWith("must") ? " " : ": ") + p.message());
    }
  }

  private void expression(String text, java.lang.reflect.Type target, String path) {
    Templates.Checked checked = Templates.check(text, scope, false);
    for (ExprException e : checked.errors()) {
      problems.add(new Problem(Validator.at(pos(path), text, e.offset()), label + ": input '" + inputName(path) + "': "
          + e.reason()));
    }
    Type t = checked.type();
    if (t == null) return;
    Type wanted = JavaTypes.of(target);
    if (!fits(t, wanted)) {
      problem(path, label + ": input '" + inputName(path) + "' expects " + wanted + ", but the expression gives " + t);
    }
  }

  /** Whether a value of static type {@code t} binds into an input of type {@code wanted} at run time. */
  static boolean fits(Type t, Type wanted) {
    if (Type.assignable(t, wanted)) return true;
    // The binder parses strings into durations and timestamps, and writes scalars into string inputs.
    if (t == Type.STRING && (wanted == Type.DURATION || wanted == Type.TIMESTAMP)) return true;
    return wanted == Type.STRING && (t == Type.INT || t == Type.DOUBLE || t == Type.BOOL);
  }
}
