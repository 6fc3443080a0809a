package io.runbook.steps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameter values an attacker (or a careless paste) could put in a runbook's params, each built so that if it were
 * interpreted by a shell or by SQL instead of passed as data, it would create the canary file (or change the
 * database). Injection tests send every one through a step and check it arrives byte-equal and the canary is absent.
 */
public final class HostileValues {
  private HostileValues() {}

  /** Values for shell commands; {@code canary} is the file a successful injection would create. */
  public static List<String> shell(Path canary) {
    String c = canary.toString();
    List<String> v = new ArrayList<>(List.of(
        "it's", "say \"hi\"", "a;touch " + c, "; touch " + c + " ;", "$(touch " + c + ")", "`touch " + c + "`",
        "x\ntouch " + c, "x\r\ntouch " + c, "x && touch " + c, "x || touch " + c, "x | tee " + c, "> " + c, ">> " + c,
        "' ; touch " + c + " ; '", "\" ; touch " + c + " ; \"", "'\"'\"'; touch " + c + "; '\"'\"'",
        "\\'; touch " + c + "; \\'", "\\", "\\\\n", "$HOME ${PATH} $1 $@ $$ $?", "${IFS}touch${IFS}" + c, "*", "~root",
        "!!", "-rf", "--", "-- touch " + c, "/* comment */", "#not a comment", "a\tb", "  leading and trailing  ",
        "unicode ☃ é 💥 \u202e", "", "%s %n %x", "$(printf '\\x74ouch') " + c, "{a,b}", "[!a]?"));
    return v;
  }

  /** Values for SQL: the shell ones, plus SQL comment markers and classic injections. */
  public static List<String> sql(Path canary) {
    List<String> v = new ArrayList<>(shell(canary));
    v.addAll(List.of("' OR '1'='1", "'; DROP TABLE injected; --", "\"; DROP TABLE injected; --", "x' -- ",
        "x'/*", "*/ DROP TABLE injected /*", "1; CREATE TABLE pwned (i int)", "\\'; CREATE TABLE pwned (i int); -- ",
        "x\u0000y", "\u0000", "0x27", "CHAR(39)", "?", "??", "%", "_", "`backtick`", "\\0 \\b \\n \\r \\t \\Z \\%"));
    return v;
  }
}
