package io.runbook.steps.host;

import java.nio.charset.StandardCharsets;

/** systemd unit names for paths, as {@code systemd-escape --path --suffix=mount} makes them. */
public final class SystemdUnits {
  private SystemdUnits() {}

  /** The mount unit of a mount point, e.g. {@code /var/lib/mysql} -> {@code var-lib-mysql.mount}. */
  public static String mountUnit(String path) { return escapePath(path) + ".mount"; }

  static String escapePath(String path) {
    String p = path.replaceAll("/+", "/");
    if (p.startsWith("/")) p = p.substring(1);
    if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
    if (p.isEmpty()) return "-";
    StringBuilder out = new StringBuilder();
    byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (b == '/') {
        out.append('-');
      } else if (isAlnum(b) || b == ':' || b == '_' || (b == '.' && i > 0)) {
        out.append((char) b);
      } else {
        out.append(String.format("\\x%02x", b));
      }
    }
    return out.toString();
  }

  private static boolean isAlnum(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
  }
}
