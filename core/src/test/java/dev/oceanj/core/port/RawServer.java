package dev.oceanj.core.port;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that speaks HTTP/1.1 by hand, one thread per connection, so a test can answer with exactly the
 * bytes it wants (malformed, chunked, stalled, closed) and see exactly the bytes the client sent.
 */
final class RawServer implements AutoCloseable {

  /** Serves one accepted connection until it returns. */
  interface Handler {
    void serve(Conn c) throws Exception;
  }

  /**
   * One request as received.
   *
   * @param connection which accepted connection carried it (1 for the first)
   * @param raw        every byte of it, head and body
   * @param reads      how many socket reads it took to receive it whole
   */
  record Request(int connection, String method, String target, Map<String, String> headers, byte[] body, byte[] raw,
      int reads) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** One accepted connection. */
  final class Conn {
    final int number;
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] pending = new byte[0];

    Conn(int number, Socket socket) throws IOException {
      this.number = number;
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /** The next request (recorded), or null when the client closed the connection. */
    Request read() throws IOException {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      got.write(pending);
      int reads = 0;
      byte[] buf = new byte[64 * 1024];
      int headEnd;
      while ((headEnd = indexOf(got.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) < 0) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketException e) {
          return null;
        }
        if (n < 0) {
          return null;
        }
        reads++;
        got.write(buf, 0, n);
      }
      String head = new String(got.toByteArray(), 0, headEnd, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, String> headers = new TreeMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      int length = headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
      while (got.size() < headEnd + 4 + length) {
        int n = in.read(buf);
        if (n < 0) {
          return null;
        }
        reads++;
        got.write(buf, 0, n);
      }
      byte[] all = got.toByteArray();
      int end = headEnd + 4 + length;
      pending = Arrays.copyOfRange(all, end, all.length);
      Request r = new Request(number, requestLine[0], requestLine[1], headers,
          Arrays.copyOfRange(all, headEnd + 4, end), Arrays.copyOf(all, end), reads);
      requests.add(r);
      return r;
    }

    void write(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Answers 200 with a JSON body and its length (keep-alive). */
    void ok(String json) throws IOException {
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + json);
    }

    void close() throws IOException {
      socket.close();
    }
  }

  /**
   * A listener on {@code address} that never accepts, its accept queue filled, so the kernel drops further SYNs: a
   * host that does not answer. It and the sockets that filled it are added to {@code closeLater}.
   */
  static ServerSocket silentListener(InetAddress address, List<AutoCloseable> closeLater) throws IOException {
    ServerSocket ss = new ServerSocket(0, 1, address);
    closeLater.add(ss);
    InetSocketAddress at = new InetSocketAddress(address, ss.getLocalPort());
    for (int i = 0; i < 64; i++) {
      Socket filler = new Socket();
      closeLater.add(filler);
      try {
        filler.connect(at, 200);
      } catch (SocketTimeoutException e) {
        return ss;
      }
    }
    throw new IllegalStateException("the listener's queue on " + at + " never filled up");
  }

  private final ServerSocket server;
  private final Handler handler;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger accepted = new AtomicInteger();
  /** Connections whose handler returned or whose client went away. */
  final AtomicInteger finished = new AtomicInteger();

  RawServer(Handler handler) throws IOException {
    this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
  }

  /** Serves on {@code server} (e.g. a TLS server socket). */
  RawServer(ServerSocket server, Handler handler) {
    this.server = server;
    this.handler = handler;
    this.acceptor = new Thread(this::acceptLoop, "raw-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      int number = accepted.incrementAndGet();
      Thread t = new Thread(() -> {
        try {
          handler.serve(new Conn(number, s));
        } catch (Exception e) {
          // The client went away or the test ended: nothing to serve any more.
        } finally {
          finished.incrementAndGet();
        }
      }, "raw-server-conn-" + number);
      t.setDaemon(true);
      t.start();
    }
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
