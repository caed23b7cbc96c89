package dev.oceanj.integrations.fake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The fake 3rd-party API, served in-process on a free loopback port. Routes follow
 * Ocean's fake integration; every listing is paged with {@code limit} and {@code offset}, answers
 * {@code {"results":[...],"total":N,"offset":O}}, and is streamed as it is generated, so no response is ever
 * held in memory whole.
 *
 * <pre>
 * GET /integration/departments?latency=
 * GET /integration/department/{id}/employees?limit=&amp;offset=&amp;entity_kb_size=&amp;latency=
 * GET /integration/offices|teams|projects?limit=&amp;offset=&amp;latency=
 * </pre>
 */
final class FakeOrgApi {

  private static final JsonFactory JSON = new JsonFactory();
  private static final String PREFIX = "/integration/";

  private final FakeOrg org;
  private final FakeSettings.FailKindAfter failure;
  private final String hangKind;
  private final LoopbackHttpServer server;

  FakeOrgApi(FakeOrg org, FakeSettings.FailKindAfter failure) {
    this(org, failure, null);
  }

  /** @param hangKind a kind whose requests are never answered (until the API stops), or null */
  FakeOrgApi(FakeOrg org, FakeSettings.FailKindAfter failure, String hangKind) {
    this.org = org;
    this.failure = failure;
    this.hangKind = hangKind;
    this.server = new LoopbackHttpServer("fake-org-api", this::handle);
  }

  void start() throws IOException {
    server.start();
  }

  void stop() throws InterruptedException {
    server.stop();
  }

  URI baseUri() {
    InetSocketAddress address = server.address();
    if (address == null) {
      throw new IllegalStateException("The fake 3rd-party API is not running: the integration was not started");
    }
    return URI.create("http://" + address.getHostString() + ":" + address.getPort() + PREFIX);
  }

  private void handle(LoopbackHttpServer.Exchange exchange) throws IOException, InterruptedException {
    if (!"GET".equals(exchange.method)) {
      error(exchange, 405, "only GET is served");
      return;
    }
    if (!exchange.path.startsWith(PREFIX)) {
      error(exchange, 404, "no route " + exchange.path);
      return;
    }
    String path = exchange.path.substring(PREFIX.length());
    try {
      Map<String, String> query = query(exchange.rawQuery);
      int latency = number(query, "latency", 0);
      if (latency > 0) {
        Thread.sleep(latency);
      }
      if (hangKind != null && hangKind.equals(kindOf(path))) {
        // A hung 3rd party: the request is read and never answered; stopping the API interrupts the wait.
        Thread.sleep(Long.MAX_VALUE);
      }
      if (path.equals("departments")) {
        if (failure != null && failure.kind().equals(FakeIntegration.DEPARTMENT)
            && failure.items() < org.departments().size()) {
          error(exchange, 500, "failKindAfter: " + FakeIntegration.DEPARTMENT + " fails");
          return;
        }
        int total = org.departments().size();
        page(exchange, FakeIntegration.DEPARTMENT, 0, total, 0, total, org::writeDepartment);
      } else if (path.startsWith("department/") && path.endsWith("/employees")) {
        String id = URLDecoder.decode(path.substring("department/".length(), path.length() - "/employees".length()),
            StandardCharsets.UTF_8);
        int department = org.departmentIndex(id);
        if (department < 0) {
          error(exchange, 404, "no department '" + id + "'");
          return;
        }
        int kbSize = number(query, "entity_kb_size", 1);
        if (kbSize < 1 || kbSize > 1024) {
          error(exchange, 400, "entity_kb_size must be between 1 and 1024");
          return;
        }
        char[] bio = new char[kbSize * 1024];
        int total = org.personsPerDepartment();
        page(exchange, FakeIntegration.PERSON, (long) department * total, total, number(query, "offset", 0),
            number(query, "limit", Integer.MAX_VALUE), (g, i) -> org.writePerson(g, department, i, kbSize, bio));
      } else if (path.equals("offices")) {
        page(exchange, FakeIntegration.OFFICE, 0, FakeOrg.OFFICES.size(), number(query, "offset", 0),
            number(query, "limit", Integer.MAX_VALUE), org::writeOffice);
      } else if (path.equals("teams")) {
        page(exchange, FakeIntegration.TEAM, 0, org.teams().size(), number(query, "offset", 0),
            number(query, "limit", Integer.MAX_VALUE), org::writeTeam);
      } else if (path.equals("projects")) {
        page(exchange, FakeIntegration.PROJECT, 0, FakeOrg.PROJECTS, number(query, "offset", 0),
            number(query, "limit", Integer.MAX_VALUE), org::writeProject);
      } else {
        error(exchange, 404, "no route " + exchange.path);
      }
    } catch (BadRequest e) {
      error(exchange, 400, e.getMessage());
    }
  }

  private static String kindOf(String path) {
    if (path.equals("departments")) {
      return FakeIntegration.DEPARTMENT;
    }
    if (path.startsWith("department/")) {
      return FakeIntegration.PERSON;
    }
    return switch (path) {
      case "offices" -> FakeIntegration.OFFICE;
      case "teams" -> FakeIntegration.TEAM;
      case "projects" -> FakeIntegration.PROJECT;
      default -> "";
    };
  }

  private interface ItemWriter {
    void write(JsonGenerator g, int index) throws IOException;
  }

  /**
   * Streams items {@code offset .. offset+limit} of a listing of {@code total}; {@code position} is where the
   * listing starts within the whole kind, which {@code failKindAfter} counts in.
   */
  private void page(LoopbackHttpServer.Exchange exchange, String kind, long position, int total, int offset,
      int limit, ItemWriter writer) throws IOException {
    if (offset < 0 || limit < 1) {
      error(exchange, 400, "offset must be >= 0 and limit >= 1");
      return;
    }
    int from = Math.min(offset, total);
    int to = (int) Math.min(total, (long) from + limit);
    if (failure != null && failure.kind().equals(kind)) {
      long failAt = failure.items();
      if (position + from >= failAt && from < total) {
        error(exchange, 500, "failKindAfter: " + kind + " fails after " + failAt + " items");
        return;
      }
      to = (int) Math.min(to, Math.max(from, failAt - position));
    }
    try (JsonGenerator g = JSON.createGenerator(exchange.stream(200))) {
      g.writeStartObject();
      g.writeArrayFieldStart("results");
      for (int i = from; i < to; i++) {
        writer.write(g, i);
      }
      g.writeEndArray();
      g.writeNumberField("total", total);
      g.writeNumberField("offset", from);
      g.writeEndObject();
    }
  }

  private static void error(LoopbackHttpServer.Exchange exchange, int status, String message) throws IOException {
    exchange.respond(status, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> result = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return result;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      result.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return result;
  }

  private static int number(Map<String, String> query, String name, int fallback) {
    String value = query.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new BadRequest("query parameter '" + name + "' must be an integer");
    }
  }

  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
