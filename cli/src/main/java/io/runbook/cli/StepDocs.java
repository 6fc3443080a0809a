package io.runbook.cli;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.StepType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The step reference (docs/steps/): one Markdown page per step type, generated from the type's records and
 * {@link Doc} annotations (inputs, outputs, effect, idempotency, an example), and an index.
 */
final class StepDocs {
  private StepDocs() {}

  /** File name to content, for every page and the index (README.md). */
  static Map<String, String> pages(StepRegistry registry) {
    Map<String, String> out = new LinkedHashMap<>();
    StringBuilder index = new StringBuilder("# Step reference\n\nGenerated from the step types' records and @Doc annotations;"
        + " do not edit by hand. `StepDocsTest` fails when these pages are stale; regenerate them with\n"
        + "`mvn -o -pl cli -am test -Dtest=StepDocsTest -Dsurefire.failIfNoSpecifiedTests=false -Dgolden.update=true`.\n\n"
        + "| Step type | Effect | Idempotent | What it does |\n|---|---|---|---|\n");
    for (StepType<?, ?> t : registry.all()) {
      out.put(t.name() + ".md", page(t));
      index.append("| [`").append(t.name()).append("`](").append(t.name()).append(".md) | ").append(t.effect())
          .append(" | ").append(t.idempotent() ? "yes" : "no").append(" | ").append(cell(summary(t))).append(" |\n");
    }
    out.put("README.md", index.toString());
    return out;
  }

  static String summary(StepType<?, ?> t) {
    Doc d = t.getClass().getAnnotation(Doc.class);
    return d == null ? "" : d.value();
  }

  /** For types whose effect depends on the input (they override effectOf): what the declared effect means. */
  static String effectNote(StepType<?, ?> t) {
    boolean perUse = java.util.Arrays.stream(t.getClass().getDeclaredMethods()).anyMatch(m -> m.getName().equals("effectOf"));
    if (!perUse) return "";
    boolean effectInput = t.inputType().isRecord() && java.util.Arrays.stream(t.inputType().getRecordComponents())
        .anyMatch(c -> c.getName().equals("effect"));
    return effectInput ? " (by default; `effect:` in `with:` sets it per use)"
        : " (the most it does; the effect of one use depends on its inputs, see below)";
  }

  static String page(StepType<?, ?> t) {
    StringBuilder b = new StringBuilder();
    b.append("# `").append(t.name()).append("`\n\n");
    if (!summary(t).isEmpty()) b.append(summary(t)).append(".\n\n");
    b.append("- effect: **").append(t.effect()).append("**");
    b.append(effectNote(t));
    b.append('\n');
    b.append("- idempotent: ").append(t.idempotent() ? "yes (resume may run it again when in doubt)"
        : "no (after a crash in the middle, resume reconciles it or asks the operator)").append('\n');
    if (t.needsHost()) b.append("- needs `on: <host>` (an inventory host)\n");
    if (t.needsCloud()) b.append("- needs the inventory's `cloud:` section\n");
    b.append("- implemented by `").append(t.getClass().getName()).append("`\n\n");
    b.append("## Inputs (`with:`)\n\n");
    fields(b, t.inputType(), true);
    b.append("## Outputs (`steps.<id>.<name>`)\n\n");
    fields(b, t.outputType(), false);
    b.append("## Example\n\n```yaml\n").append(example(t)).append("```\n");
    return b.toString();
  }

  private static void fields(StringBuilder b, Class<?> record, boolean inputs) {
    RecordComponent[] rcs = record.isRecord() ? record.getRecordComponents() : new RecordComponent[0];
    if (rcs.length == 0) {
      b.append("None.\n\n");
      return;
    }
    b.append(inputs ? "| Name | Type | Required | Default | Description |\n|---|---|---|---|---|\n"
        : "| Name | Type | Description |\n|---|---|---|\n");
    for (RecordComponent rc : rcs) {
      boolean optional = rc.getType() == Optional.class;
      Doc doc = rc.getAnnotation(Doc.class);
      b.append("| `").append(rc.getName()).append("` | ").append(cell(typeName(rc.getGenericType()))).append(" | ");
      if (inputs) {
        b.append(optional ? "no" : "yes").append(" | ")
            .append(doc == null || doc.defaultValue().isEmpty() ? "" : "`" + cell(doc.defaultValue()) + "`").append(" | ");
      }
      b.append(doc == null ? "" : cell(doc.value())).append(" |\n");
    }
    b.append('\n');
  }

  /** A type as runbook authors write its values: string, int, duration, list&lt;string&gt;, one of A, B. */
  static String typeName(Type t) {
    if (t instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) return typeName(args[0]);
      if (Collection.class.isAssignableFrom(raw)) return "list<" + typeName(args[0]) + ">";
      if (Map.class.isAssignableFrom(raw)) return "map<string, " + typeName(args[1]) + ">";
      return raw.getSimpleName();
    }
    if (!(t instanceof Class<?> c)) return "any";
    if (c == String.class || c == java.nio.file.Path.class) return "string";
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return "int";
    if (c == double.class || c == Double.class) return "number";
    if (c == boolean.class || c == Boolean.class) return "bool";
    if (c == Duration.class) return "duration";
    if (c == Instant.class) return "timestamp";
    if (c == SecretRef.class) return "secret reference";
    if (c.isEnum()) return "one of " + Arrays.stream(c.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
    if (c.isRecord()) return "map (" + Arrays.stream(c.getRecordComponents()).map(RecordComponent::getName)
        .collect(Collectors.joining(", ")) + ")";
    if (c == Object.class) return "any";
    return c.getSimpleName();
  }

  /** A step using the type with its required inputs filled with placeholders of the right kind. */
  static String example(StepType<?, ?> t) {
    String id = t.name().substring(t.name().lastIndexOf('.') + 1);
    StringBuilder b = new StringBuilder("steps:\n  - id: ").append(id).append("\n    use: ").append(t.name()).append('\n');
    if (t.needsHost()) b.append("    on: ${{ params.primary }}\n");
    StringBuilder with = new StringBuilder();
    for (RecordComponent rc : t.inputType().getRecordComponents()) {
      if (rc.getType() == Optional.class) continue;
      with.append("      ").append(rc.getName()).append(": ").append(placeholder(rc.getGenericType(), rc.getName())).append('\n');
    }
    if (with.length() > 0) b.append("    with:\n").append(with);
    return b.toString();
  }

  private static String placeholder(Type t, String name) {
    Class<?> c = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> k ? k : Object.class;
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return "1";
    if (c == double.class || c == Double.class) return "1.5";
    if (c == boolean.class || c == Boolean.class) return "true";
    if (c == Duration.class) return "30s";
    if (c == Instant.class) return "\"${{ params.at }}\"";
    if (c == SecretRef.class) return "env:" + name.toUpperCase();
    if (c.isEnum()) return c.getEnumConstants()[0].toString();
    if (Collection.class.isAssignableFrom(c)) return "[]";
    if (Map.class.isAssignableFrom(c) || c.isRecord()) return "{}";
    return "\"${{ params." + name + " }}\"";
  }

  private static String cell(String s) { return s.replace("|", "\\|").replace("\n", " "); }
}
