package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.KindDefinition;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.http.HttpOptions;
import dev.oceanj.spi.http.ThirdPartyHttp;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class DefinedIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  record Item(String id, Optional<String> note, Instant at) {}

  private static Integration integration(String type, Consumer<IntegrationDefinition> body) {
    return new Integration() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public void define(IntegrationDefinition ocean) {
        body.accept(ocean);
      }
    };
  }

  @Test
  void recordsKindsSourcesAndHooksInDeclarationOrder() {
    ResyncSource<String> one = ResyncSource.single(() -> CompletableFuture.completedFuture(List.of("a")));
    ResyncSource<String> two = ResyncSource.single(() -> CompletableFuture.completedFuture(List.of("b")));
    var defined = DefinedIntegration.define(integration("t", ocean -> {
      ocean.kind("zeta").resync(one);
      ocean.kind("alpha");
      ocean.kind("beta").resync(one).resync(two);
    }), null, HTTP);

    assertEquals(List.of("zeta", "alpha", "beta"), new ArrayList<>(defined.kinds()));
    assertEquals(List.of("zeta", "beta"), new ArrayList<>(defined.resyncSources().keySet()));
    assertSame(one, defined.resyncSource("zeta").orElseThrow());
    assertSame(two, defined.resyncSource("beta").orElseThrow(), "a second source replaces the first");
    assertTrue(defined.resyncSource("alpha").isEmpty());
    assertEquals("t", defined.type());
    assertSame(HTTP, defined.httpClient());
  }

  @Test
  void theHostsTlsOffersReachTheIntegration() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    X509Certificate ca = ((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers()[0];
    AtomicInteger made = new AtomicInteger();
    AtomicReference<List<X509Certificate>> seen = new AtomicReference<>();
    AtomicReference<ThirdPartyHttp> helper = new AtomicReference<>();
    DefinedIntegration.define(integration("t", ocean -> {
      seen.set(ocean.trustedAuthorities());
      ocean.http(HttpOptions.defaults());
      assertEquals(0, made.get(), "made only when asked for");
      helper.set(ocean.http(HttpOptions.defaults().withoutTlsVerification()));
      ocean.http(HttpOptions.defaults().withoutTlsVerification().withMaxConcurrency(2));
    }), null, HTTP, null, Optional.empty(), new HostTls(List.of(ca), () -> {
      made.incrementAndGet();
      return HTTP;
    }));
    assertEquals(List.of(ca), seen.get());
    assertInstanceOf(RetryingHttp.class, helper.get());
    assertEquals(1, made.get(), "one client for every helper without verification");

    var e = assertThrows(IllegalStateException.class, () -> DefinedIntegration.define(integration("t", ocean -> {
      assertEquals(List.of(), ocean.trustedAuthorities());
      ocean.http(HttpOptions.defaults().withoutTlsVerification());
    }), null, HTTP));
    assertTrue(e.getMessage().contains("no HTTP client without TLS verification"), e.getMessage());
  }

  @Test
  void startRunsHooksInOrderAndStopInReverseEvenWhenOneFails() {
    List<String> calls = new ArrayList<>();
    var defined = DefinedIntegration.define(integration("t", ocean -> {
      ocean.onStart(() -> calls.add("start1"));
      ocean.onStart(() -> calls.add("start2"));
      ocean.onStop(() -> calls.add("stop1"));
      ocean.onStop(() -> {
        calls.add("stop2");
        throw new IllegalStateException("boom");
      });
      ocean.onStop(() -> calls.add("stop3"));
    }), null, HTTP);

    defined.start();
    List<Exception> failures = defined.stop();

    assertEquals(List.of("start1", "start2", "stop3", "stop2", "stop1"), calls);
    assertEquals(1, failures.size());
    assertEquals("boom", failures.get(0).getMessage());
    assertTrue(defined.stop().isEmpty(), "a second stop runs nothing");
    assertEquals(5, calls.size());
    assertThrows(IllegalStateException.class, defined::start, "a stopped integration cannot start");
  }

  @Test
  void failingStartHookNamesIntegrationAndPosition() {
    var defined = DefinedIntegration.define(integration("acme", ocean -> {
      ocean.onStart(() -> { });
      ocean.onStart(() -> {
        throw new java.io.IOException("credentials rejected");
      });
    }), null, HTTP);

    var e = assertThrows(IllegalStateException.class, defined::start);
    assertTrue(e.getMessage().contains("'acme'") && e.getMessage().contains("start hook 2 of 2"), e.getMessage());
    assertInstanceOf(java.io.IOException.class, e.getCause());
  }

  @Test
  void rejectsDeclarationsAfterDefineReturned() {
    AtomicReference<IntegrationDefinition> leaked = new AtomicReference<>();
    AtomicReference<KindDefinition> leakedKind = new AtomicReference<>();
    DefinedIntegration.define(integration("t", ocean -> {
      leaked.set(ocean);
      leakedKind.set(ocean.kind("k"));
    }), null, HTTP);

    var e = assertThrows(IllegalStateException.class, () -> leaked.get().kind("late"));
    assertTrue(e.getMessage().contains("after define() returned"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> leaked.get().onStart(() -> { }));
    assertThrows(IllegalStateException.class,
        () -> leakedKind.get().resync(ResyncSource.single(() -> CompletableFuture.completedFuture(List.of()))));
  }

  @Test
  void defineFailureNamesTheIntegration() {
    var e = assertThrows(IllegalStateException.class, () -> DefinedIntegration.define(
        integration("acme", ocean -> ocean.kind(" ")), null, HTTP));
    assertTrue(e.getMessage().contains("'acme'") && e.getMessage().contains("non-blank"), e.getMessage());
  }

  @Test
  void settingsAreCopiedAndNeverPrinted() {
    ObjectNode settings = JsonNodeFactory.instance.objectNode().put("token", "s3cr3t-value");
    AtomicReference<ObjectNode> seen = new AtomicReference<>();
    var defined = DefinedIntegration.define(integration("t", ocean -> seen.set(ocean.rawSettings())), settings,
        HTTP);
    settings.put("token", "changed");

    assertEquals("s3cr3t-value", seen.get().get("token").asText());
    assertEquals("s3cr3t-value", defined.settings().get("token").asText());
    assertFalse(defined.toString().contains("s3cr3t"), defined.toString());
  }

  @Test
  void toJsonPassesJsonThroughAndSerialisesRecords() {
    var defined = DefinedIntegration.define(integration("t", ocean -> { }), null, HTTP);
    JsonNode node = JsonNodeFactory.instance.objectNode().put("id", "x");
    assertSame(node, defined.toJson(node));

    JsonNode item = defined.toJson(new Item("a", Optional.of("n"), Instant.parse("2024-01-02T03:04:05Z")));
    assertEquals("a", item.get("id").asText());
    assertEquals("n", item.get("note").asText());
    assertEquals("2024-01-02T03:04:05Z", item.get("at").asText());
    assertTrue(defined.toJson(new Item("b", Optional.empty(), null)).get("note").isNull());
    assertThrows(IllegalArgumentException.class, () -> defined.toJson(null));
  }
}
