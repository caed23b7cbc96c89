package dev.oceanj.emulator.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP forward proxy on loopback, as a company network puts in front of oceanj: {@code CONNECT host:port}
 * tunnels (HTTPS) and absolute-form requests ({@code GET http://host:port/path}, plain HTTP), with optional Basic
 * proxy authentication (407 without it). It records what it carried, so a test can prove which requests went
 * through it. Forwards only to loopback addresses.
 *
 * <p>An absolute-form connection is piped to its origin after the first request, so the requests that follow on
 * the same kept-alive connection reach the origin as they are (origins accept the absolute form).
 */
public final class ForwardProxy implements AutoCloseable {

  private final ServerSocket server;
  private final Optional<String> expectedAuthorization;
  private final List<String> carried = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private ForwardProxy(ServerSocket server, Optional<String> expectedAuthorization) {
    this.server = server;
    this.expectedAuthorization = expectedAuthorization;
    this.acceptor = new Thread(this::accept, "forward-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy on a free loopback port, without authentication. */
  public static ForwardProxy start() {
    return start(null, null);
  }

  /** A proxy on a free loopback port that wants Basic credentials {@code user}/{@code password} (null: none). */
  public static ForwardProxy start(String user, String password) {
    return start(0, user, password);
  }

  /** As {@link #start(String, String)}, on loopback port {@code port} (0 = a free one). */
  public static ForwardProxy start(int port, String user, String password) {
    try {
      ServerSocket ss = new ServerSocket();
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return new ForwardProxy(ss, user == null ? Optional.empty() : Optional.of("Basic "
          + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the forward proxy: " + e.getMessage(), e);
    }
  }

  /** The proxy's port. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:port}, the value for {@code HTTPS_PROXY} / {@code HTTP_PROXY}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** What was carried, one line per connection: {@code CONNECT host:port} or {@code GET http://host:port/path}. */
  public List<String> carried() {
    return List.copyOf(carried);
  }

  /** Requests answered 407 (no or wrong credentials). */
  public int refused() {
    return refused.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t = new Thread(() -> serve(client), "forward-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    try {
      client.setSoTimeout(60_000);
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = text.substring(0, text.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      if (parts.length != 3) {
        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(
            StandardCharsets.ISO_8859_1));
        return;
      }
      if (expectedAuthorization.isPresent()
          && !expectedAuthorization.get().equals(header(text, "proxy-authorization"))) {
        refused.incrementAndGet();
        out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"oceanj-test\"\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return;
      }
      String host;
      int port;
      byte[] forward;
      if (parts[0].equals("CONNECT")) {
        int colon = parts[1].lastIndexOf(':');
        host = parts[1].substring(0, colon).replace("[", "").replace("]", "");
        port = Integer.parseInt(parts[1].substring(colon + 1));
        forward = null;
      } else {
        URI target = URI.create(parts[1]);
        if (target.getHost() == null) {
          out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(
              StandardCharsets.ISO_8859_1));
          return;
        }
        host = target.getHost();
        port = target.getPort() < 0 ? 80 : target.getPort();
        String origin = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
            + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        forward = (parts[0] + " " + origin + " " + parts[2] + text.substring(text.indexOf("\r\n")))
            .getBytes(StandardCharsets.ISO_8859_1);
      }
      InetAddress address = InetAddress.getByName(host);
      if (!address.isLoopbackAddress()) {
        out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(
            StandardCharsets.ISO_8859_1));
        return;
      }
      carried.add(parts[0].equals("CONNECT") ? "CONNECT " + parts[1] : parts[0] + " " + parts[1]);
      upstream = new Socket(address, port);
      sockets.add(upstream);
      if (forward == null) {
        out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } else {
        upstream.getOutputStream().write(forward);
        upstream.getOutputStream().flush();
      }
      Socket up = upstream;
      Thread back = new Thread(() -> pipe(up, client), "forward-proxy-back");
      back.setDaemon(true);
      back.start();
      pipe(client, upstream);
      back.join(60_000);
    } catch (IOException | RuntimeException e) {
      // The client or the origin went away: close both.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close(client);
      if (upstream != null) {
        close(upstream);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      close(to);
      close(from);
    }
  }

  /** The request head up to and including the empty line (null at once-closed connections). */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      last4 = (last4 << 8) | b;
      if (last4 == 0x0d0a0d0a) {
        return head.toByteArray();
      }
      if (head.size() > 64 * 1024) {
        throw new IOException("request head too long");
      }
    }
    return null;
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private void close(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing is all that is left
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    sockets.forEach(this::close);
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
