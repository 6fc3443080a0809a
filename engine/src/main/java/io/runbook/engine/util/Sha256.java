package io.runbook.engine.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex, as sha256sum prints it: of runbook and inventory files, and of file contents steps write or read. */
public final class Sha256 {
  private Sha256() {}

  public static String hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every Java platform must provide SHA-256
    }
  }

  /** The hash of a file's bytes. */
  public static String hex(Path file) throws IOException { return hex(Files.readAllBytes(file)); }
}
