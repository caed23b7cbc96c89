package dev.oceanj.fakeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeApiSupportTest {

  record Entry(long seq, String what) {}

  /** A builder the options set. */
  static final class Builder {
    final List<String> set = new ArrayList<>();
  }

  static final CommandLine<Builder> LINE = new CommandLine<>("fake", List.of("A fake."), List.of(
      new CommandLine.Option<>("--size", "3", "a number", (b, v) -> b.set.add("size=" + Integer.parseInt(v))),
      new CommandLine.Option<>("--name", null, "a name", (b, v) -> b.set.add("name=" + v))));

  @Test
  void theRingKeepsTheLatestEntriesNumberedFromOneAndCountsWhatItDrops() {
    RequestRing<Entry> ring = new RequestRing<>(2, Entry::seq);
    for (String w : List.of("a", "b", "c")) {
      ring.add(seq -> new Entry(seq, w));
    }
    assertEquals(List.of(new Entry(2, "b"), new Entry(3, "c")), ring.since(0));
    assertEquals(List.of(new Entry(3, "c")), ring.since(2));
    assertEquals(3, ring.last());
    assertEquals(1, ring.dropped());
    ring.clear();
    assertEquals(List.of(), ring.since(0));
    assertEquals(3, ring.dropped());
    RequestRing<Entry> none = new RequestRing<>(0, Entry::seq);
    none.add(seq -> new Entry(seq, "x"));
    assertEquals(List.of(), none.since(0));
    assertEquals(1, none.dropped());
    assertEquals(1, none.last());
  }

  @Test
  void optionsTakeSpaceOrEqualsAndABadOneIsNamed() {
    assertEquals(List.of("size=7", "name=x"), LINE.parse(new String[] {"--size", "7", "--name=x"}, new Builder()).set);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LINE.parse(new String[] {"--sise", "1"},
        new Builder())).getMessage().contains("unknown option '--sise'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LINE.parse(new String[] {"--size", "many"},
        new Builder())).getMessage().contains("option --size needs a number, was 'many'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LINE.parse(new String[] {"--name"},
        new Builder())).getMessage().contains("option --name needs a value"));
    String help = LINE.help();
    assertTrue(help.contains("Usage: java -jar fake.jar") && help.contains("--size") && help.contains("(default: 3)")
        && !help.contains("(default: null)"), help);
  }

  @Test
  void theServerAnswersOnItsPortUntilClosed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI base;
    try (LoopbackServer server = new LoopbackServer("127.0.0.1", 0, "test-fake")) {
      server.start(ex -> {
        byte[] body = ("thread " + Thread.currentThread().getName()).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
      });
      base = server.baseUri();
      assertEquals(URI.create("http://127.0.0.1:" + server.port()), base);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/any")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().startsWith("thread test-fake-"), r.body());
    }
    assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(base.resolve("/any")).build(),
        HttpResponse.BodyHandlers.ofString()));
  }
}
