package io.runbook.steps.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The lines of an fstab(5) file and what their first field names. Only reads: the boot check reports a fixed line for
 * the operator to paste, because rewriting /etc/fstab on a database host is a decision for a human.
 */
final class Fstab {
  private Fstab() {}

  /** How an fstab source names its device; {@code missing} when the file has no line for the mount point. */
  enum SourceKind {
    UUID, LABEL, PARTUUID, PARTLABEL, LUN, PATH, OTHER, MISSING;

    /** The lower-case name the step's output shows. */
    String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Whether the source is a tag blkid resolves (NAME=value). */
    boolean isTag() { return this == UUID || this == LABEL || this == PARTUUID || this == PARTLABEL; }
  }

  /** One mount line: its 1-based line number, the text as written, and the six fields (missing ones empty). */
  record Entry(int lineNo, String line, String source, String mountPoint, String fsType, String options, String dump,
               String pass) {

    SourceKind kind() { return kindOf(source); }

    /** The tag as blkid's -t takes it (NAME=value without quotes), for a tag source. */
    String tag() {
      int eq = source.indexOf('=');
      return source.substring(0, eq) + "=" + unquote(source.substring(eq + 1));
    }

    /**
     * The same line with another source, and {@code nouuid} added to the options when asked: the fields of the
     * original are kept (missing ones filled with fstab's defaults), so only what must change changes.
     */
    String withSource(String newSource, boolean addNouuid) {
      String opts = options.isEmpty() ? "defaults" : options;
      if (addNouuid && !Arrays.asList(opts.split(",")).contains("nouuid")) opts = opts + ",nouuid";
      return String.join(" ", escape(newSource), escape(mountPoint), fsType.isEmpty() ? "auto" : fsType, opts,
          dump.isEmpty() ? "0" : dump, pass.isEmpty() ? "0" : pass);
    }
  }

  /**
   * The line for a new entry. nofail, as Azure advises for data disks: a missing disk must not stop the VM from
   * booting (and reaching ssh); the database service's mount dependency keeps it from starting on the empty folder.
   */
  static String newLine(String source, String mountPoint, String fsType, boolean nouuid) {
    return escape(source) + " " + escape(mountPoint) + " " + fsType + " defaults,nofail" + (nouuid ? ",nouuid" : "") + " 0 2";
  }

  /** The first line that mounts at the mount point (systemd ignores later duplicates), or empty. */
  static Optional<Entry> find(String text, String mountPoint) {
    String want = normalize(mountPoint);
    for (Entry e : entries(text)) {
      if (normalize(e.mountPoint()).equals(want)) return Optional.of(e);
    }
    return Optional.empty();
  }

  static List<Entry> entries(String text) {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      if (f.length < 2) continue;
      out.add(new Entry(i + 1, line, unescape(f[0]), unescape(f[1]), field(f, 2), field(f, 3), field(f, 4), field(f, 5)));
    }
    return out;
  }

  static SourceKind kindOf(String source) {
    String upper = source.toUpperCase(java.util.Locale.ROOT);
    for (SourceKind k : List.of(SourceKind.PARTUUID, SourceKind.PARTLABEL, SourceKind.UUID, SourceKind.LABEL)) {
      if (upper.startsWith(k.name() + "=")) return k;
    }
    if (source.matches("/dev/disk/azure/scsi1/lun\\d+")) return SourceKind.LUN;
    return source.startsWith("/") ? SourceKind.PATH : SourceKind.OTHER;
  }

  private static String field(String[] f, int i) { return i < f.length ? f[i] : ""; }

  private static String normalize(String path) {
    return path.length() > 1 && path.startsWith("/") ? Path.of(path).normalize().toString() : path;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))
        ? v.substring(1, v.length() - 1) : v;
  }

  // fstab writes a space in a field as \040 (and a tab as \011).
  private static String unescape(String field) { return field.replace("\\040", " ").replace("\\011", "\t"); }

  private static String escape(String field) { return field.replace(" ", "\\040").replace("\t", "\\011"); }
}
