package dev.oceanj.actors.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.IntegrationSupervisor;
import dev.oceanj.actors.resync.ResyncDependencies;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.defaults.DefaultsInitializer;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.integrations.fake.FakeIntegration;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.IntegrationResources;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The resync benchmark: one process that is the runtime (fake integration + supervisor + Port client), run
 * against a Port that lives in another process (the emulator JAR or {@code port_standin.py}), so the CPU and
 * memory figures are the runtime's alone. It runs the first resync into an empty Port (ONCE mode: one resync,
 * then exit), then a second one of the unchanged source, and prints for each: entities, seconds, entities/s,
 * process CPU seconds (and ms per entity) and peak RSS ({@code VmHWM}).
 *
 * <pre>
 * java -Xmx256m -cp &lt;actors test classpath&gt; dev.oceanj.actors.bench.ResyncBench \
 *     --port-url http://127.0.0.1:5555 --entity-amount 4000
 * </pre>
 *
 * {@code --warmup N} first runs N unmeasured rounds (a first and a no-change resync) and empties the emulator after
 * each ({@code POST /_emulator/reset}), so the measured resyncs show a warm runtime: the steady state of a
 * long-running one rather than a fresh JVM compiling its code.
 *
 * <p>See {@code actors/bench.sh}, which builds, starts the chosen Port and runs this. Writes go through an
 * unlimited write limiter: the bench measures the runtime, not Port's rate limit (at Port's real 35,000
 * requests per 5 minutes a resync is capped near 2,300 entities/s once the burst is spent). {@code --rate-limit port}
 * shapes them as the runtime does by default, to see what a resync costs against Port's real budget.
 */
public final class ResyncBench {

  /** What one resync cost. */
  public record Figures(String label, long entities, long upserted, long unchanged, double seconds, double cpuSeconds,
      double jitSeconds, double gcSeconds, long peakRssKib, double portCpuSeconds, String outcome) {

    double perSecond() {
      return entities / Math.max(seconds, 1e-9);
    }

    @Override
    public String toString() {
      return String.format("%-12s %9d entities (%d upserted, %d unchanged) in %8.2f s = %9.0f entities/s; "
              + "CPU %7.2f s (%.3f ms/entity; JIT %.1f s, GC %.1f s); peak RSS %4d MiB;%s %s", label, entities, upserted,
          unchanged, seconds, perSecond(), cpuSeconds, entities == 0 ? 0.0 : cpuSeconds * 1000 / entities,
          jitSeconds, gcSeconds, peakRssKib / 1024,
          Double.isNaN(portCpuSeconds) ? "" : String.format(" Port process CPU %.2f s;", portCpuSeconds), outcome);
    }
  }

  private ResyncBench() {}

