package dev.oceanj.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HttpClientsLazyTest {

  @Test
  void buildsTheClientOnFirstUseOnly() {
    AtomicInteger built = new AtomicInteger();
    HttpClient lazy = HttpClients.lazy(() -> {
      built.incrementAndGet();
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(7)).build();
    });
    assertEquals(0, built.get(), "built before any use");
    assertEquals(Optional.of(Duration.ofSeconds(7)), lazy.connectTimeout());
    assertEquals(HttpClient.Redirect.NEVER, lazy.followRedirects());
    assertEquals(1, built.get(), "built once");
  }
}
