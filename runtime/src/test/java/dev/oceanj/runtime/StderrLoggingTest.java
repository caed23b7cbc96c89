package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class StderrLoggingTest {

  @Test
  void sendsEverythingToStderrAtTheGivenLevel() {
    LoggerContext context = new LoggerContext();
    StderrLogging.install(context, "debug");
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.DEBUG, root.getLevel());
    var appender = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
    assertEquals("System.err", appender.getTarget());
    assertEquals(StderrLogging.PATTERN, assertInstanceOf(PatternLayoutEncoder.class, appender.getEncoder()).getPattern());

    LoggerContext unknown = new LoggerContext();
    StderrLogging.install(unknown, "loud");
    assertEquals(Level.INFO, unknown.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
  }

  @Test
  void stepsAsideForALogbackFileOnTheClassPath() {
    // The test class path has logback-test.xml: logback must go on to read it.
    assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new StderrLogging().configure(new LoggerContext()));
  }
}
