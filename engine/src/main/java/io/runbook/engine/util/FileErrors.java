package io.runbook.engine.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Why a file could not be read, in words an operator reads (no exception class names). */
public final class FileErrors {
  private FileErrors() {}

  /** E.g. "no such file", "permission denied", "is a directory". */
  public static String describe(IOException e) {
    if (e instanceof NoSuchFileException) return "no such file";
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof NotDirectoryException) return "a part of the path is not a folder";
    if (e instanceof FileAlreadyExistsException) return "already exists";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason().toLowerCase(java.util.Locale.ROOT);
    String m = e.getMessage();
    return m == null || m.isBlank() ? "an I/O error" : m;
  }

  /** The file at fault and why, e.g. "/var/lib/runbook/locks: permission denied" (the file only when it is known). */
  public static String at(IOException e) {
    return e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " + describe(e) : describe(e);
  }
}
