package io.coffer.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The agent's logging, set up in code: one line per event on stderr, at {@code COFFER_LOG_LEVEL}
 * (environment variable or system property; INFO by default), with the chatty libraries at WARN and
 * the MariaDB driver at ERROR (it logs every server error, which the plugin maps to statuses).
 *
 * <p>In code rather than a logback.xml because parsing XML is a tenth of the agent's start (about
 * 500 classes: Joran and the JDK's XML parser, for six lines of settings). An operator's own
 * configuration still wins: a file named by {@code -Dlogback.configurationFile}, or a
 * logback-test.xml or logback.xml on the class path (the agent's jars hold none).
 */
public final class AgentLogging {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";
  private static final Map<String, Level> QUIET =
      Map.of(
          "io.grpc", Level.WARN,
          "io.netty", Level.WARN,
          "org.pf4j", Level.WARN,
          "org.mariadb.jdbc", Level.ERROR);

  private AgentLogging() {}

  /** Call first thing in main, before any class logs. */
  public static void install() {
    if (configuredElsewhere(
        System.getProperty("logback.configurationFile"), AgentLogging.class.getClassLoader())) {
      return;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: its own configuration applies
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level());
    root.addAppender(stderr);
    QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  /**
   * Whether logback's own configuration (a named file, or one on the class path) applies instead.
   */
  static boolean configuredElsewhere(String configurationFile, ClassLoader classes) {
    return configurationFile != null
        || classes.getResource("logback-test.xml") != null
        || classes.getResource("logback.xml") != null;
  }

  /** {@code COFFER_LOG_LEVEL} as a logback level; an unknown name keeps INFO. */
  static Level level() {
    String name = System.getProperty("COFFER_LOG_LEVEL", System.getenv("COFFER_LOG_LEVEL"));
    return Level.toLevel(name, Level.INFO);
  }
}
