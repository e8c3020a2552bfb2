package io.logmeter.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar target/logmeter.jar …} as a separate process, measured through /proc. */
final class EmbeddedProcess implements AutoCloseable {

  record Ports(int sqsPort, int s3Port, int dynamodbPort) {
    String sqs() {
      return "http://127.0.0.1:" + sqsPort;
    }

    String s3() {
      return "http://127.0.0.1:" + s3Port;
    }

    String dynamodb() {
      return "http://127.0.0.1:" + dynamodbPort;
    }
  }

  private final Process process;
  private final Path log;

  private EmbeddedProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static EmbeddedProcess emulators(Ports ports) throws Exception {
    EmbeddedProcess emulators = start(List.of("emulators"), Map.of(
        "LOGMETER_EMULATOR_SQS_PORT", Integer.toString(ports.sqsPort()),
        "LOGMETER_EMULATOR_S3_PORT", Integer.toString(ports.s3Port()),
        "LOGMETER_EMULATOR_DYNAMODB_PORT", Integer.toString(ports.dynamodbPort())));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(emulators.log).contains("emulators ready")) {
      if (System.nanoTime() > deadline || !emulators.process.isAlive()) {
        throw new IllegalStateException("emulators did not start; see " + emulators.log);
      }
      Thread.sleep(100);
    }
    return emulators;
  }

  static EmbeddedProcess service(Ports ports, int apiPort) throws IOException {
    return service(ports, apiPort, Map.of());
  }

  /** A serve process on the emulators; {@code extra} adds or overrides LOGMETER_* variables. */
  static EmbeddedProcess service(Ports ports, int apiPort, Map<String, String> extra) throws IOException {
    return start(List.of("serve"), serviceEnvironment(ports, apiPort, extra));
  }

  /** The LOGMETER_* variables a serve process on the emulators gets. */
  static Map<String, String> serviceEnvironment(Ports ports, int apiPort, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.ofEntries(
        Map.entry("LOGMETER_SQS_ENDPOINT", ports.sqs()),
        Map.entry("LOGMETER_S3_ENDPOINT", ports.s3()),
        Map.entry("LOGMETER_DYNAMODB_ENDPOINT", ports.dynamodb()),
        Map.entry("LOGMETER_AWS_ACCESS_KEY_ID", "bench"),
        Map.entry("LOGMETER_AWS_SECRET_ACCESS_KEY", "bench"),
        Map.entry("LOGMETER_AUTH_DISABLED", "true"),
        Map.entry("LOGMETER_HTTP_HOST", "127.0.0.1"),
        Map.entry("LOGMETER_HTTP_PORT", Integer.toString(apiPort)),
        Map.entry("LOGMETER_LOG_FORMAT", "text")));
    env.putAll(extra);
    // Tuning to try without a rebuild: -Dlogmeter.benchmark.serviceEnv=LOGMETER_MAX_CONCURRENT_FLUSHES=8,…
    for (String setting : System.getProperty("logmeter.benchmark.serviceEnv", "").split(",")) {
      if (setting.contains("=")) {
        env.put(setting.substring(0, setting.indexOf('=')).strip(), setting.substring(setting.indexOf('=') + 1).strip());
      }
    }
    return env;
  }

  private static EmbeddedProcess start(List<String> command, Map<String, String> env) throws IOException {
    Path jar = Path.of("target", "logmeter.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("build the jar first: mvn -q -DskipTests package");
    }
    Path log = Files.createTempFile("logmeter-bench-" + command.get(0), ".log");
    List<String> line = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    // Extra JVM options for the processes of one command, e.g. a flight recording of the service:
    // -Dlogmeter.benchmark.jvmOptions.serve="-XX:StartFlightRecording=filename=target/bench/serve.jfr"
    String options = System.getProperty("logmeter.benchmark.jvmOptions." + command.get(0), "").strip();
    if (!options.isEmpty()) {
      line.addAll(List.of(options.split("\\s+")));
    }
    line.addAll(List.of("-jar", jar.toString()));
    line.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new EmbeddedProcess(builder.start(), log);
  }

  /** The process's output (stdout and stderr). */
  Path log() {
    return log;
  }

  void awaitReady(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("service did not get ready; see " + log);
      }
      Thread.sleep(100);
    }
  }

  /**
   * User plus system CPU time of the process and its live child processes (the emulators' dynalite),
   * from /proc/<pid>/stat (clock ticks of 10 ms).
   */
  long cpuMillis() throws IOException {
    long millis = cpuMillis(process.pid());
    for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
      try {
        millis += cpuMillis(child.pid());
      } catch (IOException exited) {
        // gone since it was listed
      }
    }
    return millis;
  }

  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }

  /**
   * CPU time of the process's live threads in ms, by kind: "event loops" (Vert.x's, which also run
   * the AWS SDK's I/O), "JIT" (the compiler threads), "GC", and "other". Threads that have exited are
   * missing here but counted in {@link #cpuMillis()}.
   */
  Map<String, Long> cpuMillisByThreadKind() throws IOException {
    Map<String, Long> byKind = new java.util.TreeMap<>();
    cpuMillisByThread().forEach((thread, millis) -> {
      String name = thread.substring(thread.indexOf(' ') + 1);
      String kind = name.startsWith("vert.x-eventloo") ? "event loops"
          : name.contains("CompilerThre") ? "JIT"
          : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "GC" : "other";
      byKind.merge(kind, millis, Long::sum);
    });
    return byKind;
  }

  /** CPU time in ms of each live thread, keyed by "<tid> <name>". */
  Map<String, Long> cpuMillisByThread() throws IOException {
    Map<String, Long> byThread = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException exited) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        byThread.put(task.getFileName() + " " + name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10);
      }
    }
    return byThread;
  }

  /** Peak resident set size (VmHWM) in KiB. */
  long peakRssKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
