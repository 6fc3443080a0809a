package io.runbook.steps.db;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the binlog coordinates mariadb-backup recorded with a backup ({@code mariadb_backup_binlog_info}, or
 * {@code xtrabackup_binlog_info} from older versions): the binlog file, the position and the GTID of the last
 * transaction in the backup, which is where a replica or a binlog replay continues.
 */
@Doc("Parse mariadb_backup_binlog_info (binlog file, position, GTID list) from a file or from text")
public final class GtidFromBackup implements StepType<GtidFromBackup.Input, GtidFromBackup.Output> {

  @Doc("Where the binlog info is: a file or its text")
  public record Input(
      @Doc("Path of mariadb_backup_binlog_info (or of the backup folder holding it) on the machine running the engine"
          + " or a local-transport host") Optional<String> file,
      @Doc("The file's content, e.g. read from a remote host by an earlier step") Optional<String> text) {}

  @Doc("The backup's binlog coordinates")
  public record Output(
      @Doc("Binlog file name, e.g. mariadb-bin.000042") String binlogFile,
      @Doc("Position in that file") long position,
      @Doc("GTID list of the last transaction in the backup, e.g. 0-1-1042") String gtid) {}

  @Override public String name() { return "db.gtid.from-backup"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return in.file().map(f -> Plan.file(ctx.target().map(Host::name).orElse("local"), "read " + f))
        .orElse(Plan.note("parse the given mariadb_backup_binlog_info text"));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    if (in.file().isPresent() == in.text().isPresent()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": give exactly one of file: or text:");
    }
    String where = in.file().orElse("the given text");
    String text = in.text().isPresent() ? in.text().get() : read(in.file().get(), ctx);
    return parse(text, where);
  }

  private static String read(String file, StepContext ctx) throws StepFailure {
    Optional<Host> host = ctx.target();
    if (host.isPresent() && host.get().transport() != null && !host.get().transport().isLocal()) {
      // TODO(host transport): read through the host's SSH session once the host steps provide one.
      throw StepFailure.fatal("step " + ctx.stepId() + ": reading " + file + " on remote host " + host.get().name()
          + " is not supported by db.gtid.from-backup", "read the file with a host step and pass its content as text:");
    }
    Path p = Path.of(file);
    if (Files.isDirectory(p)) {
      p = Files.exists(p.resolve("mariadb_backup_binlog_info")) ? p.resolve("mariadb_backup_binlog_info") : p.resolve("xtrabackup_binlog_info");
    }
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")",
          "check that the backup disk is mounted and the backup was taken with the binlog enabled");
    }
  }

  /** {@code <file> <position> <gtid list>} separated by tabs or spaces; the GTID list may hold several domains. */
  static Output parse(String text, String where) throws StepFailure {
    String line = text == null ? "" : text.strip();
    int nl = line.indexOf('\n');
    if (nl >= 0) line = line.substring(0, nl).strip();
    String[] f = line.split("\\s+", 3);
    if (f.length < 3 || f[2].isBlank()) {
      throw StepFailure.fatal("binlog info in " + where + " has no GTID: '" + line + "'",
          "the backup must be taken from a server with log_bin=ON and GTIDs (MariaDB 10.0+); without one, give the GTID explicitly");
    }
    long position;
    try {
      position = Long.parseLong(f[1]);
    } catch (NumberFormatException e) {
      throw StepFailure.fatal("binlog info in " + where + " has no position after the file name: '" + line + "'");
    }
    String gtid = f[2].replaceAll("[\\s'\"]", "");
    try {
      GtidList.parse(gtid);
    } catch (IllegalArgumentException e) {
      throw StepFailure.fatal("binlog info in " + where + ": " + e.getMessage());
    }
    return new Output(f[0], position, gtid);
  }
}
