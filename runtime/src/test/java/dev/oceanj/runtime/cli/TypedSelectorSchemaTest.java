package dev.oceanj.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.ResyncSource;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The schema's selector fields come from the selector records an integration declares (SPI 0.2). */
class TypedSelectorSchemaTest {

  /** A selector record of the test integration's one kind. */
  public record TicketSelector(String query, Boolean includeClosed, List<String> labels) {}

  /** An integration whose kind declares a typed selector; found through this test's own services file. */
  public static final class TypedIntegration implements Integration {
    @Override
    public String type() {
      return "typed-test";
    }

    @Override
    public void define(IntegrationDefinition ocean) {
      ocean.kind("ticket").resync(TicketSelector.class,
          resource -> ResyncSource.single(() -> CompletableFuture.completedFuture(List.of())));
    }
  }

  private static ClassLoader withTestIntegration() {
    URL services = TypedSelectorSchemaTest.class.getResource("/typed-selector/");
    return new URLClassLoader(new URL[] {services}, TypedSelectorSchemaTest.class.getClassLoader());
  }

  @Test
  void aDeclaredSelectorRecordIsTheKindsSelectorType() {
    List<String> problems = new ArrayList<>();
    var types = PortAppConfigCommand.selectorTypes("typed-test", withTestIntegration(), problems::add);
    assertEquals(Optional.of(TicketSelector.class), types.apply("ticket"));
    assertEquals(List.of(), problems);
  }

  @Test
  void anIntegrationThatNeedsItsSettingsGetsBaseSelectorsAndSaysWhy() {
    List<String> problems = new ArrayList<>();
    var types = PortAppConfigCommand.selectorTypes("kafka", withTestIntegration(), problems::add);
    assertEquals(Optional.empty(), types.apply("topic"));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("the selector fields of 'kafka' are left out"), problems.get(0));
  }
}
