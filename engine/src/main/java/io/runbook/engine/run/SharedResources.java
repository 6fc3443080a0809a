package io.runbook.engine.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Clients shared by the steps of one run (SSH sessions, JDBC connections, cloud clients), closed in reverse order at the end. */
public final class SharedResources implements AutoCloseable {
  private final Map<String, AutoCloseable> open = new LinkedHashMap<>();

  @SuppressWarnings("unchecked")
  public synchronized <T extends AutoCloseable> T get(String key, Supplier<T> opener) {
    AutoCloseable existing = open.get(key);
    if (existing != null) return (T) existing;
    T created = opener.get();
    open.put(key, created);
    return created;
  }

  /** Drops and closes one resource (e.g. an SSH session found broken) so the next get() opens a fresh one. */
  public synchronized void discard(String key) {
    AutoCloseable c = open.remove(key);
    if (c != null) closeQuietly(c);
  }

  @Override
  public synchronized void close() {
    List<AutoCloseable> all = new ArrayList<>(open.values());
    open.clear();
    for (int i = all.size() - 1; i >= 0; i--) closeQuietly(all.get(i));
  }

  private static void closeQuietly(AutoCloseable c) {
    try { c.close(); } catch (Exception ignored) { /* closing at the end of a run must not hide its result */ }
  }
}
