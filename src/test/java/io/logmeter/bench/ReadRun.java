package io.logmeter.bench;

import io.logmeter.TestStack;
import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageCache;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read part of the {@link Benchmark}: cached {@code GET usage} of logmeter (a serve process on
 * the emulators) against a bare Vert.x JSON endpoint, both driven by wrk (Debian's package) with the
 * same settings, back to back; and the heap each cached account takes, measured in this JVM with
 * 1,000,000 accounts.
 */
final class ReadRun {

  private static final int CACHED_ACCOUNTS = 1_000_000;
  private static final String WRK_DURATION = System.getProperty("logmeter.benchmark.wrkDuration", "10s");
  private static final int ROUNDS = 3;

  private ReadRun() {
  }

  static Map<String, Object> run(EmbeddedProcess.Ports ports) throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("heapBytesPerCachedAccount", heapPerCachedAccount());
    int barePort = TestStack.freePort();
    int apiPort = TestStack.freePort();
    Process bare = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), BareEndpoint.class.getName(), Integer.toString(barePort))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (EmbeddedProcess service = EmbeddedProcess.service(ports, apiPort)) {
      service.awaitReady(apiPort);
      String account = UUID.randomUUID().toString();
      String usage = "http://127.0.0.1:" + apiPort + "/v1/accounts/" + account + "/usage";
      String baseline = "http://127.0.0.1:" + barePort + "/";
      // Warm both JVMs, then measure them in turn, so that the machine's noise falls on both alike;
      // the round with the median ratio is reported.
      wrk(baseline, "5s");
      wrk(usage, "5s");
      List<Wrk[]> rounds = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        rounds.add(new Wrk[] {wrk(baseline, WRK_DURATION), wrk(usage, WRK_DURATION)});
      }
      rounds.sort(Comparator.comparingDouble(r -> r[1].requestsPerSecond() / r[0].requestsPerSecond()));
      Wrk bareRun = rounds.get(ROUNDS / 2)[0];
      Wrk usageRun = rounds.get(ROUNDS / 2)[1];
      report.put("wrk", "-t1 -c64 -d" + WRK_DURATION + ", " + ROUNDS + " rounds of bare then usage");
      report.put("ratiosToBareByRound", rounds.stream()
          .map(r -> IngestRun.round(r[1].requestsPerSecond() / r[0].requestsPerSecond())).toList());
      report.put("bareRequestsPerSecond", Math.round(bareRun.requestsPerSecond()));
      report.put("bareP50Ms", bareRun.p50Ms());
      report.put("bareP99Ms", bareRun.p99Ms());
      report.put("usageRequestsPerSecond", Math.round(usageRun.requestsPerSecond()));
      report.put("usageP50Ms", usageRun.p50Ms());
      report.put("usageP99Ms", usageRun.p99Ms());
      report.put("ratioToBare", IngestRun.round(usageRun.requestsPerSecond() / bareRun.requestsPerSecond()));
      report.put("usageNon2xx", rounds.stream().mapToLong(r -> r[1].non2xx()).sum());
    } finally {
      bare.destroy();
    }
    return report;
  }

  /** Retained heap per entry of a full cache: keys are UUIDs, values a small mutable holder. */
  private static long heapPerCachedAccount() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      UsageCache cache = new UsageCache(account -> CompletableFuture.completedFuture(new Usage(123_456, 78)),
          vertx.getOrCreateContext(), Duration.ofHours(1), CACHED_ACCOUNTS);
      long before = usedHeapAfterGc();
      for (int i = 0; i < CACHED_ACCOUNTS; i++) {
        cache.get(new UUID(0x6f1c9a528a8e4a53L, i).toString()).join();
      }
      long after = usedHeapAfterGc();
      if (cache.estimatedSize() < CACHED_ACCOUNTS * 99L / 100) {
        throw new IllegalStateException("cache holds only " + cache.estimatedSize());
      }
      return (after - before) / cache.estimatedSize();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  record Wrk(double requestsPerSecond, double p50Ms, double p99Ms, long non2xx) {
  }

  /** wrk with one thread and 64 connections, as the brief's anchor figure was measured. */
  private static Wrk wrk(String url, String duration) throws IOException, InterruptedException {
    Process wrk = new ProcessBuilder("wrk", "-t1", "-c64", "-d" + duration, "--latency", url)
        .redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes());
    if (wrk.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    return new Wrk(number(out, "Requests/sec:\\s+([\\d.]+)"), millis(out, "50%"), millis(out, "99%"),
        (long) number(out, "Non-2xx or 3xx responses:\\s+(\\d+)"));
  }

  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static double millis(String out, String percentile) {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([\\d.]+)(us|ms|s)").matcher(out);
    if (!m.find()) {
      return -1;
    }
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }
}
