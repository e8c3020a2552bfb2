package io.logmeter;

import io.logmeter.server.Config;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * logmeter's {@code serve} command in a process of its own, configured through LOGMETER_*
 * variables, so that a test can kill it with SIGKILL or freeze it with SIGSTOP like a real crash or
 * a stalled machine.
 */
public final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  public static ServiceProcess start(JsonObject config) throws IOException {
    Path log = Files.createTempFile("logmeter-service", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.logmeter.Main",
        "serve"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    config.forEach(entry -> builder.environment().put(Config.environmentName(entry.getKey()),
        String.valueOf(entry.getValue())));
    builder.environment().put("LOGMETER_LOG_FORMAT", "text");
    builder.environment().put("LOGMETER_HTTP_HOST", "127.0.0.1");
    return new ServiceProcess(builder.start(), log, config.getInteger("httpPort"));
  }

  public void awaitReady(TestStack stack) throws InterruptedException {
    TestStack.await(Duration.ofSeconds(60), "service process ready; log " + log, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("service process exited; log " + log);
      }
      try {
        return stack.get(port, "/health/ready").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no drain, nothing flushed: a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, as systemd or an instance refresh sends it: the service drains and exits. */
  public void terminate() throws Exception {
    signal("TERM");
  }

  /** Waits until the process has exited; false if it still runs after {@code timeout}. */
  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The exit code of a process that has exited. */
  public int exitCode() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Where its output goes, for a failure message. */
  public Path log() {
    return log;
  }

  public void freeze() throws Exception {
    signal("STOP");
  }

  public void thaw() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " failed");
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      thaw();
      kill();
    }
  }
}
