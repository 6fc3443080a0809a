package io.runbook.steps.binlog;

import io.runbook.engine.spi.StepContext;
import io.runbook.engine.spi.StepFailure;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The target's settings from before the replication replay changed them, kept in the run folder until they are
 * restored: if the engine dies mid-replay, the resumed step restores these, not the relaxed values it would find.
 */
final class SavedSettings {
  private final StepContext ctx;
  private final Path file;

  SavedSettings(StepContext ctx) {
    this.ctx = ctx;
    this.file = ctx.runDir().resolve("binlog-replay-" + ctx.stepId().replaceAll("[^A-Za-z0-9_.-]", "_") + ".settings");
  }

  /** What an interrupted earlier attempt saved, if anything. */
  Optional<Map<String, Object>> load() throws StepFailure {
    if (!Files.exists(file)) return Optional.empty();
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw failure("read", e);
    }
    Map<String, Object> saved = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> saved.put(k, p.getProperty(k)));
    return Optional.of(saved);
  }

  /** Saves the settings durably before anything is changed. */
  void save(Map<String, Object> settings) throws StepFailure {
    Properties p = new Properties();
    settings.forEach((k, v) -> p.setProperty(k, v == null ? "" : v.toString()));
    try {
      Files.createDirectories(file.getParent());
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        p.store(w, "settings of the replay target before binlog.replay changed them");
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    } catch (IOException e) {
      throw failure("write", e);
    }
  }

  /** The settings are restored: nothing to remember. */
  void forget() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      ctx.log().warn("could not delete " + file + ": " + e.getMessage());
    }
  }

  private StepFailure failure(String what, IOException e) {
    return StepFailure.fatal("step " + ctx.stepId() + ": cannot " + what + " the target's saved settings in " + file + ": "
        + e.getMessage(), "check that the run folder is writable");
  }
}
