package io.runbook.steps.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small ext4 or XFS filesystem on a loop device (tests run as root), detached and deleted on close. */
final class LoopDisk implements AutoCloseable {
  final Path image;
  final String device;
  final String uuid;

  private LoopDisk(Path image, String device, String uuid) {
    this.image = image;
    this.device = device;
    this.uuid = uuid;
  }

  static LoopDisk create(Path dir, String name) throws IOException, InterruptedException {
    Path image = sparseImage(dir, name, 16L << 20);
    sh("mkfs.ext4", "-q", "-F", image.toString());
    return attach(image);
  }

  /** An XFS filesystem (300 MiB sparse: the smallest mkfs.xfs 6.x makes). */
  static LoopDisk createXfs(Path dir, String name) throws IOException, InterruptedException {
    Path image = sparseImage(dir, name, 300L << 20);
    sh("mkfs.xfs", "-q", "-f", image.toString());
    return attach(image);
  }

  /** A byte copy of this disk on another loop device, same filesystem UUID: what a snapshot restore gives. */
  LoopDisk copy(Path dir, String name) throws IOException, InterruptedException {
    Path copy = dir.resolve(name + ".img").toAbsolutePath();
    sh("dd", "if=" + image, "of=" + copy, "bs=1M", "conv=sparse", "status=none");
    return attach(copy);
  }

  /** Whether mkfs.xfs is installed (bin/install-prereqs installs xfsprogs). */
  static boolean xfsAvailable() {
    try {
      sh("mkfs.xfs", "-V");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Path sparseImage(Path dir, String name, long bytes) throws IOException {
    Files.createDirectories(dir);
    Path image = dir.resolve(name + ".img").toAbsolutePath();
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(bytes);
    }
    return image;
  }

  private static LoopDisk attach(Path image) throws IOException, InterruptedException {
    String dev = sh("losetup", "-f", "--show", image.toString()).strip();
    String uuid = sh("blkid", "-c", "/dev/null", "-s", "UUID", "-o", "value", dev).strip();
    return new LoopDisk(image, dev, uuid);
  }

  /** Whether this machine can make loop devices (root, /dev/loop-control). */
  static boolean available() {
    try {
      sh("losetup", "-f");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  static String sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
    return out;
  }

  @Override
  public void close() throws Exception {
    // Unmount anything a failed test left mounted from this device, then detach.
    Process findmnt = new ProcessBuilder("findmnt", "-rn", "-o", "TARGET", "-S", device).start();
    String targets = new String(findmnt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    findmnt.waitFor();
    for (String t : targets.strip().split("\n")) if (!t.isBlank()) new ProcessBuilder("umount", t).start().waitFor();
    sh("losetup", "-d", device);
    Files.deleteIfExists(image);
  }
}
