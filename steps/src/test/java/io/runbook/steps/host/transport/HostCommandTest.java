package io.runbook.steps.host.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostCommandTest {
  @Test
  void commandLineAddsSudoAndEnvAsArguments() {
    HostCommand c = HostCommand.of("mariadb", "-e", "select 1").withEnv(Map.of("MYSQL_PWD", "x y")).withSudo(true);
    assertEquals("sudo -n -- env 'MYSQL_PWD=x y' mariadb -e 'select 1'", c.commandLine());
  }

  @Test
  void scriptArgumentsArePositionalNotSpliced() {
    assertEquals("sh -c 'ls -- \"$1\"' sh '/data dir'", HostCommand.script("ls -- \"$1\"", "/data dir").commandLine());
  }
}
