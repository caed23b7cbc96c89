package dev.oceanj.runtime.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * What the live-event bench's catalog poller needs from Port, over one blocking keep-alive connection (TLS for
 * {@code https}): an access token and the entity search. The bench JVM shares the CPU with the runtime it measures,
 * and a full Port client (the JDK HTTP client with its selector thread and futures) costs it many times more per
 * request and keeps its JIT compiler busy.
 */
final class PortCatalogReader implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TIMEOUT_MILLIS = 30_000;

  private final URI base;
  private final String basePath;
  private final String hostHeader;
  private final String clientId;
  private final String clientSecret;
  private Socket socket;
  private OutputStream out;
  private FixedRateSender.ResponseReader in;
  private String authorization;

  /** @param base Port's API root without {@code /v1}, e.g. {@code https://api.getport.io} */
  PortCatalogReader(URI base, String clientId, String clientSecret) {
    String scheme = String.valueOf(base.getScheme()).toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
      throw new IllegalArgumentException("the Port URL must be http(s)://host[:port], not " + base);
    }
    this.base = base;
    this.basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    this.hostHeader = base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort());
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  /**
   * The {@code properties.age} of the entities of {@code blueprint} with these identifiers, by identifier; absent
   * entities are left out.
   */
  Map<String, Long> ages(String blueprint, Collection<String> identifiers) throws IOException {
    ObjectNode query = JSON.createObjectNode().put("combinator", "and");
    query.putArray("rules")
        .add(JSON.createObjectNode().put("property", "$blueprint").put("operator", "=").put("value", blueprint))
        .add(JSON.createObjectNode().put("property", "$identifier").put("operator", "in")
            .set("value", JSON.valueToTree(identifiers)));
    JsonNode answer = authorized("/v1/entities/search?exclude_calculated_properties=true&include=identifier"
        + "&include=properties.age", JSON.writeValueAsBytes(query));
    Map<String, Long> ages = new HashMap<>();
    for (JsonNode e : answer.path("entities")) {
      JsonNode age = e.path("properties").path("age");
      if (age.isNumber()) {
        ages.put(e.path("identifier").asText(), age.asLong());
      }
    }
    return ages;
  }

  private JsonNode authorized(String path, byte[] body) throws IOException {
    if (authorization == null) {
      authorization = token();
    }
    Reply r = post(path, authorization, body);
    if (r.status() == 401) {
      authorization = token();
      r = post(path, authorization, body);
    }
    return r.json("POST " + path);
  }

  private String token() throws IOException {
    byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("clientId", clientId)
        .put("clientSecret", clientSecret));
    JsonNode t = post("/v1/auth/access_token", null, body).json("POST /v1/auth/access_token");
    String token = t.path("accessToken").asText("");
    if (token.isEmpty()) {
      throw new IOException("Port's POST /v1/auth/access_token answer has no accessToken");
    }
    return t.path("tokenType").asText("Bearer") + " " + token;
  }

  private record Reply(int status, byte[] body) {
    JsonNode json(String request) throws IOException {
      if (status / 100 != 2) {
        String text = new String(body, StandardCharsets.UTF_8);
        throw new IOException(request + " answered " + status + ": "
            + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
      }
      return JSON.readTree(body);
    }
  }

  /** POSTs JSON; an I/O error on a kept-alive connection is retried once on a new one (searches are reads). */
  private Reply post(String path, String auth, byte[] body) throws IOException {
    try {
      return exchange(path, auth, body);
    } catch (IOException first) {
      close();
      return exchange(path, auth, body);
    }
  }

  private Reply exchange(String path, String auth, byte[] body) throws IOException {
    if (socket == null) {
      connect();
    }
    StringBuilder head = new StringBuilder(256).append("POST ").append(basePath).append(path)
        .append(" HTTP/1.1\r\nHost: ").append(hostHeader)
        .append("\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ")
        .append(body.length).append("\r\n");
    if (auth != null) {
      head.append("Authorization: ").append(auth).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] request = new byte[h.length + body.length];
    System.arraycopy(h, 0, request, 0, h.length);
    System.arraycopy(body, 0, request, h.length, body.length);
    out.write(request);
    out.flush();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    int status = in.readResponse(answer);
    if (in.closeAfter) {
      close();
    }
    return new Reply(status, answer.toByteArray());
  }

  private void connect() throws IOException {
    boolean tls = base.getScheme().equalsIgnoreCase("https");
    int port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(TIMEOUT_MILLIS);
      s.connect(new InetSocketAddress(base.getHost(), port), TIMEOUT_MILLIS);
      if (tls) {
        SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
            .createSocket(s, base.getHost(), port, true);
        // Check the server's name like the JDK's HTTP client does.
        javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        s = ssl;
      }
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    out = s.getOutputStream();
    in = new FixedRateSender.ResponseReader(s.getInputStream());
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Giving the connection up: nothing to do about a failure to close it.
      }
      socket = null;
    }
  }
}
