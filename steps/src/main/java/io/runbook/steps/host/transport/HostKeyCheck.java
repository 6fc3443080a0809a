package io.runbook.steps.host.transport;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Verifies host keys against a known_hosts repository (or nothing, when strict checking is off) and remembers the
 * key the server presented, so a refusal can name its fingerprint. Never adds keys to the file.
 */
final class HostKeyCheck implements HostKeyRepository {
  private final HostKeyRepository knownHosts;
  private volatile byte[] presented;

  /** {@code knownHosts} null: nothing is known (strict checking off). */
  HostKeyCheck(HostKeyRepository knownHosts) { this.knownHosts = knownHosts; }

  @Override
  public int check(String host, byte[] key) {
    presented = key.clone();
    return knownHosts == null ? NOT_INCLUDED : knownHosts.check(host, key);
  }

  /** The presented key as {@code ssh-ed25519 SHA256:...} (the form {@code ssh-keygen -lf} prints), or "unknown". */
  String presentedFingerprint() {
    byte[] key = presented;
    if (key == null) return "unknown";
    return keyType(key) + " " + fingerprint(key);
  }

  static String fingerprint(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // The key blob starts with its algorithm name as an SSH string (uint32 length + bytes).
  private static String keyType(byte[] key) {
    if (key.length < 4) return "?";
    int len = ByteBuffer.wrap(key, 0, 4).getInt();
    if (len <= 0 || len > key.length - 4) return "?";
    return new String(key, 4, len, StandardCharsets.US_ASCII);
  }

  @Override public void add(HostKey hostkey, UserInfo ui) { /* known_hosts is the operator's: never written */ }
  @Override public void remove(String host, String type) {}
  @Override public void remove(String host, String type, byte[] key) {}
  @Override public String getKnownHostsRepositoryID() { return knownHosts == null ? "none" : knownHosts.getKnownHostsRepositoryID(); }
  @Override public HostKey[] getHostKey() { return knownHosts == null ? new HostKey[0] : knownHosts.getHostKey(); }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    return knownHosts == null ? new HostKey[0] : knownHosts.getHostKey(host, type);
  }
}
