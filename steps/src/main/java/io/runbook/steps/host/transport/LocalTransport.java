package io.runbook.steps.host.transport;

import io.runbook.engine.spi.StepFailure;
import io.runbook.engine.spi.StepLog;
import io.runbook.engine.util.Durations;
import io.runbook.steps.process.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The machine the engine runs on: processes through {@link ProcessRunner}, files through java.nio. */
public final class LocalTransport implements HostTransport {
  private final String name;

  public LocalTransport(String name) { this.name = name; }

  @Override
  public String describe() { return name + " (local)"; }

  @Override
  public CommandResult exec(HostCommand command, StepLog log) throws StepFailure, InterruptedException {
    // Without sudo the environment goes straight into the process; sudo resets the environment, so there it goes
    // the way it does over ssh: on stdin, read by a wrapper after sudo (never in an argument list: ps shows those).
    List<String> argv = command.sudo() ? command.effectiveArgv() : command.argv();
    if (command.sudo()) command.requireNoNul("local");
    ProcessRunner.Command process = new ProcessRunner.Command(argv, command.sudo() ? Map.of() : command.env(),
        Optional.empty(), command.timeout(), command.sudo() ? command.effectiveStdin() : command.stdin());
    ProcessRunner.Result r;
    try {
      r = ProcessRunner.run(process, log::output, log::output);
    } catch (IOException e) {
      throw StepFailure.fatal("local: `" + command.commandLine() + "`: " + e.getMessage(),
          "check that " + argv.get(0) + " is installed and on PATH");
    }
    if (r.timedOut()) {
      throw StepFailure.fatal("local: `" + command.commandLine() + "` did not finish within "
          + Durations.format(command.timeout().orElse(Duration.ZERO)) + " and was killed",
          "raise the step's timeout or find out why it hangs");
    }
    return new CommandResult(r.exitCode(), r.stdout(), r.stderr(), r.truncated());
  }

  @Override
  public Optional<FileInfo> stat(String path) throws StepFailure {
    Path p = Path.of(path);
    if (!Files.exists(p)) return Optional.empty();
    try {
      return Optional.of(info(p));
    } catch (IOException e) {
      throw failure("stat", path, e);
    }
  }

  @Override
  public List<FileInfo> glob(String pattern) throws StepFailure {
    Path p = Path.of(pattern);
    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
    List<FileInfo> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p.getFileName().toString())) {
      for (Path e : entries) if (Files.isRegularFile(e)) found.add(info(e));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw failure("list", pattern, e);
    }
    found.sort(Comparator.comparing(FileInfo::path));
    return found;
  }

  @Override
  public void read(String path, long offset, StreamReader reader) throws StepFailure {
    try (SeekableByteChannel ch = Files.newByteChannel(Path.of(path))) {
      ch.position(offset);
      reader.read(Channels.newInputStream(ch));
    } catch (IOException e) {
      throw failure("read", path, e);
    }
  }

  @Override
  public void write(String path, InputStream data, boolean append) throws StepFailure {
    StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    try (OutputStream out = Files.newOutputStream(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
      data.transferTo(out);
    } catch (IOException e) {
      throw failure("write", path, e);
    }
  }

  @Override
  public void chmod(String path, int mode) throws StepFailure {
    try {
      Files.setPosixFilePermissions(Path.of(path), permissions(mode));
    } catch (IOException e) {
      throw failure("chmod", path, e);
    }
  }

  @Override
  public void close() {}

  private static FileInfo info(Path p) throws IOException {
    boolean dir = Files.isDirectory(p);
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if (Files.isSymbolicLink(p)) mode = (Integer) Files.getAttribute(p, "unix:mode");
    return new FileInfo(p.toString(), dir ? 0 : Files.size(p), mode & 07777, dir);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) if ((mode & (1 << bit)) != 0) set.add(order[bit]);
    return set;
  }

  private StepFailure failure(String op, String path, IOException e) {
    return StepFailure.fatal(describe() + ": cannot " + op + " " + path + ": " + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : " " + e.getMessage()), "check the path and its permissions");
  }
}
