package io.runbook.testkit.mariadb;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link MariaDbTest}: servers live in the test class's extension store, which JUnit closes
 * after the class whatever the outcome, so servers are always killed and their folders deleted.
 */
public final class MariaDbExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MariaDbExtension.class);
  private static final String KEY = "servers";

  /** Folder for the servers of one test class. Kept short: a Unix socket path may hold at most 107 bytes. */
  static Path baseDir() {
    return Path.of("target", "mdb", UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
  }

  /** The servers of one test class; closing them kills and deletes them. */
  static final class Servers implements AutoCloseable {
    final MariaDbServer primary;
    final MariaDbServer replica;
    final ReplicationPair pair;
    final Path base;

    Servers(MariaDbServer primary, MariaDbServer replica, Path base) {
      this.primary = primary;
      this.replica = replica;
      this.pair = replica == null ? null : new ReplicationPair(primary, replica);
      this.base = base;
    }

    @Override
    public void close() {
      try {
        if (replica != null) replica.close();
      } finally {
        primary.close();
        MariaDbServer.deleteTree(base);
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    MariaDbTest config = context.getRequiredTestClass().getAnnotation(MariaDbTest.class);
    boolean withReplica = config != null && config.replica();
    String[] options = config == null ? new String[0] : config.options();
    Path base = baseDir();
    MariaDbServer primary = configure(MariaDbServer.builder(base.resolve("p"), "primary"), options).build();
    MariaDbServer replica = withReplica ? configure(MariaDbServer.builder(base.resolve("r"), "replica"), options).build() : null;
    Servers servers = new Servers(primary, replica, base);
    // Stored before starting, so a failing start still gets everything closed with the class.
    context.getStore(NS).put(KEY, servers);
    primary.start();
    if (replica != null) {
      replica.start();
      servers.pair.wire();
    }
  }

  private static MariaDbServer.Builder configure(MariaDbServer.Builder b, String[] options) {
    for (String o : options) {
      int eq = o.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("@MariaDbTest option '" + o + "' must be name=value");
      b.option(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    return b;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> type = p.getParameter().getType();
    return type == MariaDbServer.class || type == ReplicationPair.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    Servers servers = e.getStore(NS).get(KEY, Servers.class);
    if (servers == null) throw new ParameterResolutionException("no MariaDB servers: annotate the class with @MariaDbTest");
    Class<?> type = p.getParameter().getType();
    boolean wantsReplica = type == ReplicationPair.class || p.isAnnotated(Replica.class);
    if (wantsReplica && servers.replica == null) {
      throw new ParameterResolutionException("this test wants a replica: use @MariaDbTest(replica = true)");
    }
    if (type == ReplicationPair.class) return servers.pair;
    return p.isAnnotated(Replica.class) ? servers.replica : servers.primary;
  }
}
