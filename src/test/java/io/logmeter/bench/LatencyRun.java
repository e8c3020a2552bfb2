package io.logmeter.bench;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The latency part of the {@link Benchmark}: a message is sent to the queue of instance A, and its
 * usage polled (cached GET, every 10 ms) on A, which commits it, and on B, another instance sharing
 * the tables that only serves reads. Defaults: 500 ms batch age, 1 s cache refresh.
 */
final class LatencyRun {

  private static final int SAMPLES = Integer.getInteger("logmeter.benchmark.latencySamples", 40);

  private LatencyRun() {
  }

  static Map<String, Object> run(EmbeddedProcess.Ports ports) throws Exception {
    int portA = TestStack.freePort();
    int portB = TestStack.freePort();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(ports.sqs())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b"))).build()) {
      sqs.createQueue(q -> q.queueName("reads-only"));
      try (EmbeddedProcess a = EmbeddedProcess.service(ports, portA, Map.of());
          EmbeddedProcess b = EmbeddedProcess.service(ports, portB, Map.of("LOGMETER_QUEUE_NAME", "reads-only"))) {
        a.awaitReady(portA);
        b.awaitReady(portB);
        String queueUrl = sqs.getQueueUrl(q -> q.queueName("logmeter-ingest")).queueUrl();
        List<Double> same = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        for (int i = 0; i < SAMPLES + 5; i++) {
          String account = UUID.randomUUID().toString();
          long expected = bytes(http, portA, account) + 10;
          bytes(http, portB, account);
          long sent = System.nanoTime();
          sqs.sendMessage(s -> s.queueUrl(queueUrl).messageBody(Messages.raw(account, "0123456789")));
          double onA = -1;
          double onB = -1;
          while (onA < 0 || onB < 0) {
            if (onA < 0 && bytes(http, portA, account) >= expected) {
              onA = (System.nanoTime() - sent) / 1e6;
            }
            if (onB < 0 && bytes(http, portB, account) >= expected) {
              onB = (System.nanoTime() - sent) / 1e6;
            }
            if (System.nanoTime() - sent > Duration.ofSeconds(30).toNanos()) {
              throw new IllegalStateException("not visible after 30 s");
            }
            Thread.sleep(10);
          }
          if (i >= 5) {
            same.add(onA);
            other.add(onB);
          }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("samples", SAMPLES);
        report.put("sameInstanceP50Ms", percentile(same, 50));
        report.put("sameInstanceP99Ms", percentile(same, 99));
        report.put("otherInstanceP50Ms", percentile(other, 50));
        report.put("otherInstanceP99Ms", percentile(other, 99));
        return report;
      }
    }
  }

  private static long bytes(HttpClient http, int port, String account) throws Exception {
    HttpResponse<String> response = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/v1/accounts/" + account + "/usage")).build(), HttpResponse.BodyHandlers.ofString())
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    return new JsonObject(response.body()).getLong("bytes");
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    return Math.round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
  }
}
