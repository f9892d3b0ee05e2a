package io.coffer.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AgentLoggingTest {
  @AfterEach
  void clearLevel() {
    System.clearProperty("COFFER_LOG_LEVEL");
  }

  @Test
  void stderrAtTheChosenLevelWithTheChattyLibrariesQuieter() {
    AgentLogging.install();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender("STDERR")).isNotNull();
    assertThat(root.getEffectiveLevel())
        .isEqualTo(AgentLogging.level()); // INFO unless CI sets COFFER_LOG_LEVEL
    assertThat(context.getLogger("io.grpc.netty").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("org.mariadb.jdbc.client").getEffectiveLevel())
        .isEqualTo(Level.ERROR);
  }

  @Test
  void anOperatorsOwnConfigurationWins(@TempDir Path dir) throws Exception {
    ClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    assertThat(AgentLogging.configuredElsewhere(null, none))
        .isFalse(); // the agent's own jars: none
    assertThat(AgentLogging.configuredElsewhere("/etc/coffer/logback.xml", none)).isTrue();
    Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
    assertThat(
            AgentLogging.configuredElsewhere(
                null, new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)))
        .isTrue();
  }

  @Test
  void theLevelComesFromCofferLogLevel() {
    System.setProperty("COFFER_LOG_LEVEL", "debug");
    assertThat(AgentLogging.level()).isEqualTo(Level.DEBUG);
    System.setProperty("COFFER_LOG_LEVEL", "no-such-level");
    assertThat(AgentLogging.level()).isEqualTo(Level.INFO);
  }
}
