package io.runbook.testkit.arm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's keytool once per folder: the emulator
 * serves it, and test HTTP clients trust it (the Azure SDK refuses bearer tokens over plain http).
 */
public final class TestCertificate {
  public static final String PASSWORD = "emulator";
  private final Path keystore;

  private TestCertificate(Path keystore) { this.keystore = keystore; }

  /** The certificate in {@code dir}, generated if it is not there yet. */
  public static synchronized TestCertificate in(Path dir) {
    Path ks = dir.resolve("arm-emulator.p12");
    if (!Files.exists(ks)) {
      try {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("arm-emulator.p12.tmp");
        Files.deleteIfExists(tmp);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "arm", "-keyalg", "EC",
            "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
            "-validity", "30", "-storetype", "PKCS12", "-keystore", tmp.toString(),
            "-storepass", PASSWORD, "-keypass", PASSWORD))
            .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("keytool could not make the emulator certificate; see " + dir.resolve("keytool.log"));
        }
        Files.move(tmp, ks, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new IllegalStateException("cannot make the emulator certificate in " + dir, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while making the emulator certificate", e);
      }
    }
    return new TestCertificate(ks);
  }

  public Path keystore() { return keystore; }

  /** Trusts exactly this certificate. */
  public TrustManagerFactory trustManagerFactory() {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the emulator certificate " + keystore, e);
    }
  }
}
