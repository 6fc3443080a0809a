package io.runbook.engine.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A secret is masked as it is and in the forms a server or SDK error repeats it: URL-encoded, JSON-escaped. */
class RedactorTest {
  static final String SECRET = "Canary+9/xZ=\"q\\w~k é";

  @Test
  void masksTheSecretAsItIs() {
    Redactor r = new Redactor();
    r.register(SECRET);
    assertEquals("password *** used", r.redact("password " + SECRET + " used"));
  }

  @Test
  void masksTheFormEncodedSecretOfATokenRequestEchoedInAnError() {
    Redactor r = new Redactor();
    r.register(SECRET);
    assertEquals("client_id=a&client_secret=***&scope=x",
        r.redact("client_id=a&client_secret=Canary%2B9%2FxZ%3D%22q%5Cw%7Ek+%C3%A9&scope=x"));
    assertEquals("GET /x?key=***", r.redact("GET /x?key=Canary%2B9%2FxZ%3D%22q%5Cw~k%20%C3%A9"));
  }

  @Test
  void masksTheJsonEscapedSecret() {
    Redactor r = new Redactor();
    r.register(SECRET);
    assertEquals("{\"secret\":\"***\"}", r.redact("{\"secret\":\"Canary+9/xZ=\\\"q\\\\w~k é\"}"));
  }

  @Test
  void leavesOtherTextAlone() {
    Redactor r = new Redactor();
    r.register("s3cr3t-value");
    assertEquals("nothing secret here: s3cr3t", r.redact("nothing secret here: s3cr3t"));
  }
}
