package dev.oceanj.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The runtime's logging, configured in code: every event to stderr (stdout carries only command output: {@code oceanj
 * map} and {@code jq} print JSON lines there), as {@code HH:mm:ss.SSS LEVEL logger - message}, the root level from
 * {@code OCEANJ_LOG_LEVEL} (a system property or the environment; default INFO).
 *
 * <p>It replaces a {@code logback.xml}: reading XML (Joran and the JDK's SAX parser) loaded about 600 classes that a
 * runtime then keeps for its whole life, about 5 MB at rest. A {@code logback.configurationFile}, a
 * {@code logback-test.xml} or a {@code logback.xml} on the class path still wins: this configurator then steps aside
 * and logback reads that file as before. Registered in {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class StderrLogging extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null || hasResource("logback-test.xml")
        || hasResource("logback.xml")) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    install(context, level());
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sends every event of {@code context} to stderr, the root at {@code level} (INFO when null or unknown). */
  static void install(LoggerContext context, String level) {
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
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(stderr);
  }

  private static String level() {
    String level = System.getProperty("OCEANJ_LOG_LEVEL");
    return level != null ? level : System.getenv("OCEANJ_LOG_LEVEL");
  }

  private static boolean hasResource(String name) {
    ClassLoader loader = StderrLogging.class.getClassLoader();
    return loader != null && loader.getResource(name) != null;
  }
}
