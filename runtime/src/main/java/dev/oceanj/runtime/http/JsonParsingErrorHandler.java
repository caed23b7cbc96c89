package dev.oceanj.runtime.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The server's answer to a request so malformed that no route sees it (a URI over {@code max-uri-length} 414,
 * a header too long or too many 431, a broken request line or header 400, an announced body over the limit 413):
 * the JSON error shape, with the parser's one-line summary (which never quotes the request). Pekko creates it by
 * class name ({@code pekko.http.server.parsing.error-handler}; {@link OceanServer} sets it per binding).
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("refused a malformed request with {}: {}", status.intValue(), info.formatPretty());
    if (status.intValue() == 413) {
      return OceanRoutes.tooLarge();
    }
    String summary = info.summary() == null || info.summary().isEmpty() ? status.reason() : info.summary();
    // Too many headers is the same condition as a header too long (431), though the parser calls it a 400; its
    // ErrorInfo has no kind, only this text ("... more than the configured limit of 64 headers").
    if (summary.contains("configured limit of") && summary.endsWith(" headers")) {
      return HttpJson.error(StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE, summary);
    }
    return HttpJson.error(status, summary);
  }
}
