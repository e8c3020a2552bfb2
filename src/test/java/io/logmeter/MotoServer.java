package io.logmeter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Moto's server mode in a process of its own, on loopback: the AWS APIs the embedded servers lack,
 * SNS above all, whose SQS subscriptions deliver real envelopes to moto's own queues. Found on the
 * PATH or in a pyenv installation ({@code pip install "moto[server]"} elsewhere).
 */
public final class MotoServer implements AutoCloseable {

  private final Process process;
  public final String endpoint;

  private MotoServer(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  public static MotoServer start() throws Exception {
    Path executable = find();
    int port = TestStack.freePort();
    Path log = Files.createTempFile("moto-", ".log");
    Process process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    MotoServer moto = new MotoServer(process, "http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        http.send(HttpRequest.newBuilder(URI.create(moto.endpoint + "/moto-api/")).timeout(Duration.ofSeconds(2))
            .build(), HttpResponse.BodyHandlers.discarding());
        return moto;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          moto.close();
          throw new IllegalStateException("moto_server did not start; its output: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  private static Path find() throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      candidates.add(Path.of(dir, "moto_server"));
    }
    Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
    if (Files.isDirectory(pyenv)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(pyenv)) {
        versions.forEach(v -> candidates.add(v.resolve("bin").resolve("moto_server")));
      }
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("moto_server is not installed (looked on the PATH and in ~/.pyenv/versions): "
        + "pip install \"moto[server]\"");
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
