package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /docs}: a small HTML page listing the runtime's HTTP routes. Ocean serves its API documentation there,
 * and launchers use it as the health check (the ECS load balancer's target group, Cloud Run's start-up probe), so it
 * answers 200 at the root, never under {@code ocean.path-prefix}, as Ocean's does.
 */
final class DocsRoutes {

  private record Entry(String method, String path, String what) {}

  private final String page;

  /** @param pathPrefix the normalised prefix ({@code x/y}, no slashes around), if any */
  DocsRoutes(Optional<String> pathPrefix) {
    String p = pathPrefix.map(x -> "/" + x).orElse("");
    List<Entry> entries = List.of(
        new Entry("POST", "/resync", "start a resync (WEBHOOK listener; ?wait=true answers when it finished)"),
        new Entry("GET", p + "/health/live", "200 once the process serves HTTP"),
        new Entry("GET", p + "/health/ready", "200 when Port answers and the mapping is there, else 503 with the problems"),
        new Entry("GET", p + "/metrics", "Prometheus text"),
        new Entry("GET", p + "/status", "the integration, the listener, the running and the last resync"),
        new Entry("POST", p + "/integration/<path>", "live events (3rd-party webhooks) of the integration"),
        new Entry("GET", p + "/live-events/dead-letters", "live events that failed for good"),
        new Entry("POST", p + "/live-events/dead-letters/<id>/replay", "process a dead-lettered event again"),
        new Entry("GET", "/docs", "this page"));
    StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>oceanj</title>"
        + "</head><body>\n<h1>oceanj HTTP routes</h1>\n<table>\n<tr><th>method</th><th>path</th><th>what</th></tr>\n");
    for (Entry e : entries) {
      html.append("<tr><td>").append(e.method()).append("</td><td><code>").append(escape(e.path()))
          .append("</code></td><td>").append(escape(e.what())).append("</td></tr>\n");
    }
    page = html.append("</table>\n</body></html>\n").toString();
  }

  Route routes() {
    return path("docs", () -> get(() -> complete(
        HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page)))));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
