package dev.oceanj.emulator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * One emulator for a whole test class, clean for every test. Register it on a static field and read the emulator and
 * a logged-in client from instance fields:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmulatorExtension emulator = new EmulatorExtension().withCatalog();
 * final PortEmulator port = emulator.port();
 * final Api api = emulator.api();
 * }</pre>
 *
 * <p>The emulator starts before the class's first test and closes after its last. It is reset before each test
 * instance is built (not in {@code beforeEach}, which runs after the instance's field initialisers), so those
 * initialisers, constructors and {@code @BeforeEach} methods all see an emptied store, zeroed counters and no faults.
 *
 * <p>{@link #sharedState} is for classes that load one data set in {@code @BeforeAll} and only read it: nothing is
 * reset between their tests and {@link #api()} is one client for the class.
 */
final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, TestInstancePreConstructCallback {

  private final EmulatorSettings settings;
  private final boolean catalog;
  private final boolean resetEachTest;
  private PortEmulator port;
  private Api api;

  /** An emulator with the default settings. */
  EmulatorExtension() {
    this(EmulatorSettings.defaults());
  }

  /** An emulator started with {@code settings} (a test clock, rate limits, other credentials...). */
  EmulatorExtension(EmulatorSettings settings) {
    this(settings, false, true);
  }

  private EmulatorExtension(EmulatorSettings settings, boolean catalog, boolean resetEachTest) {
    this.settings = settings;
    this.catalog = catalog;
    this.resetEachTest = resetEachTest;
  }

  /** An emulator kept as the class's {@code @BeforeAll} leaves it: no reset between tests, one client. */
  static EmulatorExtension sharedState(EmulatorSettings settings) {
    return new EmulatorExtension(settings, false, false);
  }

  /** The same, and {@link #api()} first creates {@link Fixtures#catalog the team, service and deployment blueprints}. */
  EmulatorExtension withCatalog() {
    return new EmulatorExtension(settings, true, resetEachTest);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    port = PortEmulator.start(settings);
  }

  @Override
  public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
    if (resetEachTest) {
      port().reset();
      api = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    PortEmulator running = port;
    port = null;
    api = null;
    if (running != null) {
      running.close();
    }
  }

  /** The running emulator; only between the class's start and end, as {@code @BeforeAll} and tests see it. */
  PortEmulator port() {
    if (port == null) {
      throw new IllegalStateException("the emulator runs only while its test class does: register the extension on a"
          + " static field and call port() from a test, an instance field or @BeforeAll");
    }
    return port;
  }

  /**
   * This test's client, logged in with the emulator's credentials (and with the catalog when asked): made on the first
   * call after a reset, so every call within one test returns the same client.
   */
  Api api() {
    if (api == null) {
      PortEmulator running = port();
      Api fresh = new Api(running).login(running.settings().clientId(), running.settings().clientSecret());
      if (catalog) {
        Fixtures.catalog(fresh);
      }
      api = fresh;
    }
    return api;
  }
}
