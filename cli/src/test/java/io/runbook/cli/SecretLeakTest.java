package io.runbook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.runbook.steps.process.PosixShell;
import io.runbook.testkit.mariadb.MariaDbServer;
import io.runbook.testkit.sshd.Sshd;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canary secrets (the MariaDB password and the passphrase of an encrypted ssh key, given as env: and as file:
 * references, plus wrong values of both) against a real MariaDB and a real sshd, through the CLI in its own JVM:
 * successful runs, an access-denied login, SQL errors that echo a secret, a failing db.exec whose SQL text holds
 * one, a wrong passphrase, steps that print the secret (plain, escaped, encoded, in long lines, before any step
 * used it), plan in every format, --output json, runs, show and resume. Afterwards no captured stream and no file
 * under the state folder may hold a canary, one of its escaped or encoded forms, or 8 characters in a row of them.
 */
class SecretLeakTest {
  static final Path BASE = Path.of("target", "secret-leak").toAbsolutePath();
  static final Pattern RUN_ID = Pattern.compile("\\b(\\d{8}-\\d{6}-[0-9a-f]{4})\\b");

  // Quotes, backslash, dollar, percent, ampersand, plus, slash and a space: each changes under some escaping.
  static final String DB_PW = canary("dbpw");
  static final String SSH_PASS = canary("sshk");
  static final String WRONG_DB_PW = canary("wrdb");
  static final String WRONG_PASS = canary("wrss");
  // Letters and digits only, as the audit's Kx7canaryQz93Lp: a query's column label is then exactly the value.
  static final String CAN = plainCanary();
  static final String CAN_DEFAULT = plainCanary();
  static final String CAN_WITH = plainCanary();
  /** Passed in clear to a non-secret param, then to a callee's secret one: redacted from that call on. */
  static final String CAN_FED = plainCanary();
  /** Every canary no output may hold. */
  static final List<String> CANARIES = List.of(DB_PW, SSH_PASS, WRONG_DB_PW, WRONG_PASS, CAN, CAN_DEFAULT, CAN_WITH);

  static MariaDbServer db;
  static Sshd sshd;
  static Path dir;
  static Path state;
  static Map<String, String> env;
  /** Every stream every CLI process printed, with the command that printed it. */
  static final List<String> captured = new ArrayList<>();
  final List<String> runIdsToShow = new ArrayList<>();

  static String canary(String kind) {
    byte[] b = new byte[5];
    new SecureRandom().nextBytes(b);
    return "C" + kind + HexFormat.of().formatHex(b) + "'q\"b\\s$d%a&p +e/z" + kind.charAt(0);
  }

  static String plainCanary() {
    byte[] b = new byte[9];
    new SecureRandom().nextBytes(b);
    return "Kx7" + HexFormat.of().formatHex(b) + "Lp"; // no 8 characters in common with another canary

  }

  @BeforeAll
  static void estate() throws Exception {
    MariaDbServer.deleteTree(BASE);
    dir = Files.createDirectories(BASE.resolve("work"));
    state = dir.resolve("state");
    db = MariaDbServer.builder(BASE.resolve("db"), "leak").start();
    try (Connection c = db.rootConnection()) {
      for (String host : List.of("127.0.0.1", "localhost")) {
        try (PreparedStatement ps = c.prepareStatement("CREATE USER 'app'@'" + host + "' IDENTIFIED BY ?")) {
          ps.setString(1, DB_PW);
          ps.execute();
        }
        c.createStatement().execute("GRANT ALL ON *.* TO 'app'@'" + host + "'");
      }
      c.createStatement().execute("CREATE DATABASE leak");
      c.createStatement().execute("CREATE TABLE leak.t (id INT PRIMARY KEY, v VARCHAR(200))");
    }
    sshd = Sshd.start(BASE.resolve("sshd"));
    Path key = dir.resolve("id_encrypted");
    Sshd.generateKey(key, SSH_PASS);
    sshd.authorize(Path.of(key + ".pub"));

    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("db-pw"), DB_PW + "\n");
    Files.writeString(secrets.resolve("ssh-pass"), SSH_PASS + "\n");
    Files.writeString(secrets.resolve("callee-default"), CAN_DEFAULT + "\n");
    Files.writeString(secrets.resolve("repl"), CAN_WITH + "\n");
    writeInventory("inv-env.yaml", "env:DB_PW", "env:SSH_PASS");
    writeInventory("inv-file.yaml", "file:" + secrets.resolve("db-pw"), "file:" + secrets.resolve("ssh-pass"));
    writeInventory("inv-wrong-db.yaml", "env:WRONG_DB_PW", "env:SSH_PASS");
    writeInventory("inv-wrong-pass.yaml", "env:DB_PW", "env:WRONG_PASS");

