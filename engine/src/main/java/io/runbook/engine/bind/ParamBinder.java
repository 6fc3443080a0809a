package io.runbook.engine.bind;

import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.load.ParamsFile;
import io.runbook.engine.model.ParamDecl;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.secret.SecretRef;
import io.runbook.engine.util.Spelling;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gives every declared parameter its typed value: from {@code -p name=value} first, then the params file, then
 * the default. Secret parameters hold their reference ({@code env:NAME}); the executor resolves it.
 */
public final class ParamBinder {
  private ParamBinder() {}

  public static Map<String, Object> bind(Runbook rb, Map<String, String> cliValues, Optional<Path> paramsFile,
      Inventory inventory, Instant now) throws ValidationException {
    List<Problem> problems = new ArrayList<>();
    Map<String, Object> fileValues = Map.of();
    Map<String, SourcePos> filePos = Map.of();
    if (paramsFile.isPresent()) {
      var loaded = ParamsFile.read(paramsFile.get());
      fileValues = loaded.values();
      filePos = loaded.positions();
    }
    SourcePos cli = SourcePos.COMMAND_LINE;
    for (String name : cliValues.keySet()) {
      if (!rb.params().containsKey(name)) {
        problems.add(new Problem(cli, "parameter '" + name + "' is not declared by runbook " + rb.name()
            + Spelling.hint(name, rb.params().keySet()) + known(rb)));
      }
    }
    for (String name : fileValues.keySet()) {
      if (!rb.params().containsKey(name)) {
        problems.add(new Problem(filePos.get(name), "parameter '" + name + "' is not declared by runbook " + rb.name()
            + Spelling.hint(name, rb.params().keySet()) + known(rb)));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (ParamDecl p : rb.params().values()) {
      Optional<ParamType> type = ParamType.parse(p.type());
      if (type.isEmpty()) {
        problems.add(new Problem(p.pos(), "parameter '" + p.name() + "': unknown type '" + p.type() + "'"));
        continue;
      }
      Object raw;
      boolean fromText;
      SourcePos where;
      if (cliValues.containsKey(p.name())) {
        raw = cliValues.get(p.name());
        fromText = true;
        where = cli;
      } else if (fileValues.get(p.name()) != null) {
        // A null in a params file is "not given" (YAML ~): the journal of a run records an optional parameter that
        // had no value that way, and resuming that run must bind it as it was bound, not refuse it.
        raw = fileValues.get(p.name());
        fromText = false;
        where = filePos.get(p.name());
      } else if (p.defaultValue().isPresent()) {
        raw = p.defaultValue().get();
        fromText = false;
        where = p.pos();
      } else {
        if (p.required()) {
          // Missing from the params file when one was given (it is where such values live), else from the command line.
          SourcePos missing = paramsFile.map(f -> new SourcePos(f.toString(), 0, 0)).orElse(cli);
          String give = paramsFile.isPresent() ? "add " + p.name() + ": ... to it or pass -p " + p.name() + "=..."
              : "pass -p " + p.name() + "=...";
          problems.add(new Problem(missing, "parameter '" + p.name() + "' is required (" + p.type() + "): " + give
              + p.description().map(d -> "; " + d).orElse("")));
        }
        out.put(p.name(), null);
        continue;
      }
      try {
        out.put(p.name(), convert(p, type.get(), raw, fromText, inventory, now));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(where, "parameter '" + p.name() + "': " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    return out;
  }

  /**
   * The params of a called runbook ({@code use: runbook}) from the values its caller passed (already rendered):
   * typed like a params file, defaults filled in. A secret parameter takes the caller's value as it is: the
   * caller's own secret parameter is already resolved and registered for redaction.
   */
  public static Map<String, Object> bindCall(Runbook callee, Map<String, Object> given, Inventory inventory,
      Instant now) throws ValidationException {
    return bindCall(callee, given, Set.of(), inventory, now);
  }

  /**
   * As {@link #bindCall(Runbook, Map, Inventory, Instant)}; the params named in {@code undecided} (a plan: their
   * values are only known at run time) are left out, neither defaulted nor required.
   */
  public static Map<String, Object> bindCall(Runbook callee, Map<String, Object> given, Set<String> undecided,
      Inventory inventory, Instant now) throws ValidationException {
    List<Problem> problems = new ArrayList<>();
    SourcePos at = new SourcePos("runbook " + callee.name(), 0, 0);
    for (String name : given.keySet()) {
      if (!callee.params().containsKey(name)) {
        problems.add(new Problem(at, "parameter '" + name + "' is not declared by runbook " + callee.name() + known(callee)));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (ParamDecl p : callee.params().values()) {
      if (undecided.contains(p.name())) continue;
      Optional<ParamType> type = ParamType.parse(p.type());
      Object raw = given.get(p.name());
      if (raw == null) raw = p.defaultValue().orElse(null);
      if (raw == null || type.isEmpty()) {
        if (p.required()) problems.add(new Problem(at, "parameter '" + p.name() + "' is required (" + p.type() + ")"));
        out.put(p.name(), null);
        continue;
      }
      try {
        out.put(p.name(), p.secret() && given.containsKey(p.name()) ? raw
            : convert(p, type.get(), raw, false, inventory, now));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(at, "parameter '" + p.name() + "': " + e.getMessage()));
      }
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    return out;
  }

  /** One parameter value, typed; secret parameters must be references and keep the reference text. */
  static Object convert(ParamDecl p, ParamType type, Object raw, boolean fromText, Inventory inventory, Instant now) {
    if (p.secret()) {
      if (raw instanceof String s && SecretRef.looksLikeRef(s)) return s;
      throw new IllegalArgumentException("is secret: pass a reference such as env:VARIABLE or file:/path/to/file, "
          + "never the value itself");
    }
    Optional<Pattern> pattern = p.pattern().map(Pattern::compile);
    return type.convert(raw, fromText, new ParamType.Rules(p.values(), pattern, inventory, now));
  }

  private static String known(Runbook rb) {
    return rb.params().isEmpty() ? "; it declares no parameters" : "; declared: " + String.join(", ", rb.params().keySet());
  }
}
