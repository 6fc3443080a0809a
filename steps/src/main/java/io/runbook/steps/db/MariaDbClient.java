package io.runbook.steps.db;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The JDBC connection to one inventory host's MariaDB, shared by all steps of a run ({@link #of}), and the one
 * translation of {@link SQLException} into a {@link StepFailure} that names the host and the statement, never a
 * password. Reconnects when the server went away (e.g. after a restart between steps).
 */
public final class MariaDbClient implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Longest a single statement may stay silent; steps that wait longer poll with short statements. */
  static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(2);

  private final String hostName;
  private final String address;
  private final int port;
  private final String user;
  private final String password;
  private final String passwordRef;
  /** The run's redaction: a failing statement that holds a secret is not echoed back in pieces. */
  private final Predicate<String> holdsSecret;
  private Connection connection;

  private MariaDbClient(String hostName, String address, int port, String user, String password, String passwordRef,
                        Predicate<String> holdsSecret) {
    this.hostName = hostName;
    this.address = address;
    this.port = port;
    this.user = user;
    this.password = password;
    this.passwordRef = passwordRef;
    this.holdsSecret = holdsSecret;
  }

  /** The client for the step's {@code on:} host. */
  public static MariaDbClient forTarget(StepContext ctx) throws StepFailure {
    return of(ctx, ctx.requireTarget());
  }

  /** The run's client for {@code host}, opened on first use; its password comes from {@code ctx.secret}. */
  public static MariaDbClient of(StepContext ctx, Host host) throws StepFailure {
    DbSpec db = db(host);
    String password = db.password().isPresent() ? ctx.secret(db.password().get()) : null;
    String ref = db.password().map(Object::toString).orElse(null);
    return ctx.shared("mariadb:" + host.name(),
        () -> new MariaDbClient(host.name(), host.dbAddress(), db.portOrDefault(), db.user(), password, ref,
            ctx::holdsSecret));
  }

  /** The host's {@code db:} block, or a failure saying to add one. */
  public static DbSpec db(Host host) throws StepFailure {
    return host.db().orElseThrow(() -> StepFailure.fatal("host " + host.name() + " has no db: block in the inventory",
        "add db: { user: ..., password: env:... } to host " + host.name()));
  }

  public String hostName() { return hostName; }
  public String address() { return address; }
  public int port() { return port; }

  /** {@code host (address:port)} for messages. */
  public String where() { return "host " + hostName + " (" + address + ":" + port + ")"; }

  /** An open connection, reconnecting if the previous one broke. */
  public synchronized Connection connection() throws StepFailure {
    try {
      if (connection != null && !connection.isClosed() && connection.isValid(2)) return connection;
    } catch (SQLException stale) {
      // fall through and reconnect
    }
    closeQuietly();
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) p.setProperty("password", password);
    p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
    p.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toMillis()));
    // 3.5.x connects in clear text by default and 4.x requires TLS by default; the inventory has no TLS settings yet.
    p.setProperty("sslMode", "disable");
    try {
      Connection c = DriverManager.getConnection("jdbc:mariadb://" + address + ":" + port + "/", p);
      try (Statement st = c.createStatement()) {
        // SqlQuoting escapes with backslashes; make sure the session reads them as escapes.
        st.execute("SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')");
      }
      connection = c;
      return c;
    } catch (SQLException e) {
      throw failure("connect as " + user, e, false);
    }
  }

  /** Runs a query with bound parameters; rows as column label to value, in order. */
  public synchronized List<Map<String, Object>> query(String sql, List<?> params) throws StepFailure {
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      bind(ps, params);
      boolean hasRows = ps.execute();
      return hasRows ? rows(ps.getResultSet()) : List.of();
    } catch (SQLException e) {
      throw failure(sql, e, holdsSecret(sql, params));
    }
  }

  public List<Map<String, Object>> query(String sql) throws StepFailure { return query(sql, List.of()); }

  /**
   * A query inside a READ ONLY transaction, rolled back afterwards: a statement that tries to write fails instead
   * of changing anything (used by steps that may run during a dry-run).
   */
  public synchronized List<Map<String, Object>> readOnly(String sql, List<?> params) throws StepFailure {
    Connection c = connection();
    try {
      try (Statement st = c.createStatement()) {
        st.execute("START TRANSACTION READ ONLY");
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, params);
        return ps.execute() ? rows(ps.getResultSet()) : List.of();
      } finally {
        try (Statement st = c.createStatement()) {
          st.execute("ROLLBACK");
        }
      }
    } catch (SQLException e) {
      throw failure(sql, e, holdsSecret(sql, params));
    }
  }

  /** The first row of a query, or an empty map. */
  public Map<String, Object> row(String sql, List<?> params) throws StepFailure {
    List<Map<String, Object>> rows = query(sql, params);
    return rows.isEmpty() ? Map.of() : rows.get(0);
  }

  /** The first column of the first row as text, or null. */
  public String value(String sql, List<?> params) throws StepFailure {
    List<Map<String, Object>> rows = query(sql, params);
    if (rows.isEmpty()) return null;
    Object v = rows.get(0).values().iterator().next();
    return v == null ? null : v.toString();
  }

  public String value(String sql) throws StepFailure { return value(sql, List.of()); }

  /** Runs a statement with bound parameters; returns the update count (0 when it has none). */
  public int execute(String sql, List<?> params) throws StepFailure {
    return execute(sql, params, sql);
  }

  public int execute(String sql) throws StepFailure { return execute(sql, List.of(), sql); }

  /**
   * Runs a statement whose text holds a secret (CHANGE MASTER TO ... MASTER_PASSWORD): failures show {@code shown}
   * (the text with the secret masked) and any echo of the text by the server is scrubbed.
   */
  public synchronized int execute(String sql, List<?> params, String shown) throws StepFailure {
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      bind(ps, params);
      ps.execute();
      return Math.max(ps.getUpdateCount(), 0);
    } catch (SQLException e) {
      throw failure(shown, e, !sql.equals(shown) || holdsSecret(sql, params));
    }
  }

  /** Whether anything listens on the server's port (a TCP connect, no login): false once a shutdown finished. */
  public boolean acceptsConnections() {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
      return true;
    } catch (java.io.IOException refusedOrUnreachable) {
      return false;
    }
  }

  /** The server's id for this connection, so "other clients" can exclude ourselves. */
  public long connectionId() throws StepFailure {
    return Long.parseLong(value("SELECT CONNECTION_ID()"));
  }

  /** Translates a driver failure for {@code statement} on this host. */
  public StepFailure failure(String statement, SQLException e) {
    return failure(statement, e, holdsSecret(statement, List.of()));
  }

  private boolean holdsSecret(String sql, List<?> params) {
    return holdsSecret.test(sql) || params.stream().anyMatch(p -> p != null && holdsSecret.test(p.toString()));
  }

  private StepFailure failure(String statement, SQLException e, boolean statementHoldsSecret) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    int code = e.getErrorCode();
    String message = scrub(e.getMessage(), statementHoldsSecret);
    // By SQLState and code only: the driver's exception classes are not reliable here (it reports
    // "No database selected" as SQLTransientConnectionException).
    boolean connectionLevel = state.startsWith("08") || code == 1053 /* server shutdown in progress */
        || code == 2002 || code == 2003 || code == 2006 || code == 2013 /* client: cannot connect, gone, lost */;
    boolean transientConflict = state.startsWith("40") || code == 1205 /* lock wait timeout */ || code == 1213;
    String text = where() + ": " + shorten(statement) + " failed: " + message
        + " [SQLState " + (state.isEmpty() ? "-" : state) + ", error " + code + "]";
    return new StepFailure(text, connectionLevel || transientConflict,
        hint(state, code, message, connectionLevel, transientConflict), null);
  }

  /** Access denied for a database, a table, a column, a privilege-checked statement, a routine; not owner of a thread. */
  private static final Set<Integer> PRIVILEGE_ERRORS = Set.of(1044, 1095, 1142, 1143, 1227, 1370);
  private static final Pattern NEEDS = Pattern.compile("you need \\(at least one of\\) the (.+?) privilege\\(s\\)");
  private static final Pattern ERROR_CODE = Pattern.compile("\\[SQLState [^,]+, error (\\d+)]$");

  /** Whether a failure from this class is the server refusing for want of a privilege (the account, not the step). */
  public static boolean lacksPrivilege(StepFailure f) {
    var m = ERROR_CODE.matcher(f.getMessage() == null ? "" : f.getMessage());
    return m.find() && PRIVILEGE_ERRORS.contains(Integer.parseInt(m.group(1)));
  }

  /**
   * The GRANT that ends a privilege error, when the server says which privilege: of "SUPER, SLAVE MONITOR" the narrow
   * one (SUPER grants far more); KILL of another user's session needs CONNECTION ADMIN.
   */
  private Optional<String> missingPrivilege(int code, String message) {
    String privilege = null;
    if (code == 1095) privilege = "CONNECTION ADMIN";
    var m = NEEDS.matcher(message);
    if (m.find()) {
      List<String> names = List.of(m.group(1).split(",\\s*"));
      privilege = names.stream().filter(n -> !n.equals("SUPER")).findFirst().orElse(names.get(0));
    }
    return Optional.ofNullable(privilege).map(p -> "GRANT " + p + " ON *.* TO '" + user + "'@'<its host>'");
  }

  private String hint(String state, int code, String message, boolean connectionLevel, boolean transientConflict) {
    if (state.equals("28000") || code == 1045) {
      return "check db.user (" + user + ") and the password " + (passwordRef == null ? "(none set)" : "secret " + passwordRef)
          + " of host " + hostName + " in the inventory, and that the account may connect from this machine";
    }
    if (connectionLevel) {
      return "check that MariaDB runs on " + hostName + " and listens on " + address + ":" + port
          + " (bind-address, firewall, network security group); add retry: to wait for a starting server";
    }
    if (transientConflict) return "another session held the rows; retrying the step is safe";
    if (PRIVILEGE_ERRORS.contains(code)) {
      String grant = missingPrivilege(code, message).map(p -> " (" + p + ")").orElse("");
      return "grant the missing privilege to " + user + " on " + hostName + grant + ", or use an account that has it; "
          + EngineAccount.DOC + " lists every privilege the engine's account needs";
    }
    if (code == 1064 || code == 1149) return "fix the SQL text of the step";
    if (code == 1146 || code == 1049 || code == 1054) return "check the schema, table and column names the step uses";
    return "see the MariaDB documentation for error " + code;
  }

  private String scrub(String message, boolean statementHoldsSecret) {
    if (message == null) return "";
    String out = message;
    if (password != null && !password.isEmpty()) out = out.replace(password, "***");
    if (statementHoldsSecret) {
      // The server echoes the statement in syntax errors, cut after 80 characters: possibly in the middle of the
      // secret, where no redaction could recognise the piece left. Withhold it.
      int near = out.indexOf("near '");
      if (near >= 0) out = out.substring(0, near) + "near (statement text withheld: it holds a secret)";
    }
    return out;
  }

  static String shorten(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 297) + "...";
  }

  private static void bind(PreparedStatement ps, List<?> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
  }

  private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
    try (rs) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> out = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i), plain(rs.getObject(i)));
        out.add(row);
      }
      return out;
    }
  }

  /** JDBC values as JSON-friendly values: numbers, strings, booleans, nulls. */
  private static Object plain(Object v) {
    if (v == null || v instanceof Number || v instanceof String || v instanceof Boolean) return v;
    if (v instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
    if (v instanceof java.sql.Timestamp t) return t.toLocalDateTime().toString();
    return v.toString();
  }

  @Override
  public synchronized void close() { closeQuietly(); }

  private void closeQuietly() {
    if (connection == null) return;
    try { connection.close(); } catch (SQLException ignored) { /* the connection is being dropped anyway */ }
    connection = null;
  }
}
