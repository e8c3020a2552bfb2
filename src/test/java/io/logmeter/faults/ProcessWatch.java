package io.logmeter.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Samples the service process every quarter second, across restarts: its in-flight gauge from
 * {@code /metrics} and its resident memory from {@code /proc}. Keeps the maxima; a window can be
 * opened to measure one phase (an outage) on its own.
 */
final class ProcessWatch implements AutoCloseable {

  private static final String INFLIGHT = "logmeter_inflight_messages ";
  private static final String INFLIGHT_BYTES = "logmeter_inflight_bytes ";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final int port;
  private final LongSupplier pid;
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile long maxInFlight;
  private volatile long maxRssBytes;
  private volatile long windowMaxInFlight;
  private volatile long windowMaxRssBytes;
  private volatile long windowMaxInFlightBytes;

  /** @param pid the service process's current pid, or -1 while there is none */
  ProcessWatch(int port, LongSupplier pid) {
    this.port = port;
    this.pid = pid;
    sampler = new Thread(this::run, "process-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void run() {
    while (running) {
      sample();
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sample() {
    long id = pid.getAsLong();
    if (id < 0) {
      return;
    }
    long rss = rssBytes(id);
    if (rss > 0) {
      maxRssBytes = Math.max(maxRssBytes, rss);
      windowMaxRssBytes = Math.max(windowMaxRssBytes, rss);
    }
    String metrics = metrics();
    long inFlight = gauge(metrics, INFLIGHT);
    if (inFlight >= 0) {
      maxInFlight = Math.max(maxInFlight, inFlight);
      windowMaxInFlight = Math.max(windowMaxInFlight, inFlight);
    }
    windowMaxInFlightBytes = Math.max(windowMaxInFlightBytes, gauge(metrics, INFLIGHT_BYTES));
  }

  private String metrics() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      // Not up (yet, or any more): no sample.
      return "";
    }
  }

  private static long gauge(String metrics, String prefix) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)) {
        return (long) Double.parseDouble(line.substring(prefix.length()));
      }
    }
    return -1;
  }

  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (Exception e) {
      // Gone.
    }
    return -1;
  }

  /** Starts measuring a phase on its own; {@link #windowMaxInFlight} and so on report it. */
  void openWindow() {
    windowMaxInFlight = 0;
    windowMaxRssBytes = 0;
    windowMaxInFlightBytes = 0;
  }

  long maxInFlight() {
    return maxInFlight;
  }

  long maxRssBytes() {
    return maxRssBytes;
  }

  long windowMaxInFlight() {
    return windowMaxInFlight;
  }

  long windowMaxInFlightBytes() {
    return windowMaxInFlightBytes;
  }

  long windowMaxRssBytes() {
    return windowMaxRssBytes;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join(2000);
  }
}
