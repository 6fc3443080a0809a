package io.runbook.engine.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
  @Test
  void hexAsSha256sumPrintsItForBytesAndFiles(@TempDir Path dir) throws Exception {
    String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2 test vector "abc"
    assertEquals(abc, Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(abc, Sha256.hex(Files.writeString(dir.resolve("f"), "abc")));
  }
}
