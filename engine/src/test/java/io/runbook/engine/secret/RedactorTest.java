package io.runbook.engine.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runbook.engine.inventory.DbSpec;
import io.runbook.engine.inventory.Host;
import io.runbook.engine.inventory.Inventory;
import io.runbook.engine.inventory.TransportSpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactorTest {
  static final String SECRET = "s3cr'et\"Pa\\ss $w%rd&x";

  Redactor redactor() {
    Redactor r = new Redactor();
    r.register(SECRET);
    return r;
  }

  @Test
  void masksTheValueWhereverItStands() {
    assertEquals("password=***; user=app", redactor().redact("password=" + SECRET + "; user=app"));
    assertEquals("*** and ***", redactor().redact(SECRET + " and " + SECRET));
    assertEquals("nothing here", redactor().redact("nothing here"));
  }

  @Test
  void masksTheEscapedAndEncodedForms() {
    Redactor r = redactor();
    String json = SECRET.replace("\\", "\\\\").replace("\"", "\\\"");
    String sql = SECRET.replace("\\", "\\\\").replace("'", "\\'");
    String shell = "'" + SECRET.replace("'", "'\\''") + "'";
    String url = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    String b64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
    for (String form : List.of(json, sql, shell, url, url.replace("+", "%20"), b64)) {
      String out = r.redact("<" + form + ">");
      assertFalse(out.contains(form), form + " -> " + out);
      assertTrue(out.startsWith("<") && out.endsWith(">") && out.contains(Redactor.MASK), out);
    }
  }

  /** RFC 3986 percent-encoding (curl, Go, encodeURIComponent) differs from URLEncoder on space, '*' and '~'. */
  @Test
  void masksPercentEncodingBase64UrlAndHex() {
    String secret = "Kx7canary Qz*9~3/Lp?>";
    Redactor r = new Redactor();
    r.register(secret);
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    String rfc3986 = "Kx7canary%20Qz%2A9~3%2FLp%3F%3E";
    String b64url = Base64.getUrlEncoder().encodeToString(bytes);
    assertTrue(b64url.contains("-") || b64url.contains("_"), "the test secret's base64url differs from base64: " + b64url);
    String shiftedUrl = Base64.getUrlEncoder().encodeToString(("x" + secret).getBytes(StandardCharsets.UTF_8));
    String hex = java.util.HexFormat.of().formatHex(bytes);
    for (String form : List.of(rfc3986, b64url, shiftedUrl.substring(4, 24), hex, hex.toUpperCase(java.util.Locale.ROOT))) {
      assertEquals("<***>", r.redact("<" + form + ">"), form);
    }
  }

  @Test
  void masksBase64AtAnyAlignment() {
    Redactor r = redactor();
    for (String prefix : List.of("", "a", "ab", "Basic user:")) {
      String b64 = Base64.getEncoder().encodeToString((prefix + SECRET + "!").getBytes(StandardCharsets.UTF_8));
      String core = b64.substring(8, 24);
      assertFalse(r.redact(b64).contains(core), prefix + ": " + r.redact(b64));
    }
  }

  @Test
  void masksAPieceOfEightCharactersOrMoreButNotLessAndNotOrdinaryText() {
    Redactor r = redactor();
    // A statement echoed by the server, cut after the first 10 characters of the secret.
    assertEquals("near '... v = '***...' at line 1", r.redact("near '... v = '" + SECRET.substring(0, 10) + "...' at line 1"));
    // A secret printed across two lines: each line on its own.
    assertEquals("***", r.redact(SECRET.substring(0, 9)));
    assertEquals("***", r.redact(SECRET.substring(9)));
    assertEquals("s3cr'et", r.redact("s3cr'et"), "7 characters are not recognised");
    assertEquals("secret password", r.redact("secret password"));
    assertTrue(r.holdsSecret("x" + SECRET.substring(3, 12)));
    assertFalse(r.holdsSecret("plain text"));
  }

  @Test
  void aShortSecretIsMaskedWholeOnly() {
    Redactor r = new Redactor();
    r.register("abc12");
    assertEquals("key=*** abc1", r.redact("key=abc12 abc1"));
    assertFalse(r.holdsSecret(null));
  }

  @Test
  void nothingRegisteredNothingMasked() {
    assertEquals("s3cr'et\"Pa", new Redactor().redact("s3cr'et\"Pa"));
  }

  @Test
  void theInventorysReferencesAreFoundAndRegisteredAhead(@TempDir Path dir) throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "file-secret-value\n");
    TransportSpec ssh = new TransportSpec("ssh", Optional.of("10.0.0.4"), Optional.empty(), Optional.of("ops"),
        Optional.of("~/.ssh/id"), Optional.of(SecretRef.parse("env:PASSPHRASE")), Optional.empty(), Optional.empty());
    DbSpec db = new DbSpec(Optional.empty(), Optional.empty(), Optional.empty(), "app",
        Optional.of(SecretRef.parse("file:" + pw)), Optional.empty(), Optional.empty(),
        Optional.of(SecretRef.parse("env:UNSET_VARIABLE")));
    Host host = new Host("db1", Optional.of("primary"), Optional.empty(), Optional.empty(), ssh, Optional.empty(),
        Optional.empty(), Optional.of(db), Optional.empty());
    Inventory inv = new Inventory("prod", null, Map.of("db1", host));
    List<SecretRef> refs = SecretRefs.in(inv);
    assertEquals(List.of("env:PASSPHRASE", "file:" + pw, "env:UNSET_VARIABLE"), refs.stream().map(Object::toString).toList());

    Redactor r = new Redactor();
    new SecretResolver(r, Map.of("PASSPHRASE", "passphrase-value")).registerAhead(refs);
    assertEquals("*** ***", r.redact("passphrase-value file-secret-value"), "an unset variable is left for its step");
  }
}
