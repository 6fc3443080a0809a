package io.runbook.cli;

import io.runbook.engine.load.RunbookLoader;
import io.runbook.engine.load.RunbookLocator;
import io.runbook.engine.model.ValidationException;
import io.runbook.engine.registry.StepRegistry;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code runbook new NAME [--from RUNBOOK]}: starts a runbook from a skeleton or a copy, and validates it. */
@Command(name = "new", description = "Write runbooks/NAME.yaml: a skeleton to fill in, or (--from) a copy of a runbook"
    + " to customise; then validate it. An existing file is never overwritten.")
final class NewCommand implements Callable<Integer> {
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*");
  static final Pattern RUNBOOK_LINE = Pattern.compile("^runbook:.*$", Pattern.MULTILINE);

  @Parameters(index = "0", paramLabel = "NAME", description = "The new runbook's name: letters, digits, '_' and '-'")
  String name;

  @Option(names = "--from", paramLabel = "RUNBOOK", description = "Copy this runbook (a shipped name or a file)")
  String from;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to write it (default: ./runbooks)")
  Path dir = Path.of("runbooks");

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    if (!NAME.matcher(name).matches()) {
      console.error("'" + name + "' is not a runbook name: use letters, digits, '_' and '-' between them", null);
      return 2;
    }
    Path target = dir.resolve(name + ".yaml");
    if (Files.exists(target)) {
      console.error(target + " already exists and is left as it is; choose another NAME or remove it", null);
      return 2;
    }
    Optional<Path> taken = RunbookLocator.fromEnvironment().resolve(name, Path.of(""), new ArrayList<>());
    if (taken.isPresent()) {
      // A NAME means the first file of that name (shipped runbooks first): a second one would never be run by name.
      console.error("there is a runbook named " + name + " already: " + taken.get() + "; runbook run " + name
          + " would run that one, not " + target, "choose another name, e.g. runbook new my-" + name
          + (from != null ? " --from " + from : " --from " + name + " (a copy of it to adapt)"));
      return 2;
    }
    String text;
    if (from == null) {
      text = skeleton(name);
    } else {
      List<String> tried = new ArrayList<>();
      Optional<Path> source = RunbookFiles.resolve(from, tried);
      if (source.isEmpty()) {
        console.error("no runbook '" + from + "' to copy; looked at " + String.join(", ", tried), null);
        return 2;
      }
      try {
        text = copy(Files.readString(source.get()), name, source.get());
      } catch (IOException e) {
        console.error("cannot read " + source.get() + ": " + e.getMessage(), null);
        return 2;
      }
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(target, text, StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      console.error(target + " already exists and is left as it is", null);
      return 2;
    } catch (IOException e) {
      console.error("cannot write " + target + ": " + e.getMessage(), null);
      return 2;
    }
    console.result("written", Console.fields("file", target.toString()), "wrote " + target + "\n");
    StepRegistry registry = Session.registry(console);
    try {
      RunbookLoader.load(target, registry);
    } catch (ValidationException e) {
      e.problems().forEach(console::problem);
      console.stopped("it does not validate yet: fix the problems above, then: runbook validate " + target);
      return 2;
    }
    console.result("validated", Console.fields("file", target.toString()),
        "it validates; next: edit it (runbook list, runbook describe TYPE), then runbook validate " + target + "\n");
    return 0;
  }

  /** A copy of another runbook under a new name, saying where it came from. */
  static String copy(String source, String name, Path from) {
    Matcher m = RUNBOOK_LINE.matcher(source);
    if (!m.find()) return source;
    return source.substring(0, m.start()) + "# Copied from " + from.getFileName() + " by runbook new; adapt it, then"
        + " runbook validate it.\nrunbook: " + name + source.substring(m.end());
  }

  /** The starting point of a runbook: every section once, a first step, and where to read on. */
  static String skeleton(String name) {
    return """
        # yaml-language-server: $schema=../schemas/runbook.schema.json
        runbook: %s
        summary: One line on what %s does and when to use it.
        description: |
          What an operator should know first: what it changes, how long it takes, how to undo it.
          Step types:              runbook list;  one type's inputs and outputs: runbook describe core.exec
          Writing runbooks:        docs/authoring.md;  expressions: docs/expressions.md
          Before running it:       runbook validate runbooks/%s.yaml, then runbook plan %s
        params:
          target: { type: string, default: localhost, description: what this runbook works on }
          # Types: string, int, bool, duration, timestamp, enum (with values: [...]), host, list<T>.
          # A parameter without a default: { type: host, required: true, description: ... }
        steps:
          - id: start
            use: core.log
            with: { message: "Run ${{ run.id }} starts on ${{ params.target }}" }

          # The next step: runbook describe core.exec lists its inputs (with:) and outputs (steps.<id>.<output>).
          # - id: look
          #   use: core.exec
          #   with: { command: [uname, -a], effect: READS }
          #   require:
          #     - that: ${{ params.target != '' }}
          #       because: it needs a target
          # Reuse a shipped runbook as one step: use: runbook, with: { name: NAME, params: { ... } }.
        """.formatted(name, name, name, name);
  }
}