    // What a host could print: each canary plain and in every form the redactor is meant to know.
    StringBuilder forms = new StringBuilder();
    for (String c : List.of(DB_PW, SSH_PASS)) {
      for (String f : forms(c)) forms.append("form: ").append(f).append('\n');
      forms.append("x".repeat(8190)).append(c).append("y\n");    // across the 8 KiB read buffer of a stream
      forms.append("x".repeat(65_530)).append(c).append("y\n");  // across a 64 KiB one
      forms.append("password=").append(c).append("; user=app\n");
    }
    Files.writeString(dir.resolve("forms.txt"), forms);
    env = Map.of("DB_PW", DB_PW, "SSH_PASS", SSH_PASS, "WRONG_DB_PW", WRONG_DB_PW, "WRONG_PASS", WRONG_PASS,
        "FORMS", dir.resolve("forms.txt").toString(), "CAN", CAN);

    writeRunbook("echo.yaml", """
        runbook: echo
        params:
          pw: { type: string, secret: true }
        steps:
          - id: host-echo
            use: host.exec
            on: db1
            with:
              env: { PW: "${{ params.pw }}", FORMS: "%s" }
              script: |
                echo "on stdout: $PW"
                echo "on stderr: $PW" >&2
                cat "$FORMS"
                cat "$FORMS" >&2
          - id: select-it
            use: db.query
            on: db1
            with:
              sql: "SELECT ? AS echoed, CONCAT('[', ?, ']') AS wrapped, ?"
              params: ["${{ params.pw }}", "${{ params.pw }}", "${{ params.pw }}"]
          - id: say-it
            use: core.log
            with: { message: "the password is ${{ params.pw }}, selected ${{ steps.select-it.row.echoed }}" }
        """.formatted(dir.resolve("forms.txt")));
    writeRunbook("early.yaml", """
        runbook: early
        steps:
          - id: print-first
            use: core.exec
            with: { command: [cat, "%s"] }
          - id: db
            use: db.query
            on: db1
            with: { sql: "SELECT CURRENT_USER() AS me" }
          - id: ssh
            use: host.exec
            on: db1
            with: { command: [echo, reached] }
        """.formatted(dir.resolve("forms.txt")));
    writeRunbook("sql-error.yaml", """
        runbook: sql-error
        params:
          pw: { type: string, secret: true }
        steps:
          - id: echoed
            use: db.query
            on: db1
            with:
              # A syntax error: the server echoes the statement from FORM on, cut after 80 characters,
              # which here falls in the middle of the bound (escaped) secret.
              sql: "SELECT id FORM leak.t WHERE v = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' OR v = ?"
              params: ["${{ params.pw }}"]
        """);
    writeRunbook("dup-error.yaml", """
        runbook: dup-error
        params:
          pw: { type: string, secret: true }
        steps:
          - id: insert-twice
            use: db.exec
            on: db1
            with:
              statements: ["INSERT INTO leak.t VALUES (1, ?)", "INSERT INTO leak.t VALUES (2, ?)", "ALTER TABLE leak.t ADD UNIQUE (v)"]
              params: [["${{ params.pw }}"], ["${{ params.pw }}"]]
        """);
    writeRunbook("spliced.yaml", """
        runbook: spliced
        params:
          pw: { type: string, secret: true }
        steps:
          - id: spliced
            use: db.exec
            on: db1
            with:
              # Bad practice that a runbook can still do: the secret spliced into the SQL text breaks the quoting.
              statements: ["UPDATE leak.t SET v = '${{ params.pw }}' WHERE id = 0"]
        """);
    writeRunbook("plan-log.yaml", """
        runbook: plan-log
        params:
          pw: { type: string, secret: true }
        steps:
          - id: say
            use: core.log
            with: { message: "root uses ${{ params.pw }}" }
        """);
    writeRunbook("plan-key.yaml", """
        runbook: plan-key
        params:
          pw: { type: string, secret: true }
        steps:
          - id: select-bare
            use: db.query
            on: db1
            with: { sql: "SELECT ?", params: ["${{ params.pw }}"] }
        """);
    // A callee's default reference and a literal reference in a step's with:, printed by a step before either is reached.
    writeRunbook("child-default.yaml", """
        runbook: child-default
        params:
          pw: { type: string, secret: true, default: "file:%s" }
        steps:
          - id: use-it
            use: core.log
            with: { message: "child uses ${{ params.pw }}" }
        """.formatted(secrets.resolve("callee-default")));
    writeRunbook("parent-default.yaml", """
        runbook: parent-default
        steps:
          - id: print-first
            use: core.exec
            with: { command: [cat, "%s", "%s"] }
          - id: call
            use: runbook
            with: { name: child-default }
          - id: stop
            use: core.assert
            with: { that: false, message: "stopped before the link" }
          - id: link
            use: db.replica.link
            on: db1
            with: { primary: db1, replicationPassword: "file:%s" }
        """.formatted(secrets.resolve("callee-default"), secrets.resolve("repl"), secrets.resolve("repl")));
    writeRunbook("child-fed.yaml", """
        runbook: child-fed
        params:
          pw: { type: string, secret: true }
        steps:
          - id: use-it
            use: core.log
            with: { message: "child got ${{ params.pw }}" }
        """);
    writeRunbook("parent-fed.yaml", """
        runbook: parent-fed
        params:
          fed: { type: string }
        steps:
          - id: read
            use: core.set
            with: { values: { pw: "${{ params.fed }}" } }
          - id: call
            use: runbook
            with: { name: child-fed, params: { pw: "${{ steps.read.values.pw }}" } }
        """);
    writeRunbook("db-ping.yaml", """
        runbook: db-ping
        steps:
          - id: ping
            use: db.query
            on: db1
            with: { sql: "SELECT 1" }
        """);
    writeRunbook("ssh-ping.yaml", """
        runbook: ssh-ping
        steps:
          - id: ping
            use: host.exec
            on: db1
            with: { command: [echo, reached] }
        """);
  }

  static void writeInventory(String name, String dbPassword, String passphrase) throws Exception {
    Files.writeString(dir.resolve(name), """
        inventory: leak
        cloud: { provider: sandbox, root: %s }
        hosts:
          db1:
            role: primary
            transport:
              kind: ssh
              address: 127.0.0.1
              port: %d
              user: %s
              key: %s
              passphrase: "%s"
              knownHosts: %s
            db: { address: 127.0.0.1, port: %d, user: app, password: "%s" }
        """.formatted(dir.resolve("unused-cloud"), sshd.port(), sshd.user(), dir.resolve("id_encrypted"), passphrase, sshd.knownHosts(), db.port(),
        dbPassword));
  }

  static void writeRunbook(String name, String text) throws Exception {
    Files.writeString(dir.resolve(name), text);
  }

  @AfterAll
  static void stop() {
    if (sshd != null) sshd.close();
    if (db != null) db.close();
    MariaDbServer.deleteTree(BASE);
  }

  /** The canary as the engine or a host might print it: JSON, SQL and shell escaped, URL encoded, base64. */
  static Set<String> forms(String c) {
    Set<String> out = new LinkedHashSet<>();
    out.add(c);
    out.add(new String(JsonStringEncoder.getInstance().quoteAsString(c)));
    out.add(c.replace("\\", "\\\\").replace("'", "\\'"));
    out.add(c.replace("\\", "\\\\").replace("'", "\\'").replace("\"", "\\\""));
    out.add(PosixShell.quote(c));
    out.add(URLEncoder.encode(c, StandardCharsets.UTF_8));
    out.add(URLEncoder.encode(c, StandardCharsets.UTF_8).replace("+", "%20"));
    Base64.Encoder b64 = Base64.getEncoder();
    out.add(b64.encodeToString(c.getBytes(StandardCharsets.UTF_8)));
    // The same bytes after one or two other bytes: a different alignment, different characters.
    out.add(b64.encodeToString(("x" + c).getBytes(StandardCharsets.UTF_8)).substring(4, 28));
    out.add(b64.encodeToString(("xy" + c).getBytes(StandardCharsets.UTF_8)).substring(4, 28));
    // RFC 3986 percent-encoding (curl, Go, encodeURIComponent): space, '*' and '~' differ from URLEncoder's.
    out.add(URLEncoder.encode(c, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~"));
    Base64.Encoder url = Base64.getUrlEncoder();
    out.add(url.encodeToString(c.getBytes(StandardCharsets.UTF_8)));
    out.add(url.encodeToString(("x" + c).getBytes(StandardCharsets.UTF_8)).substring(4, 28));
    out.add(HexFormat.of().formatHex(c.getBytes(StandardCharsets.UTF_8)));
    out.add(HexFormat.of().withUpperCase().formatHex(c.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  CliProcess.Result cli(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--state-dir", state.toString()));
    all.addAll(List.of(args));
    CliProcess.Result r = CliProcess.run(dir, env, all.toArray(String[]::new));
    synchronized (captured) {
      captured.add("runbook " + String.join(" ", args) + "\n--- stdout\n" + r.out() + "\n--- stderr\n" + r.err());
    }
    return r;
  }

  static String runId(CliProcess.Result r) {
    Matcher m = RUN_ID.matcher(r.all());
    assertTrue(m.find(), "a run id in:\n" + r.all());
    return m.group(1);
  }

  @Test
  void noCanaryInAnyOutputOrFile() throws Exception {
    List<String> runIds = new ArrayList<>();
    for (String inv : List.of("inv-env.yaml", "inv-file.yaml")) {
      String pw = inv.equals("inv-env.yaml") ? "pw=env:DB_PW" : "pw=file:" + dir.resolve("secrets/db-pw");

      CliProcess.Result echo = cli("run", "echo.yaml", "-i", inv, "-p", pw);
      assertEquals(0, echo.exit(), echo.all());
      assertTrue(echo.out().contains("on stdout: ***"), echo.out());
      assertTrue(echo.out().contains("on stderr: ***"), echo.out());
      assertTrue(echo.out().contains("the password is ***, selected ***"), echo.out());
      runIds.add(runId(echo));

      CliProcess.Result early = cli("run", "early.yaml", "-i", inv);
      assertEquals(0, early.exit(), early.all());
      assertTrue(early.out().contains("reached"), early.out());
      assertTrue(early.out().contains("password=***; user=app"), early.out());
      runIds.add(runId(early));

      // file: references only change how the values are read: the runs above cover them; the rest runs with env:.
      if (!inv.equals("inv-env.yaml")) continue;
      CliProcess.Result json = cli("--output", "json", "run", "echo.yaml", "-i", inv, "-p", pw);
      assertEquals(0, json.exit(), json.all());
      assertTrue(json.out().contains("on stdout: ***"), json.out());

      for (String format : List.of("text", "json", "markdown")) {
        Path out = dir.resolve("plan-" + format + "-" + inv + ".json");
        CliProcess.Result plan = cli("plan", "echo.yaml", "-i", inv, "-p", pw, "--format", format, "--out", out.toString());
        assertEquals(0, plan.exit(), plan.all());
        assertTrue(plan.out().contains("SELECT"), plan.out());
        captured.add("plan file " + out + "\n" + Files.readString(out));
      }
    }

    CliProcess.Result echoed = cli("run", "sql-error.yaml", "-i", "inv-env.yaml", "-p", "pw=env:DB_PW");
    assertEquals(1, echoed.exit(), echoed.all());
    assertTrue(echoed.all().contains("error 1064"), echoed.all());
    String echoedRun = runId(echoed);
    runIds.add(echoedRun);
    CliProcess.Result resumed = cli("resume", echoedRun);
    assertEquals(1, resumed.exit(), resumed.all());
    assertTrue(resumed.all().contains("error 1064"), resumed.all());
    CliProcess.Result planned = cli("plan", "sql-error.yaml", "-i", "inv-env.yaml", "-p", "pw=env:DB_PW");
    assertEquals(1, planned.exit(), "the READS step fails while planning: " + planned.all());
    CliProcess.Result plannedJson = cli("--output", "json", "plan", "sql-error.yaml", "-i", "inv-file.yaml",
        "-p", "pw=env:DB_PW");
    assertEquals(1, plannedJson.exit(), plannedJson.all());

    CliProcess.Result dup = cli("run", "dup-error.yaml", "-i", "inv-env.yaml", "-p", "pw=env:DB_PW");
    assertEquals(1, dup.exit(), dup.all());
    assertTrue(dup.all().contains("error 1062"), "duplicate entry, whose message echoes the value: " + dup.all());
    runIds.add(runId(dup));

    CliProcess.Result spliced = cli("--output", "json", "run", "spliced.yaml", "-i", "inv-file.yaml",
        "-p", "pw=file:" + dir.resolve("secrets/db-pw"));
    assertEquals(1, spliced.exit(), spliced.all());
    assertTrue(spliced.all().contains("error 1064"), spliced.all());
    runIds.add(runId(spliced));

    CliProcess.Result denied = cli("run", "db-ping.yaml", "-i", "inv-wrong-db.yaml");
    assertEquals(1, denied.exit(), denied.all());
    assertTrue(denied.all().contains("Access denied"), denied.all());
    runIds.add(runId(denied));
    CliProcess.Result deniedPlan = cli("--output", "json", "plan", "db-ping.yaml", "-i", "inv-wrong-db.yaml");
    assertEquals(1, deniedPlan.exit(), deniedPlan.all());

    CliProcess.Result badPass = cli("run", "ssh-ping.yaml", "-i", "inv-wrong-pass.yaml");
    assertEquals(1, badPass.exit(), badPass.all());
    assertTrue(badPass.all().contains("passphrase"), badPass.all());
    runIds.add(runId(badPass));
    CliProcess.Result badPassJson = cli("--output", "json", "run", "ssh-ping.yaml", "-i", "inv-wrong-pass.yaml");
    assertEquals(1, badPassJson.exit(), badPassJson.all());

    CliProcess.Result runs = cli("runs", "--limit", "50");
    assertEquals(0, runs.exit(), runs.all());
    for (String id : runIds) assertEquals(0, cli("show", id).exit());
    for (String id : List.of(echoedRun, runId(spliced), runId(badPass))) {
      assertEquals(0, cli("--output", "json", "show", id).exit());
    }

    // For a reader of the test (and of docs/reliability.md): everything the CLI printed, already checked.
    Files.writeString(Path.of("target", "secret-leak-streams.txt"), String.join("\n\n", captured));
    Map<String, String> leaks = leaks();
    assertTrue(leaks.isEmpty(), "secrets leaked:\n" + String.join("\n\n", leaks.values()));
  }

  /**
   * What the audit of the secrets found: READS steps logging a secret while planning (plan, --output json, run
   * --plan), a query's column named after a bound secret in a plan, a callee's default reference and a literal
   * reference in a step's with: printed by a step before either is reached, a callee's secret param fed from a
   * plain value, and inventory references that cannot be read (refused before any step, on run and on resume).
   */
  @Test
  void planLogsColumnNamesCalleeDefaultsLiteralRefsAndUnreadableInventorySecrets() throws Exception {
    CliProcess.Result planLog = cli("plan", "plan-log.yaml", "-p", "pw=env:CAN", "--out", dir.resolve("plan-log.json").toString());
    assertEquals(0, planLog.exit(), planLog.all());
    assertTrue(planLog.err().contains("(plan) root uses ***"), planLog.all());
    captured.add("plan file plan-log.json\n" + Files.readString(dir.resolve("plan-log.json")));
    CliProcess.Result planLogJson = cli("--output", "json", "plan", "plan-log.yaml", "-p", "pw=env:CAN");
    assertEquals(0, planLogJson.exit(), planLogJson.all());
    assertTrue(planLogJson.all().contains("root uses ***"), planLogJson.all());
    CliProcess.Result reviewed = cli("run", "plan-log.yaml", "-p", "pw=env:CAN", "--plan", dir.resolve("plan-log.json").toString());
    assertEquals(0, reviewed.exit(), reviewed.all());
    assertTrue(reviewed.all().contains("(plan) root uses ***"), "the READS steps are planned again: " + reviewed.all());

    for (String format : List.of("text", "json")) {
      Path out = dir.resolve("plan-key-" + format + ".json");
      CliProcess.Result planKey = cli("plan", "plan-key.yaml", "-i", "inv-env.yaml", "-p", "pw=env:CAN", "--format", format,
          "--out", out.toString());
      assertEquals(0, planKey.exit(), planKey.all());
      assertTrue(planKey.out().contains("***"), "the column named after the value is masked: " + planKey.out());
      captured.add("plan file " + out + "\n" + Files.readString(out));
    }
    CliProcess.Result keyRun = cli("run", "plan-key.yaml", "-i", "inv-env.yaml", "-p", "pw=env:CAN", "--plan",
        dir.resolve("plan-key-json.json").toString());
    assertEquals(0, keyRun.exit(), keyRun.all());
    runIdsToShow.add(runId(keyRun));

    CliProcess.Result early = cli("run", "parent-default.yaml", "-i", "inv-env.yaml");
    assertEquals(1, early.exit(), "stopped by the assert before the link: " + early.all());
    assertTrue(early.out().contains("child uses ***"), early.out());
    assertTrue(early.out().contains("stopped before the link"), early.out());
    runIdsToShow.add(runId(early));
    cli("--output", "json", "plan", "parent-default.yaml", "-i", "inv-env.yaml"); // its streams are searched below

    CliProcess.Result fed = CliProcess.run(dir, env, "--state-dir", state.toString(), "run", "parent-fed.yaml",
        "-p", "fed=" + CAN_FED);
    assertEquals(0, fed.exit(), fed.all());
    String childLine = fed.out().lines().filter(l -> l.contains("child got")).findFirst().orElse("");
    assertTrue(childLine.endsWith("child got ***"), "the callee's secret param is redacted from the call on: " + fed.out());
    String fedRun = runId(fed);
    String journal = Files.readString(state.resolve("runs").resolve(fedRun).resolve("journal.jsonl"));
    String childRecords = journal.lines().filter(l -> l.contains("call/use-it")).reduce("", String::concat);
    assertTrue(childRecords.contains("child got ***") && !childRecords.contains(CAN_FED), journal);

    // Inventory references that cannot be read: refused before the first step, naming the host and key.
    writeInventory("inv-unset.yaml", "env:RUNBOOK_LEAK_TEST_UNSET", "env:SSH_PASS");
    writeInventory("inv-no-file.yaml", "file:" + dir.resolve("secrets/no-such-file"), "env:SSH_PASS");
    for (String inv : List.of("inv-unset.yaml", "inv-no-file.yaml")) {
      CliProcess.Result refused = cli("run", "early.yaml", "-i", inv);
      assertEquals(2, refused.exit(), refused.all());
      assertTrue(refused.all().contains("host db1: db.password"), refused.all());
      assertTrue(refused.all().contains(inv.equals("inv-unset.yaml") ? "environment variable RUNBOOK_LEAK_TEST_UNSET is not set"
          : "no-such-file: cannot read the file: no such file"), refused.all());
      assertTrue(!refused.all().contains("reached") && !refused.all().contains("password=***"), "nothing ran: " + refused.all());
      assertTrue(!refused.all().matches("(?s).*\\b\\w+(Exception|Error)\\b.*"), "no Java class name: " + refused.all());
    }
    Path vanishing = dir.resolve("secrets/vanishing");
    Files.writeString(vanishing, DB_PW + "\n");
    writeInventory("inv-vanishing.yaml", "file:" + vanishing, "env:SSH_PASS");
    CliProcess.Result failed = cli("run", "sql-error.yaml", "-i", "inv-vanishing.yaml", "-p", "pw=env:DB_PW");
    assertEquals(1, failed.exit(), failed.all());
    String failedRun = runId(failed);
    Files.delete(vanishing);
    CliProcess.Result resumed = cli("resume", failedRun);
    assertEquals(2, resumed.exit(), resumed.all());
    assertTrue(resumed.all().contains("host db1: db.password"), resumed.all());
    assertTrue(resumed.all().contains("runbook resume " + failedRun), "says how to go on: " + resumed.all());
    assertTrue(!resumed.all().contains("error 1064"), "the failed step was not run again: " + resumed.all());

    for (String id : runIdsToShow) assertEquals(0, cli("show", id).exit());
    Map<String, String> leaks = leaks();
    assertTrue(leaks.isEmpty(), "secrets leaked:\n" + String.join("\n\n", leaks.values()));
  }

  /** Where a canary (or one of its forms, or 8 of their characters in a row) shows up: file or stream, with context. */
  static Map<String, String> leaks() throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    try (Stream<Path> s = Files.walk(state)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        texts.put(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    assertTrue(texts.keySet().stream().anyMatch(f -> f.endsWith("journal.jsonl")), texts.keySet().toString());
    assertTrue(texts.keySet().stream().anyMatch(f -> f.endsWith("run.log")), texts.keySet().toString());
    for (int i = 0; i < captured.size(); i++) texts.put("stream " + i, captured.get(i));
    Map<String, String> leaks = new LinkedHashMap<>();
    Set<String> pieces = new LinkedHashSet<>();
    for (String c : CANARIES) {
      for (String form : forms(c)) for (int i = 0; i + 8 <= form.length(); i++) pieces.add(form.substring(i, i + 8));
    }
    System.out.println("SecretLeakTest: " + captured.size() + " CLI streams and plan files and "
        + (texts.size() - captured.size()) + " files under the state folder searched for " + pieces.size()
        + " pieces of " + CANARIES.size() + " canaries' forms");
    for (String c : CANARIES) {
      for (String form : forms(c)) {
        for (int i = 0; i + 8 <= form.length(); i++) {
          String piece = form.substring(i, i + 8);
          for (Map.Entry<String, String> t : texts.entrySet()) {
            int at = t.getValue().indexOf(piece);
            if (at >= 0 && !leaks.containsKey(t.getKey() + form)) {
              String where = t.getKey().startsWith("stream") ? t.getValue().substring(0, t.getValue().indexOf('\n')) : t.getKey();
              leaks.put(t.getKey() + form, where + ": '" + piece + "' of " + form + " in: ..."
                  + t.getValue().substring(Math.max(0, at - 200), Math.min(t.getValue().length(), at + 100)) + "...");
            }
          }
        }
      }
    }
    return leaks;
  }
}
