package dev.oceanj.bench.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The live-event bench: sends fake-person webhooks at a fixed rate to a runtime and reports the events sent,
 * acknowledged and failed (by reason), the sustained acknowledged events/s, the ack latency p50/p90/p99/max
 * (counted from each event's due time, so a stalled server cannot hide its queueing), the end-to-end latency to the
 * catalog (1 event in 50 is followed until Port shows it) and the CPU each process used while sending.
 *
 * <pre>benchmarks/bench.sh [rate/s] [seconds] [options]</pre>
 *
 * <p>By default it starts the Port emulator (from its own class path) and the real runtime JAR
 * ({@code --runtime-jar}, {@code java -jar}, {@code OCEAN__EVENT_LISTENER__TYPE=WEBHOOKS_ONLY}, the fake
 * integration, a fresh data folder: the durable intake, fsync on), each in its own JVM, so this JVM holds only the
 * {@link FixedRateSender} and the catalog poller and the figures include the HTTP hop, the fsync and the Port
 * writes. With
 * {@code --url http://host:port} it sends to a runtime already running and starts nothing; the end-to-end figures
 * then need {@code --port-url} (and the Port credentials) and are skipped without it.
 */
@Command(name = "LiveEventBench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Sends fake-person webhooks at a fixed rate to a live-events runtime and reports what it sustained.")
public final class LiveEventBench implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", defaultValue = "2000", paramLabel = "RATE",
      description = "Events per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Parameters(index = "1", arity = "0..1", defaultValue = "10", paramLabel = "SECONDS",
      description = "How long to send, after the warm-up (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--url", paramLabel = "http://host:port[/prefix]",
      description = "Send to this running runtime (its ocean.path-prefix included) and start nothing.")
  URI url;

  @Option(names = "--port-url", paramLabel = "URL",
      description = "With --url: the Port API the runtime writes to, for the end-to-end figures (skipped without).")
  URI portUrl;

  @Option(names = "--client-id", description = "With --port-url: Port client id (default: $OCEAN__PORT__CLIENT_ID, "
      + "else the emulator's).")
  String clientId;

  @Option(names = "--client-secret", description = "With --port-url: Port client secret (default: "
      + "$OCEAN__PORT__CLIENT_SECRET, else the emulator's).")
  String clientSecret;

  @Option(names = "--connections", defaultValue = "32",
      description = "Keep-alive connections, one sending thread each (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--warmup", defaultValue = "30", paramLabel = "SECONDS",
      description = "Send at the same rate this long first, not counted, so the figures are the steady state of a "
          + "long-running receiver: on 2 CPUs the runtime's C2 compiler is busy for 20-30 s after start "
          + "(default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--persons", defaultValue = "5000",
      description = "Distinct persons the events update, in turn (default: ${DEFAULT-VALUE}).")
  int persons;

  @Option(names = "--sample-every", defaultValue = "50",
      description = "Follow every Nth event until Port shows it (default: ${DEFAULT-VALUE}).")
  int sampleEvery;

  @Option(names = "--e2e-timeout", defaultValue = "60",
      description = "Seconds to wait after sending for the followed events to reach Port (default: ${DEFAULT-VALUE}).")
  int e2eTimeoutSeconds;

  @Option(names = "--runtime-jar", defaultValue = "runtime/target/oceanj-runtime.jar", paramLabel = "JAR",
      description = "Without --url: the runtime JAR to start (default: ${DEFAULT-VALUE}, from the checkout's root).")
  Path runtimeJar;

  @Option(names = "--workers", defaultValue = "64", description = "Without --url: the runtime's "
      + "ocean.live-events.workers (partition keys processed at once; 64 is also the runtime's default) "
      + "(default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--runtime-jvm-option", paramLabel = "OPTION",
      description = "An extra JVM option for the runtime child, repeatable (e.g. -XX:StartFlightRecording=…).")
  List<String> runtimeJvmOptions = new ArrayList<>();

  @Option(names = "--emulator-jvm-option", paramLabel = "OPTION",
      description = "An extra JVM option for the Port emulator child, repeatable.")
  List<String> emulatorJvmOptions = new ArrayList<>();

  static final String PATH = "/integration/webhook";
  static final String BODY = "{\"action\":\"upsert\",\"person\":{\"id\":\"bench-${0}\",\"name\":\"Person ${0}\","
      + "\"email\":\"p${0}@example.com\",\"status\":\"WORKING\",\"age\":${1},"
      + "\"department\":{\"id\":\"d1\",\"name\":\"D1\"},\"bio\":\"bench\"}}";
  static final String PERSON_BLUEPRINT = "fake-person";
  /** How often the catalog poller asks Port about the followed events: one search request per round. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(25);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Entry point. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new LiveEventBench())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // A bench that cannot run says why in one line (which server, what answered), not with a stack trace.
          cmd.getErr().println("live-event bench: " + e.getMessage());
          return 2;
        })
        .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || seconds < 1 || connections < 1 || persons < 1 || sampleEvery < 1 || workers < 1 || warmup < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "RATE, SECONDS, --connections, --persons, "
          + "--sample-every and --workers must be positive, --warmup not negative");
    }
    if ((long) rate * (seconds + warmup) > Integer.MAX_VALUE) {
      throw new CommandLine.ParameterException(new CommandLine(this), "RATE × (SECONDS + --warmup) is too many events");
    }
    try (Children children = new Children()) {
      URI target;
      Optional<PortAccess> port;
      Optional<Child> runtime = Optional.empty();
      Optional<Child> emulator = Optional.empty();
      if (url == null) {
        if (!Files.isRegularFile(runtimeJar)) {
          throw new IllegalArgumentException("no runtime JAR at " + runtimeJar.toAbsolutePath() + ": build it first "
              + "(mvn -B -q -pl runtime -am -DskipTests package) or give --runtime-jar");
        }
        Path data = children.tempDir("oceanj-live-bench-");
        // The emulator stands in for Port, which runs elsewhere: C1 only and the serial collector keep the CPU it
        // takes from the runtime low (its C2 compilations alone would use half a CPU for the first 20 s).
        List<String> emulatorJvm = new ArrayList<>(List.of("-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC"));
        emulatorJvm.addAll(emulatorJvmOptions);
        Child em = children.start("Port emulator", emulatorJvm, List.of("-cp", System.getProperty("java.class.path"),
            "dev.oceanj.emulator.Main", "--port", "0"), Map.of(), "Port emulator listening on ");
        String portBase = em.readyLine().replaceFirst(".*listening on (\\S+).*", "$1");
        List<String> runtimeJvm = new ArrayList<>(List.of("-Xms256m", "-Xmx512m"));
        runtimeJvm.addAll(runtimeJvmOptions);
        int httpPort = freePort();
        Child rt = children.start("runtime", runtimeJvm, List.of("-jar", runtimeJar.toString()),
            runtimeEnvironment(portBase, data, workers, httpPort), null);
        target = URI.create("http://127.0.0.1:" + httpPort + PATH);
        new StatusProbe(target).awaitLiveEvents(rt, Duration.ofMinutes(2));
        port = Optional.of(new PortAccess(URI.create(portBase), EmulatorSettings.DEFAULT_CLIENT_ID,
            EmulatorSettings.DEFAULT_CLIENT_SECRET));
        emulator = Optional.of(em);
        runtime = Optional.of(rt);
        System.out.printf("live-event bench: runtime (%s in WEBHOOKS_ONLY mode, pid %d, fresh data folder, durable intake, "
            + "%d workers) and Port emulator (pid %d, %s) each in their own JVM; this JVM (pid %d) only sends and "
            + "polls%n", runtimeJar, rt.process().pid(), workers, em.process().pid(), portBase, ProcessHandle.current().pid());
      } else {
        target = URI.create(url.toString().replaceAll("/+$", "") + PATH);
        port = Optional.ofNullable(portUrl).map(u -> new PortAccess(u,
            firstOf(clientId, System.getenv("OCEAN__PORT__CLIENT_ID"), EmulatorSettings.DEFAULT_CLIENT_ID),
            firstOf(clientSecret, System.getenv("OCEAN__PORT__CLIENT_SECRET"),
                EmulatorSettings.DEFAULT_CLIENT_SECRET)));
        System.out.printf("live-event bench: sending to the running runtime at %s (started nothing)%n", url);
      }
      run(target, port, runtime, emulator);
    }
    return 0;
  }

  /** Where the runtime writes, for the catalog poller. */
  private record PortAccess(URI url, String clientId, String clientSecret) {
    @Override
    public String toString() {
      return url.toString();
    }
  }

  private void run(URI target, Optional<PortAccess> portAccess, Optional<Child> runtime, Optional<Child> emulator)
      throws Exception {
    int total = rate * seconds;
    Optional<HttpPortClient> port = portAccess.map(a -> HttpPortClient.create(
        PortClientSettings.of(a.url(), a.clientId(), a.clientSecret()),
        new PortClient.PortIdentity("fake", "0.1.0", "live-event-bench-reader"), WriteLimiter.unlimited()));
    CatalogFollower follower = port.map(CatalogFollower::new).orElse(null);
    Optional<StatusProbe> status = runtime.map(c -> new StatusProbe(target));
    try (FixedRateSender sender = new FixedRateSender(target, connections, "application/json", BODY, 202)) {
      if (follower != null) {
        // Polling during the warm-up too: its JIT work is then done before the measured window.
        follower.start();
      }
      // Warm-up: the JIT compilers of the three JVMs, the connections, the mapping cache. Ages below 0, so that no
      // warm-up update can pass for a measured one.
      if (warmup > 0) {
        FixedRateSender.Result w = sender.run(rate * warmup, rate,
            (event, slot) -> slot == 0 ? event % persons : -1 - event, (event, due, latency) -> {
              if (follower != null && event % sampleEvery == 0) {
                follower.follow(event % persons, -1 - event, due, false);
              }
            });
        if (w.acknowledged() == 0) {
          throw new IllegalStateException("no warm-up event was acknowledged by " + target + ": " + w.failures());
        }
      }
      Optional<Long> processedBefore = status.flatMap(StatusProbe::processed);
      Cpu before = Cpu.now(runtime, emulator);
      FixedRateSender.Result r = sender.run(total, rate, (event, slot) -> slot == 0 ? event % persons : event,
          (event, due, latency) -> {
            if (follower != null && event % sampleEvery == 0) {
              follower.follow(event % persons, event, due, true);
            }
          });
      Cpu after = Cpu.now(runtime, emulator);
      Optional<Long> processedAfter = status.flatMap(StatusProbe::processed);
      Optional<Double> processedPerSecond = processedBefore.flatMap(b -> processedAfter.map(
          a -> (a - b) / (r.windowNanos() / 1e9)));
      if (follower != null) {
        follower.awaitAll(Duration.ofSeconds(e2eTimeoutSeconds));
        follower.stop();
      }
      report(target, r, follower, before, after, runtime, emulator, processedPerSecond);
    } finally {
      if (follower != null) {
        follower.stop();
      }
      port.ifPresent(HttpPortClient::close);
    }
  }

  private void report(URI target, FixedRateSender.Result r, CatalogFollower follower, Cpu before, Cpu after,
      Optional<Child> runtime, Optional<Child> emulator, Optional<Double> processedPerSecond) {
    long[] ack = r.ackLatenciesSorted();
    double window = r.windowNanos() / 1e9;
    System.out.printf("  %d events at %d/s for %d s to %s over %d connections (after %d s of warm-up)%n",
        r.events(), rate, seconds, target, connections, warmup);
    System.out.printf("  sent %d, acknowledged %d, failed %d%n", r.sent(), r.acknowledged(), r.failed());
    r.failures().forEach((why, n) -> System.out.printf("    failed %d× with %s%n", n, why));
    System.out.printf("  sustained: %.0f acknowledged events/s over the %.2f s send window%n",
        r.acknowledgedPerSecond(), window);
    System.out.printf("  ack latency from the due time: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        pct(ack, 0.5), pct(ack, 0.9), pct(ack, 0.99), pct(ack, 1.0));
    processedPerSecond.ifPresent(p -> System.out.printf(
        "  processed by the runtime during the send window: %.0f events/s (its /status)%n", p));
    if (follower == null) {
      System.out.println("  end-to-end to the catalog: skipped (no Port to look at; give --port-url with --url)");
    } else {
      long[] e2e = follower.latencies();
      System.out.printf("  end-to-end to the catalog (%d sampled, %d not seen within %d s, polled every %d ms): "
          + "p50 %.0f ms, p99 %.0f ms, max %.0f ms%s%n", e2e.length + follower.pending(), follower.pending(),
          e2eTimeoutSeconds, POLL_INTERVAL.toMillis(), pct(e2e, 0.5), pct(e2e, 0.99), pct(e2e, 1.0),
          follower.errors.get() == 0 ? "" : " (" + follower.errors.get() + " failed polls, last: "
              + follower.lastError + ")");
    }
    StringBuilder cpu = new StringBuilder(String.format("  CPU during the send window (%.2f s wall, %d CPUs): "
        + "bench %.2f s (its sending threads %.2f s)", window, Runtime.getRuntime().availableProcessors(),
        (after.bench - before.bench) / 1e9, r.cpuNanos() / 1e9));
    if (before.runtime >= 0 && after.runtime >= 0) {
      cpu.append(String.format(", runtime %.2f s", (after.runtime - before.runtime) / 1e9));
    }
    if (before.emulator >= 0 && after.emulator >= 0) {
      cpu.append(String.format(", Port emulator %.2f s", (after.emulator - before.emulator) / 1e9));
    }
    if (before.machine >= 0 && after.machine >= 0) {
      double interrupts = (after.interrupts - before.interrupts) / 1e9;
      double others = (after.machine - before.machine) / 1e9 - interrupts - (after.bench - before.bench) / 1e9
          - Math.max(0, after.runtime - before.runtime) / 1e9 - Math.max(0, after.emulator - before.emulator) / 1e9;
      cpu.append(String.format(", interrupts %.1f s, other processes%s and kernel threads %.1f s", interrupts,
          runtime.isPresent() ? "" : " (the runtime's among them, if local)", Math.max(0, others)));
    }
    System.out.println(cpu);
    StringBuilder rss = new StringBuilder("  peak RSS: bench " + peakRss(ProcessHandle.current().pid()));
    runtime.ifPresent(c -> rss.append(", runtime ").append(peakRss(c.process().pid())));
    emulator.ifPresent(c -> rss.append(", Port emulator ").append(peakRss(c.process().pid())));
    System.out.println(rss);
    runtime.ifPresent(c -> new StatusProbe(target).live().ifPresent(s -> System.out.printf(
        "  runtime /status after the end-to-end wait: acknowledged %s, processed %s, intake depth %s%n",
        s.path("acknowledged").asText("?"), s.path("processed").asText("?"), s.path("depth").asText("?"))));
    runtime.ifPresent(c -> c.complaints().forEach(l -> System.out.println("  runtime said: " + l)));
    emulator.ifPresent(c -> c.complaints().forEach(l -> System.out.println("  Port emulator said: " + l)));
  }

  private static Map<String, String> runtimeEnvironment(String portBase, Path data, int workers, int httpPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY");
    env.put("OCEAN__INTEGRATION__TYPE", "fake");
    env.put("OCEAN__PORT__CLIENT_ID", EmulatorSettings.DEFAULT_CLIENT_ID);
    env.put("OCEAN__PORT__CLIENT_SECRET", EmulatorSettings.DEFAULT_CLIENT_SECRET);
    env.put("OCEAN__PORT__BASE_URL", portBase);
    env.put("OCEAN__INTEGRATION__IDENTIFIER", "bench");
    env.put("OCEAN__HTTP__HOST", "127.0.0.1");
    env.put("OCEAN__HTTP__PORT", Integer.toString(httpPort));
    env.put("OCEAN__DATA_DIR", data.toString());
    env.put("OCEAN__LIVE_EVENTS__WORKERS", Integer.toString(workers));
    env.put("OCEAN__LOG_LEVEL", "WARN");
    env.put("OCEANJ_LOG_LEVEL", "WARN");
    return env;
  }

  /** A port free on loopback now, for the runtime child to bind (its ready signal is its {@code /status}). */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Reads the live-events section of the runtime's {@code /status}. */
  private static final class StatusProbe {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    StatusProbe(URI webhook) {
      this.uri = webhook.resolve("/status");
    }

    /** Waits until the runtime's {@code /status} shows live events; fails when the child ends or time is up. */
    void awaitLiveEvents(Child child, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (live().filter(s -> s.has("processed")).isEmpty()) {
        if (!child.process().isAlive()) {
          throw new IllegalStateException("the runtime exited before it served live events: "
              + String.join(" | ", child.lines()));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the runtime did not serve live events on " + uri + " within " + within
              + ": " + String.join(" | ", child.lines()));
        }
        Thread.sleep(100);
      }
      child.ready();
    }

    Optional<JsonNode> live() {
      try {
        var response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          return Optional.empty();
        }
        JsonNode s = JSON.readTree(response.body());
        return Optional.ofNullable(s.get("liveEvents"));
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    Optional<Long> processed() {
      return live().filter(s -> s.path("processed").isNumber()).map(s -> s.path("processed").asLong());
    }
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    throw new IllegalArgumentException("no value");
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  /** {@code VmHWM} from {@code /proc/<pid>/status} (Linux), else "?". */
  private static String peakRss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return (Long.parseLong(line.replaceAll("\\D", "")) / 1024) + " MiB";
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or the process is gone: the figure is optional.
    }
    return "?";
  }

  /** CPU time used so far, in ns, by this JVM and the children (-1 when unknown). */
  private record Cpu(long bench, long runtime, long emulator, long machine, long interrupts) {
    static Cpu now(Optional<Child> runtime, Optional<Child> emulator) {
      long self = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime() : -1;
      long[] machine = machineNanos();
      return new Cpu(self, runtime.map(Child::cpuNanos).orElse(-1L), emulator.map(Child::cpuNanos).orElse(-1L),
          machine[0], machine[1]);
    }

    /**
     * CPU time the whole machine used so far, and the part of it spent in interrupts (loopback packets are handled
     * there, on nobody's account), from {@code /proc/stat} (Linux; -1 elsewhere).
     */
    static long[] machineNanos() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
          if (i != 4 && i != 5) {
            busy += Long.parseLong(f[i]);
          }
        }
        long interrupts = Long.parseLong(f[6]) + Long.parseLong(f[7]);
        long tick = 10_000_000L; // USER_HZ is 100 on Linux
        return new long[] {busy * tick, interrupts * tick};
      } catch (IOException | RuntimeException e) {
        return new long[] {-1, -1};
      }
    }
  }

  /**
   * Follows sampled events until Port shows the person at (or past) that update: one search request per round for
   * all the persons followed, so its cost stays flat however many events are pending.
   */
  private static final class CatalogFollower {
    private record Followed(long person, long seq, long dueNanos, boolean measured) {}

    private final PortClient port;
    private final ConcurrentLinkedQueue<Followed> followed = new ConcurrentLinkedQueue<>();
    private final List<Long> latencies = new CopyOnWriteArrayList<>();
    private final AtomicInteger errors = new AtomicInteger();
    private volatile String lastError = "";
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::loop, "bench-catalog-poller");

    CatalogFollower(PortClient port) {
      this.port = port;
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    /** Follows one event; only {@code measured} ones count in the figures (the others warm the poller up). */
    void follow(long person, long seq, long dueNanos, boolean measured) {
      followed.add(new Followed(person, seq, dueNanos, measured));
    }

    /** Measured events not seen in Port yet. */
    int pending() {
      return (int) followed.stream().filter(Followed::measured).count();
    }

    long[] latencies() {
      return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    void awaitAll(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (pending() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(POLL_INTERVAL.toMillis());
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(35_000);
    }

    private void loop() {
      while (running) {
        if (!followed.isEmpty()) {
          Map<String, List<Followed>> byId = new HashMap<>();
          for (Followed f : followed) {
            byId.computeIfAbsent("bench-" + f.person(), k -> new ArrayList<>()).add(f);
          }
          try {
            Map<String, Long> ages = ages(port, PERSON_BLUEPRINT, byId.keySet());
            long now = System.nanoTime();
            ages.forEach((id, age) -> {
              for (Followed f : byId.get(id)) {
                if (age >= f.seq() && followed.remove(f) && f.measured()) {
                  latencies.add(now - f.dueNanos());
                }
              }
            });
          } catch (ExecutionException | TimeoutException | RuntimeException e) {
            errors.incrementAndGet();
            lastError = (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e).toString();
          } catch (InterruptedException e) {
            return;
          }
        }
        try {
          Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * The {@code age} Port holds for each of {@code identifiers} of {@code blueprint}, in one entity search; absent
   * entities are left out. The bench's poller runs it every round, so it asks for two fields only.
   */
  static Map<String, Long> ages(PortClient port, String blueprint, Collection<String> identifiers)
      throws ExecutionException, InterruptedException, TimeoutException {
    ObjectNode query = JSON.createObjectNode().put("combinator", "and");
    query.putArray("rules")
        .add(JSON.createObjectNode().put("property", "$blueprint").put("operator", "=").put("value", blueprint))
        .add(JSON.createObjectNode().put("property", "$identifier").put("operator", "in")
            .set("value", JSON.valueToTree(identifiers)));
    Map<String, Long> ages = new HashMap<>();
    for (ObjectNode e : port.searchEntities(query, List.of("identifier", "properties.age")).toCompletableFuture()
        .get(30, TimeUnit.SECONDS)) {
      JsonNode age = e.path("properties").path("age");
      if (age.isNumber()) {
        ages.put(e.path("identifier").asText(), age.asLong());
      }
    }
    return ages;
  }

  /** A child JVM: its process, the line that said it was ready and the warnings it printed after that. */
  private record Child(String name, Process process, String readyLine, Deque<String> tail) {
    /** What it printed so far, at most the last 20 lines. */
    List<String> lines() {
      synchronized (tail) {
        return List.copyOf(tail);
      }
    }

    /** From now on only what it prints after being ready counts as a complaint. */
    void ready() {
      synchronized (tail) {
        tail.clear();
      }
    }

    long cpuNanos() {
      return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** WARN and ERROR lines printed since it was ready, at most the last 20. */
    List<String> complaints() {
      synchronized (tail) {
        return tail.stream().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception"))
            .toList();
      }
    }
  }

  /**
   * The child JVMs and temporary folders of one bench run: stopped and removed on {@link #close()} and, should the
   * bench be interrupted (Ctrl-C), by a shutdown hook.
   */
  private static final class Children implements AutoCloseable {
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final List<Path> folders = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private final Thread hook = new Thread(this::cleanUp, "bench-cleanup");

    Children() {
      Runtime.getRuntime().addShutdownHook(hook);
    }

    Path tempDir(String prefix) throws IOException {
      Path p = Files.createTempDirectory(prefix);
      folders.add(p);
      return p;
    }

    /**
     * Starts {@code java jvmOptions… what…} and, when {@code readyText} is given, waits until it prints it (else the
     * caller tells when it is ready).
     */
    Child start(String name, List<String> jvmOptions, List<String> what, Map<String, String> env,
        String readyText) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(what);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      started.add(p);
      Deque<String> tail = new ArrayDeque<>();
      CompletableFuture<String> ready = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (readyText != null && !ready.isDone() && line.contains(readyText)) {
              ready.complete(line);
              continue;
            }
            synchronized (tail) {
              tail.addLast(line);
              if (tail.size() > 20) {
                tail.removeFirst();
              }
            }
          }
        } catch (IOException e) {
          // The child is gone; what it printed is in the tail.
        }
        synchronized (tail) {
          ready.completeExceptionally(new IllegalStateException("the " + name + " exited before it was ready: "
              + String.join(" | ", tail)));
        }
      }, name + "-output");
      reader.setDaemon(true);
      reader.start();
      if (readyText == null) {
        return new Child(name, p, "", tail);
      }
      String line;
      try {
        line = ready.get(2, TimeUnit.MINUTES);
      } catch (ExecutionException e) {
        throw (Exception) e.getCause();
      } catch (TimeoutException e) {
        throw new IllegalStateException("the " + name + " did not say '" + readyText.trim() + "' within 2 minutes");
      }
      synchronized (tail) {
        tail.clear();
      }
      return new Child(name, p, line, tail);
    }

    @Override
    public void close() {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook runs (or ran) cleanUp, which is idempotent.
      }
    }

    /** Stops the children, last started first (the runtime before the Port it writes to), then removes folders. */
    private void cleanUp() {
      if (!cleaned.compareAndSet(false, true)) {
        return;
      }
      List<Process> reversed = new ArrayList<>(started);
      java.util.Collections.reverse(reversed);
      for (Process p : reversed) {
        ProcessHandle h = p.toHandle();
        h.descendants().forEach(ProcessHandle::destroy);
        h.destroy();
        try {
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            h.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          h.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
      for (Path folder : folders) {
        try (var files = Files.walk(folder)) {
          files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
          System.err.println("could not remove " + folder + ": " + e);
        }
      }
    }
  }
}
