package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrationsTest {

  /** Registered only through the service files these tests write, so no other module ever sees it. */
  public static final class Alpha implements Integration {
    @Override
    public String type() {
      return "alpha";
    }

    @Override
    public void define(IntegrationDefinition ocean) { }
  }

  /** A second integration type. */
  public static final class Beta implements Integration {
    @Override
    public String type() {
      return "beta";
    }

    @Override
    public void define(IntegrationDefinition ocean) { }
  }

  /** Claims the type {@link Alpha} already has. */
  public static final class AlphaImpostor implements Integration {
    @Override
    public String type() {
      return "alpha";
    }

    @Override
    public void define(IntegrationDefinition ocean) { }
  }

  @TempDir
  Path dir;

  private ClassLoader loaderListing(String... classNames) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve(Integration.class.getName()), List.of(classNames));
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void loadsTheIntegrationOfTheConfiguredType() throws Exception {
    ClassLoader loader = loaderListing(Alpha.class.getName(), Beta.class.getName());

    assertInstanceOf(Beta.class, Integrations.load("beta", loader));
    assertEquals(List.of("alpha", "beta"), List.copyOf(Integrations.discover(loader).keySet()));
    assertNotSame(Integrations.load("alpha", loader), Integrations.load("alpha", loader), "fresh instances");
  }

  @Test
  void unknownTypeListsTheAvailableOnes() throws Exception {
    ClassLoader loader = loaderListing(Alpha.class.getName(), Beta.class.getName());

    var e = assertThrows(IllegalArgumentException.class, () -> Integrations.load("gamma", loader));
    assertTrue(e.getMessage().contains("ocean.integration.type = 'gamma'"), e.getMessage());
    assertTrue(e.getMessage().contains("[alpha, beta]"), e.getMessage());
  }

  @Test
  void missingTypeSaysSoAndListsTheAvailableOnes() throws Exception {
    ClassLoader loader = loaderListing(Alpha.class.getName());

    var e = assertThrows(IllegalArgumentException.class, () -> Integrations.load(" ", loader));
    assertTrue(e.getMessage().contains("not set") && e.getMessage().contains("[alpha]"), e.getMessage());
  }

  @Test
  void twoIntegrationsClaimingOneTypeAreRefused() throws Exception {
    ClassLoader loader = loaderListing(Alpha.class.getName(), AlphaImpostor.class.getName());

    var e = assertThrows(IllegalStateException.class, () -> Integrations.load("alpha", loader));
    assertTrue(e.getMessage().contains(Alpha.class.getName()) && e.getMessage().contains("AlphaImpostor"),
        e.getMessage());
  }

  @Test
  void brokenServiceEntryIsNamed() throws Exception {
    ClassLoader loader = loaderListing("com.example.DoesNotExist");

    var e = assertThrows(IllegalStateException.class, () -> Integrations.load("alpha", loader));
    assertTrue(e.getMessage().contains("com.example.DoesNotExist"), e.getMessage());
    assertTrue(e.getMessage().contains("META-INF/services/dev.oceanj.spi.Integration"), e.getMessage());
  }
}