  public static void main(String[] args) throws Exception {
    // On a 2-CPU machine the common pool has parallelism 1, and CompletableFuture then starts a new thread for
    // every async completion, which the JDK HttpClient does for every response: over a thousand threads per
    // resync. Two workers keep the pool real. Must run before anything touches the common pool.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
    }
    String url = "http://127.0.0.1:5555";
    String clientId = "emulator-client-id";
    String secret = "emulator-client-secret";
    int entityAmount = 4000;
    int resyncs = 2;
    int warmup = 0;
    int upsertConcurrency = ResyncSettings.defaults().upsertConcurrency();
    boolean portRateLimit = false;
    String integration = "bench-" + ProcessHandle.current().pid();
    Optional<Path> dataDir = Optional.empty();
    Optional<ProcessHandle> port = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port-url": url = args[++i]; break;
        case "--client-id": clientId = args[++i]; break;
        case "--client-secret": secret = args[++i]; break;
        case "--entity-amount": entityAmount = Integer.parseInt(args[++i]); break;
        case "--resyncs": resyncs = Integer.parseInt(args[++i]); break;
        case "--integration": integration = args[++i]; break;
        case "--data-dir": dataDir = Optional.of(Path.of(args[++i])); break;
        case "--warmup": warmup = Integer.parseInt(args[++i]); break;
        case "--port-pid": port = ProcessHandle.of(Long.parseLong(args[++i])); break;
        case "--upsert-concurrency": upsertConcurrency = Integer.parseInt(args[++i]); break;
        case "--rate-limit":
          String mode = args[++i];
          if (!mode.equals("port") && !mode.equals("none")) {
            throw new IllegalArgumentException("--rate-limit takes port (Port's org budget, the runtime's default) or"
                + " none (the default here), not " + mode);
          }
          portRateLimit = mode.equals("port");
          break;
        default: throw new IllegalArgumentException("unknown option " + args[i]
            + " (use --port-url, --client-id, --client-secret, --entity-amount, --resyncs, --integration, --data-dir,"
            + " --warmup, --port-pid, --upsert-concurrency, --rate-limit)");
      }
    }
    for (int w = 1; w <= warmup; w++) {
      System.out.println("warm-up " + w + " of " + warmup + " (not counted), then Port is reset:");
      run(URI.create(url), clientId, secret, integration + "-warmup" + w, entityAmount, 2, Optional.empty(), port,
          upsertConcurrency, false);
      resetEmulator(URI.create(url));
    }
    for (Figures f : run(URI.create(url), clientId, secret, integration, entityAmount, resyncs, dataDir, port,
        upsertConcurrency, portRateLimit)) {
      System.out.println(f);
    }
    System.exit(0);
  }

  /**
   * Defines the fake integration, initializes Port, runs {@code resyncs} resyncs; one line of figures each.
   *
   * @param portRateLimit writes shaped to Port's org-wide budget as the runtime does by default (35,000 requests per 5
   *     minutes, its burst shared with live events), instead of unlimited
   */
  public static List<Figures> run(URI portUrl, String clientId, String secret, String integrationId, int entityAmount,
      int resyncs, Optional<Path> dataDir, Optional<ProcessHandle> port, int upsertConcurrency, boolean portRateLimit)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode settings = json.createObjectNode().put("entityAmount", entityAmount);
    HttpClient http = HttpClient.newHttpClient();
    DefinedIntegration fake = DefinedIntegration.define(new FakeIntegration(), settings, http);
    fake.start();
    HttpPortClient client = HttpPortClient.create(PortClientSettings.of(portUrl, clientId, secret),
        new PortClient.PortIdentity("fake", "0.1.0", integrationId), portRateLimit
            // As the runtime in ONCE mode: no live events can arrive, so no share is held back for them.
            ? WriteLimiter.create(PortSettings.defaults().rateLimit().withShare(0.0))
            : WriteLimiter.unlimited());
    var resources = DefaultsInitializer.Resources.from(IntegrationResources.forType("fake"));
    new DefaultsInitializer(client, resources, true, Optional.empty()).run().toCompletableFuture()
        .get(120, TimeUnit.SECONDS);

    Path dir = dataDir.orElse(Files.createTempDirectory("oceanj-bench"));
    ResyncSettings rs = ResyncSettings.defaults().withSkipUnchanged(true, Optional.of(dir))
        .withUpsertConcurrency(upsertConcurrency);
    ExecutorService cpu = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
      Thread t = new Thread(r, "mapping");
      t.setDaemon(true);
      return t;
    });
    var deps = new ResyncDependencies(client, fake::resyncSource,
        new JqMappingCompiler(JqEngine.create(false)), rs, Optional.empty(), cpu, fake::toJson, Clock.systemUTC(),
        Duration.ofSeconds(3));
    ActorSystem<ResyncProtocol.Command> system = ActorSystem.create(IntegrationSupervisor.create(deps), "bench");
    List<Figures> out = new ArrayList<>();
    try {
      for (int i = 1; i <= resyncs; i++) {
        double cpuBefore = processCpuSeconds();
        double jitBefore = jitSeconds();
        double gcBefore = gcSeconds();
        double portBefore = cpuSeconds(port);
        ThreadCpu threadsBefore = ThreadCpu.snapshot();
        ResyncFinished f = AskPattern.<ResyncProtocol.Command, ResyncFinished>ask(system,
                replyTo -> new ResyncProtocol.StartResync("once", ResyncProtocol.WhenRunning.QUEUE, null, replyTo),
                Duration.ofHours(2), system.scheduler())
            .toCompletableFuture().get(2, TimeUnit.HOURS);
        double cpuSeconds = processCpuSeconds() - cpuBefore;
        long upserted = f.kinds().stream().mapToLong(KindResult::upserted).sum();
        long unchanged = f.kinds().stream().mapToLong(KindResult::unchanged).sum();
        long mapped = f.kinds().stream().mapToLong(KindResult::mapped).sum();
        out.add(new Figures(i == 1 ? "first" : "no-change #" + (i - 1), mapped, upserted, unchanged,
            f.duration().toMillis() / 1000.0, cpuSeconds, jitSeconds() - jitBefore, gcSeconds() - gcBefore, peakRssKib(),
            cpuSeconds(port) - portBefore,
            f.outcome() + (f.errors().isEmpty() ? "" : " " + f.errors())));
        System.out.println(out.get(out.size() - 1));
        System.out.println("  CPU s by thread: " + ThreadCpu.snapshot().since(threadsBefore, cpuSeconds));
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      fake.stop();
      client.close();
      cpu.shutdownNow();
    }
    return out;
  }

  /** Empties the emulator ({@code POST /_emulator/reset}); the warm-up needs it so the measured resync starts empty. */
  static void resetEmulator(URI portUrl) throws Exception {
    var answer = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(portUrl.resolve("/_emulator/reset"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("--warmup needs a Port that can be emptied (the emulator's POST /_emulator/reset); "
          + portUrl + " answered " + answer.statusCode());
    }
  }

  /** CPU seconds of the Port process (another process on this machine), NaN when unknown. */
  static double cpuSeconds(Optional<ProcessHandle> process) {
    return process.flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  static double processCpuSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /** Time the JIT compilers spent (wall time of the compiler threads: inflated on a busy machine). */
  static double jitSeconds() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit == null || !jit.isCompilationTimeMonitoringSupported() ? 0 : jit.getTotalCompilationTime() / 1000.0;
  }

  /** Time the garbage collectors spent, as the JVM reports it. */
  static double gcSeconds() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(g -> Math.max(0, g.getCollectionTime())).sum() / 1000.0;
  }

  /** {@code VmHWM} of {@code /proc/self/status}: the process's peak resident set, in KiB (0 elsewhere than Linux). */
  static long peakRssKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      return 0;
    }
    return 0;
  }
}
