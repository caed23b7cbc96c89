package dev.oceanj.testsupport.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that speaks HTTP/1.1 by hand, one thread per connection, so a test can answer with exactly the
 * bytes it wants (malformed, chunked, stalled, closed) and see exactly the bytes the client sent. Requests are
 * read with {@link Http1Reader}, the framing the benchmarks' sender reads responses with.
 */
public final class RawServer implements AutoCloseable {

  /** Serves one accepted connection until it returns. */
  public interface Handler {
    void serve(Conn c) throws Exception;
  }

  /**
   * One request as received.
   *
   * @param connection which accepted connection carried it (1 for the first)
   * @param raw        every byte of it, head and body
   * @param reads      how many socket reads it took to receive it whole
   */
  public record Request(int connection, String method, String target, Map<String, String> headers, byte[] body, byte[] raw,
      int reads) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** One accepted connection. */
  public final class Conn {
    public final int number;
    public final Socket socket;
    private final Http1Reader in;
    private final OutputStream out;

    Conn(int number, Socket socket) throws IOException {
      this.number = number;
      this.socket = socket;
      // 64 KiB per read: a request the client wrote at once arrives in one read (tests count them).
      this.in = new Http1Reader(socket.getInputStream(), 64 * 1024);
      this.out = socket.getOutputStream();
    }

    /** The next request (recorded), or null when the client closed the connection. */
    public Request read() throws IOException {
      int readsBefore = in.reads();
      in.startCapture();
      try {
        String requestLine = in.readLineOrNull();
        if (requestLine == null) {
          return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = in.readHeaders();
        int length = headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
        byte[] body = in.readBytes(length);
        Request r = new Request(number, parts[0], parts[1], headers, body, in.stopCapture(), in.reads() - readsBefore);
        requests.add(r);
        return r;
      } catch (SocketException | java.io.EOFException e) {
        // The client went away (or reset the connection) before the request was whole.
        return null;
      }
    }

    public void write(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Answers 200 with a JSON body and its length (keep-alive). */
    public void ok(String json) throws IOException {
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + json);
    }

    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * A listener on {@code address} that never accepts, its accept queue filled, so the kernel drops further SYNs: a
   * host that does not answer. It and the sockets that filled it are added to {@code closeLater}.
   */
  public static ServerSocket silentListener(InetAddress address, List<AutoCloseable> closeLater) throws IOException {
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
  /** Every request read so far, in order. */
  public final List<Request> requests = new CopyOnWriteArrayList<>();
  /** Connections accepted so far. */
  public final AtomicInteger accepted = new AtomicInteger();
  /** Connections whose handler returned or whose client went away. */
  public final AtomicInteger finished = new AtomicInteger();

  /** Serves on a free loopback port. */
  public RawServer(Handler handler) throws IOException {
    this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
  }

  /** Serves on {@code server} (e.g. a TLS server socket). */
  public RawServer(ServerSocket server, Handler handler) {
    this.server = server;
    this.handler = handler;
    this.acceptor = new Thread(this::acceptLoop, "raw-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public URI baseUrl() {
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

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
