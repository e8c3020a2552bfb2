package io.logmeter.local;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dynalite, the open-source DynamoDB server of local mode and the tests, as a child process of this
 * JVM on loopback. It runs on Node.js, from the project's own install (the build puts it in
 * target/dynalite), else a {@code dynalite} on the PATH. The child reads its standard input and exits
 * when it closes, so it ends with this JVM however the JVM ends, kill -9 included; it ignores the
 * Ctrl-C that reaches the whole terminal, so that local mode drains with its DynamoDB still up;
 * and it outlives a client that disconnects in the middle of a request, which dynalite's own
 * server does not (it rethrows the request's error).
 *
 * <p>docs/design.md ("The local DynamoDB server") says why dynalite and what it does not do.
 */
final class Dynalite implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dynalite.class);

  /** What to install when no dynalite is found: the one line a newcomer sees. */
  static final String MISSING = "the local DynamoDB server (dynalite) is not installed: install Node.js 18+ "
      + "(Debian: apt-get install -y nodejs npm) and build with `mvn -q -DskipTests package`, which installs it "
      + "under target/dynalite, or run `npm install -g dynalite@4.0.0`";

  /**
   * Starts the server from the package directory given, answers "ready" once it listens, and exits
   * when its standard input closes. Tables turn ACTIVE within milliseconds (dynalite's default is
   * 500 ms in CREATING).
   */
  private static final String LAUNCHER = String.join("\n",
      "const [dir, host, port, path] = process.argv.slice(1);",
      "const server = require(dir)({ path: path || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });",
      "server.on('error', e => { console.error(e.message); process.exit(1); });",
      "server.listen(Number(port), host, () => console.log('ready'));",
      "process.on('SIGINT', () => { });",
      // dynalite rethrows a request's error: a client gone mid-request (kill -9) would end the server.
      "process.on('uncaughtException', e => console.error('request failed: ' + (e && e.message)));",
      "process.stdin.on('end', () => process.exit(0));",
      "process.stdin.on('error', () => process.exit(0));",
      "process.stdin.resume();");

  private final Process process;

  private Dynalite(Process process) {
    this.process = process;
  }

  /**
   * @param directory where the tables are kept (LevelDB), so that they survive a restart; null to
   *     keep them in memory
   */
  static Dynalite start(String host, int port, Path directory) throws IOException, InterruptedException {
    Path packageDir = find().orElseThrow(() -> new MissingServerException(MISSING));
    List<String> command = List.of("node", "-e", LAUNCHER, packageDir.toString(), host, Integer.toString(port),
        directory == null ? "" : directory.toString());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new MissingServerException("Node.js is not installed, and the local DynamoDB server (dynalite) runs on it: "
          + "apt-get install -y nodejs");
    }
    Dynalite dynalite = new Dynalite(process);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread output = new Thread(() -> dynalite.follow(ready), "dynalite-output");
    output.setDaemon(true);
    output.start();
    try {
      ready.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      dynalite.close();
      throw new IOException("dynalite did not start on " + host + ":" + port + ": "
          + (e.getCause() == null ? e : e.getCause()).getMessage());
    }
    return dynalite;
  }

  /** Forwards the child's output to the log; completes {@code ready} on its first "ready". */
  private void follow(CompletableFuture<Void> ready) {
    List<String> early = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!ready.isDone() && line.equals("ready")) {
          ready.complete(null);
        } else if (!ready.isDone()) {
          early.add(line);
        } else {
          log.info("dynalite: {}", line);
        }
      }
    } catch (IOException e) {
      log.debug("dynalite's output ended: {}", e.toString());
    }
    ready.completeExceptionally(new IOException("exited: " + String.join(" / ", early)));
  }

  /**
   * The directory of the dynalite package: the project's own install under the build directory
   * (beside the jar, or target/ of the working directory), the version its lock pins, else a
   * {@code dynalite} command on the PATH (its real path is the package's cli.js).
   */
  static Optional<Path> find() {
    List<Path> builds = new ArrayList<>();
    codeDirectory().ifPresent(builds::add);
    builds.add(Path.of("target"));
    return find(candidates(builds, System.getenv().getOrDefault("PATH", "")));
  }

  /** Where to look for a {@code dynalite} command, in order: the build directories', then the PATH's. */
  static List<Path> candidates(List<Path> builds, String path) {
    List<Path> candidates = new ArrayList<>();
    builds.forEach(build -> candidates.add(build.resolve("dynalite/node_modules/.bin/dynalite")));
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "dynalite"));
      }
    }
    return candidates;
  }

  /** The package directory of the first candidate that is an executable dynalite command. */
  static Optional<Path> find(List<Path> candidates) {
    for (Path command : candidates) {
      try {
        if (Files.isExecutable(command)) {
          Path packageDir = command.toRealPath().getParent();
          if (Files.isRegularFile(packageDir.resolve("package.json"))) {
            return Optional.of(packageDir);
          }
        }
      } catch (IOException e) {
        log.debug("not a dynalite: {}: {}", command, e.toString());
      }
    }
    return Optional.empty();
  }

  /** The directory holding this jar (target/), or holding target/classes when run from the build. */
  private static Optional<Path> codeDirectory() {
    try {
      Path code = Path.of(Dynalite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Optional.ofNullable(code.getParent());
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stops the server: its input closed, it exits; killed if it has not within 5 s. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      log.debug("dynalite's input was closed already: {}", e.toString());
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** No dynalite to start: the message says what to install. */
  static final class MissingServerException extends IllegalStateException {
    MissingServerException(String message) {
      super(message);
    }
  }
}
