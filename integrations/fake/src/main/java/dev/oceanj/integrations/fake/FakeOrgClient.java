package dev.oceanj.integrations.fake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.http.JsonItems;
import dev.oceanj.spi.http.ThirdPartyHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The fake integration's client of the fake 3rd-party API: one request per page of thirdPartyBatchSize items. */
final class FakeOrgClient {

  private static final List<String> RESULTS = List.of("results");
  private static final String USER_AGENT = "oceanj fake integration";

  private final ThirdPartyHttp http;
  private final Supplier<URI> base;
  private final FakeSettings settings;
  private final List<FakeOrg.Department> departments;

  FakeOrgClient(ThirdPartyHttp http, Supplier<URI> base, FakeSettings settings) {
    this.http = http;
    this.base = base;
    this.settings = settings;
    this.departments = new FakeOrg(settings).departments();
  }

  CompletionStage<List<JsonNode>> departments() {
    return get("departments?latency=" + settings.thirdPartyLatencyMS()).thenApply(FakeOrgClient::results);
  }

  /** Persons of every department in turn; the cursor is {@code departmentId:offset}. */
  CompletionStage<Page<JsonNode>> persons(Optional<String> cursor) {
    int current = 0;
    int from = 0;
    if (cursor.isPresent()) {
      int colon = cursor.get().lastIndexOf(':');
      current = colon < 0 ? -1 : indexOf(cursor.get().substring(0, colon));
      from = current < 0 ? -1 : offset(cursor.get().substring(colon + 1));
      if (from < 0) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("Not a fake-person cursor: '"
            + cursor.get() + "'"));
      }
    }
    return persons(current, from);
  }

  private CompletionStage<Page<JsonNode>> persons(int current, int from) {
    String id = departments.get(current).id();
    return get("department/" + id + "/employees?limit=" + settings.thirdPartyBatchSize() + "&offset=" + from
        + "&entity_kb_size=" + settings.entityKbSize() + "&latency=" + settings.thirdPartyLatencyMS())
        .thenApply(body -> {
          List<JsonNode> items = results(body);
          int next = from + items.size();
          if (!items.isEmpty() && next < body.body().path("total").asInt()) {
            return Page.of(items, id + ":" + next);
          }
          return current + 1 < departments.size()
              ? Page.of(items, departments.get(current + 1).id() + ":0")
              : Page.last(items);
        });
  }

  /** A plain offset-paged listing ({@code offices}, {@code teams}, {@code projects}); the cursor is the offset. */
  CompletionStage<Page<JsonNode>> page(String listing, Optional<String> cursor) {
    int from = cursor.map(FakeOrgClient::offset).orElse(0);
    if (from < 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("Not a " + listing + " cursor: '"
          + cursor.get() + "'"));
    }
    return get(listing + "?limit=" + settings.thirdPartyBatchSize() + "&offset=" + from + "&latency="
        + settings.thirdPartyLatencyMS())
        .thenApply(body -> {
          List<JsonNode> items = results(body);
          int next = from + items.size();
          return !items.isEmpty() && next < body.body().path("total").asInt()
              ? Page.of(items, String.valueOf(next))
              : Page.last(items);
        });
  }

  private static int offset(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private int indexOf(String departmentId) {
    for (int i = 0; i < departments.size(); i++) {
      if (departments.get(i).id().equals(departmentId)) {
        return i;
      }
    }
    return -1;
  }

  /** A page of the fake API: its {@code results}, streamed item by item, and the rest of the body. */
  private record Listing(List<JsonNode> results, JsonNode body) {}

  private CompletionStage<Listing> get(String pathAndQuery) {
    URI uri = base.get().resolve(pathAndQuery);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .timeout(Duration.ofMillis(30_000L + settings.thirdPartyLatencyMS()))
        .GET()
        .build();
    return http.send(request, response -> {
      if (response.statusCode() != 200) {
        String body = new String(response.body().readNBytes(301), StandardCharsets.UTF_8);
        throw new IllegalStateException("GET " + uri + " answered HTTP " + response.statusCode() + ": "
            + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
      }
      List<JsonNode> items = new ArrayList<>();
      try {
        return new Listing(items, JsonItems.read(response.body(), RESULTS, items::add).envelope());
      } catch (IOException e) {
        throw new UncheckedIOException("GET " + uri + " answered with invalid JSON", e);
      }
    });
  }

  private static List<JsonNode> results(Listing listing) {
    return listing.results();
  }
}
