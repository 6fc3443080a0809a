package io.runbook.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code runbook completion bash|zsh}: a completion script. picocli generates the verbs and options; runbook names
 * (from {@code runbook list --names}) and parameter names (from {@code runbook describe NAME --param-names}) are
 * completed by asking runbook itself, so they follow the runbooks on disk.
 */
@Command(name = "completion", description = {"Print a shell completion script: source <(runbook completion bash),"
    + " or for zsh: source <(runbook completion zsh)"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells. */
  enum Shell { bash, zsh }

  @Parameters(index = "0", paramLabel = "bash|zsh", description = "The shell")
  Shell shell;

  @Spec CommandSpec spec;

  /** Completes runbook names after run/plan/describe/graph and NAME= after -p, else defers to picocli's function. */
  static final String DYNAMIC = """

      # runbook names and parameter names, asked from runbook itself
      function _runbook_dynamic() {
        local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" verb="" name="" i
        for ((i = 1; i < COMP_CWORD; i++)); do
          case "${COMP_WORDS[i]}" in
            run|plan|describe|graph) verb="${COMP_WORDS[i]}"; name="${COMP_WORDS[i+1]}"; break ;;
          esac
        done
        if [[ -n "$verb" && "$i" -eq $((COMP_CWORD - 1)) && "$cur" != -* ]]; then
          COMPREPLY=( $(compgen -W "$(runbook list --names 2>/dev/null)" -- "$cur") $(compgen -f -- "$cur") )
          return 0
        fi
        if [[ -n "$name" && ( "$prev" == "-p" || "$prev" == "--param" ) ]]; then
          local params
          params="$(runbook describe "$name" --param-names 2>/dev/null | sed 's/$/=/')"
          COMPREPLY=( $(compgen -W "$params" -- "$cur") )
          compopt -o nospace 2>/dev/null
          return 0
        fi
        _picocli_runbook "$@"
      }
      complete -F _runbook_dynamic -o default runbook
      """;

  @Override
  public Integer call() {
    Console console = Console.of(spec);
    if (console.json()) {
      console.error("a completion script has no JSON form", "run runbook completion " + shell + " without --output json");
      return 2;
    }
    String script = AutoComplete.bash("runbook", new CommandLine(new Main())) + DYNAMIC;
    if (shell == Shell.zsh) {
      script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
    }
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
