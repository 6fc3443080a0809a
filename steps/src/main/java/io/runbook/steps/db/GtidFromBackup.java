package io.runbook.steps.db;

import io.runbook.engine.inventory.Host;
import io.runbook.engine.spi.Doc;
import io.runbook.engine.spi.Effect;
import io.runbook.engine.spi.Plan;
import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepType;
import io.runbook.steps.host.transport.FileInfo;
import io.runbook.steps.host.transport.HostTransport;
import io.runbook.steps.host.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the binlog coordinates mariadb-backup recorded with a backup ({@code mariadb_backup_binlog_info}, or
 * {@code xtrabackup_binlog_info} from older versions): the binlog file, the position and the GTID of the last
 * transaction in the backup, which is where a replica or a binlog replay continues. A backup taken on a replica with
 * {@code --slave-info} also has a slave info file: its GTID (the replica's gtid_slave_pos) is the primary's position
 * and wins; see {@link SlaveInfo} for when the two disagree.
 */
@Doc("Parse mariadb_backup_binlog_info (binlog file, position, GTID list) from a file or from text; when the backup was"
    + " taken on a replica with --slave-info, the GTID is the replica's gtid_slave_pos from mariadb_backup_slave_info."
    + " Refuses when the replica wrote transactions of its own in a domain it replicates")
public final class GtidFromBackup implements StepType<GtidFromBackup.Input, GtidFromBackup.Output> {
  static final String INFO_FILE = "mariadb_backup_binlog_info";
  static final String OLD_INFO_FILE = "xtrabackup_binlog_info";
  static final String SLAVE_INFO_FILE = "mariadb_backup_slave_info";
  static final String OLD_SLAVE_INFO_FILE = "xtrabackup_slave_info";
  static final String FROM_BINLOG_INFO = "binlog_info";
  static final String FROM_SLAVE_INFO = "slave_info";
  private static final int MAX_BYTES = 64 * 1024;

  @Doc("Where the binlog info is: a file or its text")
  public record Input(
      @Doc("Path of mariadb_backup_binlog_info (or of the backup folder holding it) on the `on:` host, over its"
          + " transport (ssh or local); without `on:`, on the machine running the engine") Optional<String> file,
      @Doc("The file's content, e.g. read from a remote host by an earlier step") Optional<String> text,
      @Doc("With text: the content of mariadb_backup_slave_info (xtrabackup_slave_info up to 10.11) when the backup was"
          + " taken on a replica with --slave-info; empty or absent for a backup of a primary. With file: the slave info"
          + " file in the same folder is read when it is there") Optional<String> slaveInfo) {}

  @Doc("The backup's binlog coordinates")
  public record Output(
      @Doc("Binlog file name, e.g. mariadb-bin.000042, of the backed-up server's own binlog (a replica's, not its"
          + " primary's, for a backup taken on a replica)") String binlogFile,
      @Doc("Position in that file") long position,
      @Doc("GTID list of the last transaction in the backup, e.g. 0-1-1042: the primary's position the backup is"
          + " consistent with") String gtid,
      @Doc("Where gtid comes from: slave_info (a replica's gtid_slave_pos, from mariadb_backup_slave_info) or binlog_info"
          + " (mariadb_backup_binlog_info, a backup of a primary)") String source) {}

  @Override public String name() { return "db.gtid.from-backup"; }
  @Override public Class<Input> inputType() { return Input.class; }
  @Override public Class<Output> outputType() { return Output.class; }
  @Override public Effect effect() { return Effect.READS; }

  @Override
  public Plan plan(Input in, StepContext ctx) {
    return in.file().map(f -> Plan.file(ctx.target().map(Host::name).orElse("local"), "read " + f
            + " (and the slave info file beside it, when the backup was taken on a replica)"))
        .orElse(Plan.note("parse the given mariadb_backup_binlog_info text"
            + (in.slaveInfo().isPresent() ? " (and the slave info, when the backup was taken on a replica)" : "")));
  }

  @Override
  public Output run(Input in, StepContext ctx) throws StepFailure {
    if (in.file().isPresent() == in.text().isPresent()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": give exactly one of file: or text:");
    }
    if (in.file().isPresent() && in.slaveInfo().isPresent()) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": slaveInfo: goes with text:; with file: the slave info file"
          + " beside the binlog info is read");
    }
    String where = in.file().orElse("the given text");
    Parsed p;
    if (in.text().isPresent()) {
      p = parse(in.text().get(), in.slaveInfo().orElse(""), where);
    } else {
      Optional<Host> target = ctx.target();
      HostTransport host = target.isPresent() ? Transports.forHost(ctx, target.get()) : Transports.engineMachine(ctx);
      FileInfo info = locate(in.file().get(), host, ctx);
      p = parse(read(info, host, ctx), slaveInfoBeside(info, host, ctx), where);
    }
    ctx.log().info(p.why());
    return p.output();
  }

  private static FileInfo locate(String file, HostTransport host, StepContext ctx) throws StepFailure {
    String hint = "check that the backup disk is mounted on " + host.describe()
        + " and the backup was taken with the binlog enabled";
    FileInfo info = host.stat(file).orElseThrow(() -> StepFailure.fatal(
        "step " + ctx.stepId() + ": " + file + " does not exist on " + host.describe(), hint));
    if (info.directory()) {
      // mariadb-backup of MariaDB 10.x (and xtrabackup) writes xtrabackup_binlog_info; newer versions use the new name.
      String dir = file.endsWith("/") ? file : file + "/";
      Optional<FileInfo> inFolder = host.stat(dir + INFO_FILE);
      if (inFolder.isEmpty()) inFolder = host.stat(dir + OLD_INFO_FILE);
      info = inFolder.orElseThrow(() -> StepFailure.fatal(
          "step " + ctx.stepId() + ": neither " + INFO_FILE + " nor " + OLD_INFO_FILE + " is in " + file + " on "
              + host.describe(), hint));
    }
    return info;
  }

  /** The slave info file in the binlog info's folder (either name), or "" when the backup was not taken on a replica. */
  private static String slaveInfoBeside(FileInfo binlogInfo, HostTransport host, StepContext ctx) throws StepFailure {
    String path = binlogInfo.path();
    String dir = path.substring(0, path.lastIndexOf('/') + 1);
    Optional<FileInfo> info = host.stat(dir + SLAVE_INFO_FILE);
    if (info.isEmpty()) info = host.stat(dir + OLD_SLAVE_INFO_FILE);
    return info.isPresent() ? read(info.get(), host, ctx) : "";
  }

  private static String read(FileInfo info, HostTransport host, StepContext ctx) throws StepFailure {
    if (info.size() > MAX_BYTES) {
      throw StepFailure.fatal("step " + ctx.stepId() + ": " + info.path() + " on " + host.describe() + " is " + info.size()
          + " bytes; a binlog info file is one line", "give the path of " + INFO_FILE + " or of the backup folder");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    host.read(info.path(), 0, s -> s.transferTo(buf));
    return buf.toString(StandardCharsets.UTF_8);
  }

  /** The output, and a line for the log on where its GTID came from. */
  record Parsed(Output output, String why) {}

  /**
   * The binlog info line ({@code <file> <position> <gtid list>} separated by tabs or spaces; the GTID list may hold
   * several domains) and the slave info text ("" when there is none).
   */
  static Parsed parse(String text, String slaveInfo, String where) throws StepFailure {
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
    if (slaveInfo == null || slaveInfo.isBlank()) {
      return new Parsed(new Output(f[0], position, gtid, FROM_BINLOG_INFO),
          "GTID " + gtid + " from the binlog info (no slave info: the backup was taken on a primary)");
    }
    SlaveInfo.Choice c = SlaveInfo.choose(slaveInfo, gtid, where);
    return new Parsed(new Output(f[0], position, c.gtid(), FROM_SLAVE_INFO), c.why());
  }
}
