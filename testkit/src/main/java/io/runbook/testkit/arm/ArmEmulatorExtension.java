package io.runbook.testkit.arm;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link ArmEmulator} per test class ({@code @RegisterExtension static}): started before the class, emptied before
 * each test, and a test fails when the code under test sent a request the emulator does not serve (unless
 * {@link #lenient()}: the emulator's own tests send such requests on purpose).
 */
public final class ArmEmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final Path workDir;
  private final boolean strict;
  private ArmEmulator emulator;

  public ArmEmulatorExtension() { this(Path.of("target", "arm-emulator")); }

  public ArmEmulatorExtension(Path workDir) { this(workDir, true); }

  private ArmEmulatorExtension(Path workDir, boolean strict) {
    this.workDir = workDir;
    this.strict = strict;
  }

  /** One that lets a test end with requests the emulator does not serve (for tests of the emulator's answers to them). */
  public static ArmEmulatorExtension lenient() { return new ArmEmulatorExtension(Path.of("target", "arm-emulator"), false); }

  /** The running emulator (after the class started). */
  public ArmEmulator get() {
    if (emulator == null) throw new IllegalStateException("the ARM emulator starts before the test class; register it static");
    return emulator;
  }

  @Override
  public void beforeAll(ExtensionContext context) { emulator = ArmEmulator.start(workDir); }

  @Override
  public void beforeEach(ExtensionContext context) { emulator.reset(); }

  @Override
  public void afterEach(ExtensionContext context) {
    if (strict && !emulator.unexpectedRequests().isEmpty()) {
      throw new AssertionError("the ARM emulator got requests it does not serve: " + emulator.unexpectedRequests());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (emulator != null) emulator.close();
    emulator = null;
  }
}
