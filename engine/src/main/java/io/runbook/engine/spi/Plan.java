package io.runbook.engine.spi;

import java.util.ArrayList;
import java.util.List;

/** What a step would do, exactly: the commands, SQL and API calls with values filled in (secrets redacted). */
public record Plan(List<Action> actions) {
  /** What kind of thing an action is, so renderers can format it. */
  public enum Kind { COMMAND, SQL, API, FILE, WAIT, NOTE }

  /** One thing a step would do to one target (a host, a database, a cloud resource). */
  public record Action(Kind kind, String target, String text) {}

  public Plan { actions = List.copyOf(actions); }

  public static Plan of(Kind kind, String target, String text) { return new Plan(List.of(new Action(kind, target, text))); }
  public static Plan command(String target, String command) { return of(Kind.COMMAND, target, command); }
  public static Plan sql(String target, String sql) { return of(Kind.SQL, target, sql); }
  public static Plan api(String target, String call) { return of(Kind.API, target, call); }
  public static Plan file(String target, String what) { return of(Kind.FILE, target, what); }
  public static Plan waitFor(String target, String condition) { return of(Kind.WAIT, target, condition); }
  public static Plan note(String text) { return of(Kind.NOTE, null, text); }
  public static Plan none() { return new Plan(List.of()); }

  /** This plan followed by another's actions. */
  public Plan then(Plan next) {
    List<Action> all = new ArrayList<>(actions);
    all.addAll(next.actions);
    return new Plan(all);
  }

  public Plan then(Kind kind, String target, String text) { return then(of(kind, target, text)); }
}
