package io.runbook.testkit.sshd;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real {@link Sshd} per test class, injected as a parameter, always stopped and its files
 * deleted when the class is done (also when tests fail). Files live under {@code target/sshd-*}.
 *
 * <p>Register with {@code @RegisterExtension static SshdExtension SSHD = new SshdExtension();} to pass session
 * environment, or {@code @ExtendWith(SshdExtension.class)} for the defaults.
 */
public final class SshdExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SshdExtension.class);
  private final Map<String, String> sessionEnv;

  public SshdExtension() { this(Map.of()); }

  /** A server whose sessions get {@code sessionEnv} (e.g. a PATH with fake tools first). */
  public SshdExtension(Map<String, String> sessionEnv) { this.sessionEnv = Map.copyOf(sessionEnv); }

  /** The server of the running test class. */
  public Sshd sshd(ExtensionContext context) { return server(context); }

  @Override
  public void beforeAll(ExtensionContext context) { server(context); }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Sshd.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) { return server(e); }

  private Sshd server(ExtensionContext context) {
    // beforeAll stores it in the class's store (closed after the class); method contexts see their parent's values.
    ExtensionContext.Store store = context.getStore(NS);
    String key = context.getRequiredTestClass().getName();
    return store.getOrComputeIfAbsent(key, k -> new Handle(Sshd.start(
        Path.of("target", "sshd-" + UUID.randomUUID().toString().substring(0, 8)), sessionEnv)), Handle.class).sshd;
  }

  /** Closes the server when JUnit closes the store. */
  private record Handle(Sshd sshd) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() { sshd.close(); }
  }
}
