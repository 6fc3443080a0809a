package io.runbook.steps.db;

import io.runbook.engine.spi.StepFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place where values are spliced into SQL text, for the few statements that take no {@code ?} parameters
 * (CHANGE MASTER TO, CHECKSUM TABLE, KILL). Everything is validated first and then quoted; nothing raw is concatenated.
 * String literals assume backslash escapes, which {@link MariaDbClient} guarantees by clearing NO_BACKSLASH_ESCAPES.
 */
public final class SqlQuoting {
  /** Printable characters except the backtick; MariaDB allows more, runbooks do not need more. */
  private static final Pattern IDENTIFIER = Pattern.compile("[\\p{L}\\p{N}_$#@\\- ]{1,64}");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.:%\\-\\[\\]]{1,255}");
  private static final Pattern GTID_LIST = Pattern.compile("(\\d+-\\d+-\\d+)?(,\\s*\\d+-\\d+-\\d+)*");

  private SqlQuoting() {}

  /** A schema, table or column name in backticks; refused when empty, longer than 64 or holding odd characters. */
  public static String identifier(String name) throws StepFailure {
    if (name == null || !IDENTIFIER.matcher(name).matches() || name.endsWith(" ")) {
      throw StepFailure.fatal("'" + name + "' is not an acceptable SQL name",
          "use 1 to 64 letters, digits, _ $ # @ - (no backticks, quotes or control characters, no trailing space)");
    }
    return "`" + name + "`";
  }

  /** {@code schema.table} (or just {@code table}) as quoted identifiers joined by a dot. */
  public static String qualifiedName(String dotted) throws StepFailure {
    if (dotted == null) throw StepFailure.fatal("missing table name");
    String[] parts = dotted.split("\\.", -1);
    if (parts.length > 2) throw StepFailure.fatal("'" + dotted + "' is not a table name", "write schema.table or table");
    List<String> quoted = new ArrayList<>();
    for (String p : parts) quoted.add(identifier(p));
    return String.join(".", quoted);
  }

  /** A single-quoted string literal; control characters other than tab are refused, quotes and backslashes escaped. */
  public static String literal(String value) throws StepFailure {
    if (value == null) throw StepFailure.fatal("missing value for a SQL string");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t') {
        // The value may be a password: say where, never what.
        throw StepFailure.fatal("a SQL string value contains a control character at position " + i,
            "remove line breaks and other control characters from the value");
      }
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A host name or IP address for CHANGE MASTER TO MASTER_HOST, quoted. */
  public static String hostLiteral(String host) throws StepFailure {
    if (host == null || !HOST_NAME.matcher(host).matches()) {
      throw StepFailure.fatal("'" + host + "' is not a host name or IP address");
    }
    return literal(host);
  }

  /** A GTID list such as {@code 0-1-100,1-2-7}, validated and quoted; empty is allowed (it means "no position"). */
  public static String gtidLiteral(String gtid) throws StepFailure {
    String g = gtid == null ? "" : gtid.trim();
    if (!GTID_LIST.matcher(g).matches()) {
      throw StepFailure.fatal("'" + gtid + "' is not a GTID list",
          "write domain-server-sequence triples separated by commas, e.g. 0-1-1042,1-2-7");
    }
    return literal(g);
  }

  /**
   * The statement with its {@code ?} parameters written in, for plans and logs only: what an operator reads to know
   * exactly what will run. The statement itself always goes to the server with the parameters bound.
   */
  public static String withValues(String sql, List<?> params) {
    StringBuilder out = new StringBuilder();
    int next = 0;
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        if (c == '\\' && i + 1 < sql.length()) { out.append(c).append(sql.charAt(++i)); continue; }
        if (c == quote) quote = 0;
        out.append(c);
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        out.append(c);
      } else if (c == '?' && next < params.size()) {
        Object v = params.get(next++);
        if (v == null) out.append("NULL");
        else if (v instanceof Number || v instanceof Boolean) out.append(v);
        else out.append('\'').append(v.toString().replace("\\", "\\\\").replace("'", "\\'")).append('\'');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
