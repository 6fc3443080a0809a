package io.runbook.cli;

import io.runbook.engine.registry.StepRegistry;
import io.runbook.engine.run.StateDir;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code runbook} command: validate, run and resume runbooks. Never prints a stack trace. */
@Command(name = "runbook", mixinStandardHelpOptions = true, version = "runbook 0.1.0",
    description = "Validate, plan, run and resume declarative runbooks.",
    subcommands = {ValidateCommand.class, PlanCommand.class, RunCommand.class, ResumeCommand.class, NewCommand.class,
        RunsCommand.class, ShowCommand.class, VerifyCommand.class, ListCommand.class, DescribeCommand.class,
        GraphCommand.class, SchemaCommand.class, CompletionCommand.class, SandboxCommand.class, DemoCommand.class, DrillCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success (plan: the plan is complete)",
        "1:a step failed (plan: a READS step failed while planning; drill, verify: a verify: check does not hold)",
        "2:invalid runbook, inventory or parameters, or the run was refused (nothing ran)",
        "3:a precondition (require) was false (plan: one is false already now; the plan still prints in full)",
        "4:waiting for an operator decision (approval or in-doubt step)",
        "130:interrupted (resumable)"})
public final class Main implements Runnable {
  @Option(names = "--state-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "Where runs, journals and locks live (default: $RUNBOOK_STATE_DIR or ~/.runbook)")
  Path stateDir;

  @Option(names = "--plugin", scope = ScopeType.INHERIT, paramLabel = "JAR",
      description = "A jar of a team's own step types (repeatable); the jars in <state-dir>/plugins are loaded too")
  List<Path> plugins = new ArrayList<>();

  /** How every command reports on the console (docs/json-output.md). */
  enum Output { text, json }

  @Option(names = "--output", scope = ScopeType.INHERIT, paramLabel = "text|json",
      description = "text (default; for run: a live view on a terminal, timestamped lines otherwise) or json: one JSON"
          + " object a line on stdout and stderr, for every command (docs/json-output.md)")
  Output output = Output.text;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The streams {@link #run(String[], PrintStream, PrintStream)} was given: the run view and nested commands write there. */
  PrintStream stdout = System.out;
  PrintStream stderr = System.err;

  /** The plugin jars of this invocation: {@code <state-dir>/plugins/*.jar}, then each {@code --plugin JAR}. */
  List<Path> pluginJars() {
    List<Path> jars = new ArrayList<>(StepRegistry.pluginsIn(stateDir(stateDir).root().resolve("plugins")));
    jars.addAll(plugins);
    return jars;
  }

  @Override
  public void run() { spec.commandLine().usage(stdout); }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line and returns the exit code; everything unexpected ends up in last-error.log. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    quietSlf4j();
    Main main = new Main();
    main.stdout = out;
    main.stderr = err;
    CommandLine cl = new CommandLine(main);
    helpEverywhere(cl);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    boolean json = asksForJson(args);
    Console console = new Console(json, cl.getOut(), cl.getErr());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Path log = writeLastError(stateDirOf(cmd), e);
      console.error("internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          "the details are in " + log);
      return 1;
    });
    // A mistyped command line: picocli's message and usage for people, one error object for machines.
    CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((ex, a) -> {
      if (!json) return usage.handleParseException(ex, a);
      console.error(ex.getMessage(), ex.getCommandLine().getCommandSpec().qualifiedName() + " --help");
      return 2;
    });
    // Every command asks StepRegistry for step types; it learns the plugin jars here, once the options are parsed.
    cl.setExecutionStrategy(parsed -> {
      StepRegistry.usePlugins(((Main) cl.getCommand()).pluginJars());
      return new CommandLine.RunLast().execute(parsed);
    });
    try {
      return cl.execute(args);
    } catch (Throwable t) {
      console.error("internal error: " + t, null);
      return 1;
    }
  }

  /**
   * The MariaDB driver and Azure's client libraries log through SLF4J, and the CLI ships no SLF4J provider (their
   * logs are not for operators). SLF4J 2 then warns "No SLF4J providers were found" on stderr, which is not a JSON
   * line under --output json: its own reports below ERROR are turned off before any library first asks for a logger
   * (it reads the setting once). A -Dslf4j.internal.verbosity given on the java command line is left as it is.
   */
  static void quietSlf4j() {
    if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
  }

  /** {@code -h/--help} (and {@code -V/--version}) on every subcommand too, e.g. {@code runbook sandbox snapshot --help}. */
  private static void helpEverywhere(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().mixinStandardHelpOptions(true);
      helpEverywhere(sub);
    }
  }

  /**
   * Whether the command line asks for {@code --output json}: looked up before parsing, so that even an error in
   * parsing it reports as JSON.
   */
  static boolean asksForJson(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) return false;
      if (args[i].equals("--output=json") || (args[i].equals("--output") && i + 1 < args.length && args[i + 1].equals("json"))) {
        return true;
      }
    }
    return false;
  }

  /** The state folder: --state-dir, else $RUNBOOK_STATE_DIR, else ~/.runbook. */
  static StateDir stateDir(Path option) {
    if (option != null) return new StateDir(option);
    String env = System.getenv("RUNBOOK_STATE_DIR");
    if (env != null && !env.isBlank()) return new StateDir(Path.of(env));
    return new StateDir(Path.of(System.getProperty("user.home"), ".runbook"));
  }

  private static StateDir stateDirOf(CommandLine cmd) {
    CommandLine c = cmd;
    while (c.getParent() != null) c = c.getParent();
    return stateDir(((Main) c.getCommand()).stateDir);
  }

  static Path writeLastError(StateDir state, Throwable e) {
    Path file = state.lastError();
    StringWriter sw = new StringWriter();
    e.printStackTrace(new PrintWriter(sw));
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, Instant.now() + "\n" + sw, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException ignored) {
      // Nowhere to write it; the one-line message on stderr must do.
    }
    return file;
  }
}
