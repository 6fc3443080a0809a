package io.runbook.steps.host.transport;

/** A file on a host: path, size in bytes, permission bits (e.g. 0644) and whether it is a directory. */
public record FileInfo(String path, long size, int mode, boolean directory) {}
