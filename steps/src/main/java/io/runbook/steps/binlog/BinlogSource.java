package io.runbook.steps.binlog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a scan reads a binlog file's bytes from: a file on the engine's machine, or one on a host read through the
 * host's transport ({@link HostBinlogFile}). The scanner only ever reads forward, so a source is a stream from an
 * offset; jumping far ahead (to a transaction's start) opens it again there instead of pulling the bytes between.
 */
public interface BinlogSource {
  /** The file's path, as segments and messages name it. */
  String path();

  /** The file's name without its folder, e.g. {@code bin.000007}. */
  default String fileName() { return path().substring(path().lastIndexOf('/') + 1); }

  /** Its size in bytes when the scan starts; a file still being written is read up to here. */
  long size() throws IOException;

  /** Streams the file from {@code offset} on into {@code reader}. */
  void read(long offset, Reader reader) throws IOException, BinlogException;

  /**
   * The file's first {@code size} bytes mapped into memory, or null when this source cannot be mapped (it is then
   * streamed). The caller owns the mapping and releases it with {@link MappedBinlog#release}.
   */
  default java.nio.ByteBuffer map(long size) throws IOException { return null; }

  /** Consumes a stream of the file's bytes. */
  @FunctionalInterface
  interface Reader {
    void read(ReadableByteChannel in) throws IOException, BinlogException;
  }

  /** A file on the engine's own machine. */
  static BinlogSource local(Path file) { return new LocalFile(file); }

  /**
   * A local file: mapped into memory, so a scan reads the page cache in place instead of copying every byte into a
   * buffer first (that copy alone took as long as {@code cat}); streamed through a FileChannel when it cannot be.
   */
  record LocalFile(Path file) implements BinlogSource {
    @Override public String path() { return file.toString(); }

    @Override public long size() throws IOException { return Files.size(file); }

    @Override
    public void read(long offset, Reader reader) throws IOException, BinlogException {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ch.position(offset);
        reader.read(ch);
      }
    }

    @Override
    public java.nio.ByteBuffer map(long size) throws IOException { return MappedBinlog.map(file, size); }
  }
}
