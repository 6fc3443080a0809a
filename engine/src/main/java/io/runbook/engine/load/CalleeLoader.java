package io.runbook.engine.load;

import io.runbook.engine.expr.Templates;
import io.runbook.engine.model.Problem;
import io.runbook.engine.model.Runbook;
import io.runbook.engine.model.SourcePos;
import io.runbook.engine.model.StepDecl;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.util.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a runbook together with the runbooks its {@code use: runbook} steps call, transitively: each callee is
 * parsed once, cycles are refused with the chain they form, and problems stay at the file they are in.
 */
final class CalleeLoader {
  private final RunbookLocator locator;
  private final List<Problem> problems;
  private final Map<Path, Runbook> loaded = new HashMap<>();
  /** The files being loaded, outermost first, and their runbook names: a call to one of them closes a cycle. */
  private final List<Path> chain = new ArrayList<>();
  private final List<String> chainNames = new ArrayList<>();

  CalleeLoader(RunbookLocator locator, List<Problem> problems) {
    this.locator = locator;
    this.problems = problems;
  }

  /** The runbook in {@code file} with its callees; throws only when the file itself cannot be read or is empty. */
  Runbook load(Path file) throws ValidationException {
    RunbookLoader.Parsed parsed = RunbookLoader.parseCollecting(file);
    problems.addAll(parsed.problems());
    Runbook rb = parsed.runbook();
    chain.add(key(file));
    chainNames.add(rb.name().isEmpty() ? file.getFileName().toString() : rb.name());
    Map<String, Runbook> callees = new LinkedHashMap<>();
    try {
      for (StepDecl call : calls(rb.steps(), new ArrayList<>())) {
        callee(call, file).ifPresent(c -> callees.put(call.id(), c));
      }
    } finally {
      chain.remove(chain.size() - 1);
      chainNames.remove(chainNames.size() - 1);
    }
    if (callees.isEmpty()) return rb;
    StringBuilder all = new StringBuilder(rb.sha256());
    callees.forEach((id, c) -> all.append('\n').append(id).append('=').append(c.sha256()));
    return new Runbook(rb.name(), rb.summary(), rb.description(), rb.params(), rb.steps(), rb.source(),
        Sha256.hex(all.toString().getBytes(StandardCharsets.UTF_8)), rb.outputs(),
        Collections.unmodifiableMap(callees), rb.verify());
  }

  private Optional<Runbook> callee(StepDecl call, Path file) {
    String label = call.id().isEmpty() ? "step" : "step '" + call.id() + "'";
    Object name = call.with().get("name");
    SourcePos at = call.positions().containsKey("with.name") ? call.posOf("with.name") : call.posOf("use");
    if (!(name instanceof String n) || n.isBlank() || Templates.hasTemplate(n)) {
      problems.add(new Problem(at, label + ": 'use: runbook' needs with.name: a runbook name (like relink-replicas) "
          + "or a path relative to this file, written out (not an expression): the callee is checked before the run"));
      return Optional.empty();
    }
    List<String> tried = new ArrayList<>();
    Path from = file.toAbsolutePath().getParent();
    Optional<Path> target = locator.resolveCall(n, from == null ? Path.of("") : from, tried);
    if (target.isEmpty()) {
      problems.add(new Problem(at, label + ": unknown runbook '" + n + "'; looked at " + String.join(", ", tried)));
      return Optional.empty();
    }
    Path key = key(target.get());
    int start = chain.indexOf(key);
    if (start >= 0) {
      List<String> cycle = new ArrayList<>(chainNames.subList(start, chainNames.size()));
      cycle.add(chainNames.get(start));
      problems.add(new Problem(at, label + ": runbook calls form a cycle: " + String.join(" -> ", cycle)
          + "; a runbook cannot call itself, directly or through others"));
      return Optional.empty();
    }
    Runbook callee = loaded.get(key);
    if (callee == null) {
      try {
        callee = load(target.get().normalize());
      } catch (ValidationException e) {
        problems.addAll(e.problems());
        return Optional.empty();
      }
      loaded.put(key, callee);
    }
    return Optional.of(callee);
  }

  private static List<StepDecl> calls(List<StepDecl> steps, List<StepDecl> out) {
    for (StepDecl s : steps) {
      if (Runbook.isCall(s)) out.add(s);
      calls(s.steps(), out);
    }
    return out;
  }

  private static Path key(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (java.io.IOException e) {
      return abs;
    }
  }
}
