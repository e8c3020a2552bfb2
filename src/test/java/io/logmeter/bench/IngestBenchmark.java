package io.logmeter.bench;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Ingest benchmark, in one run and against the same embedded servers (a separate process started
 * with {@code java -jar target/logmeter.jar emulators}): the SQS drain limit (receive 10 + delete
 * batch, no work), a per-message baseline (one S3 PUT and one DynamoDB update per message, as a
 * simple serverless consumer would), and logmeter itself (a {@code serve} process). Each consumer
 * drains a queue preloaded with the same ~1 KiB messages over many accounts, so publishing never
 * competes with it for the two cores. Writes target/bench/ingest.md and ingest.json.
 *
 * <p>{@code mvn -q -DskipTests package && mvn -q test -Dtest=IngestBenchmark -Dlogmeter.benchmark=true}
 */
@EnabledIfSystemProperty(named = "logmeter.benchmark", matches = "true")
class IngestBenchmark {

  private static final int MESSAGES = Integer.getInteger("logmeter.benchmark.messages", 20_000);
  private static final int BASELINE_MESSAGES = Integer.getInteger("logmeter.benchmark.baselineMessages", 2_000);
  private static final int ACCOUNTS = 1_000;
  private static final int CONSUMERS = 8;

  @Test
  void ingest() throws Exception {
    EmbeddedProcess.Ports ports = new EmbeddedProcess.Ports(TestStack.freePort(), TestStack.freePort(),
        TestStack.freePort());
    try (EmbeddedProcess emulators = EmbeddedProcess.emulators(ports);
        SqsAsyncClient sqs = SqsAsyncClient.builder().endpointOverride(URI.create(ports.sqs())).region(Region.US_EAST_1)
            .credentialsProvider(credentials()).build();
        S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(URI.create(ports.s3())).region(Region.US_EAST_1)
            .credentialsProvider(credentials()).forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(URI.create(ports.dynamodb()))
            .region(Region.US_EAST_1).credentialsProvider(credentials()).build()) {
      List<String> bodies = bodies(MESSAGES);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
          + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      report.put("messages", MESSAGES);
      report.put("accounts", ACCOUNTS);
      report.put("meanLogDataBytes", bodies.stream().mapToInt(String::length).average().orElse(0));

      String drainQueue = sqs.createQueue(q -> q.queueName("bench-drain")).join().queueUrl();
      TestStack.sendAll(sqs, drainQueue, bodies);
      double drain = consume(sqs, drainQueue, MESSAGES, messages -> CompletableFuture.completedFuture(null));
      report.put("drainMessagesPerSecond", Math.round(drain));

      String baselineQueue = sqs.createQueue(q -> q.queueName("bench-baseline")).join().queueUrl();
      TestStack.sendAll(sqs, baselineQueue, bodies.subList(0, BASELINE_MESSAGES));
      double baseline = consume(sqs, baselineQueue, BASELINE_MESSAGES, messages -> {
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (Message m : messages) {
          String account = new JsonObject(m.body()).getString("accountId");
          byte[] raw = m.body().getBytes(StandardCharsets.UTF_8);
          work.add(s3.putObject(p -> p.bucket("logmeter-raw").key("baseline/" + m.messageId()).contentLength(
              (long) raw.length), AsyncRequestBody.fromBytes(raw)).thenCompose(put -> dynamo.updateItem(u -> u
              .tableName("logmeter-usage")
              .key(Map.of("pk", AttributeValue.fromS("baseline-" + account), "sk", AttributeValue.fromS("T#0")))
              .updateExpression("ADD #b :b, #m :one")
              .expressionAttributeNames(Map.of("#b", "bytes", "#m", "messages"))
              .expressionAttributeValues(Map.of(":b", AttributeValue.fromN(Integer.toString(raw.length)),
                  ":one", AttributeValue.fromN("1"))))));
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
      });
      report.put("baselineMessagesPerSecond", Math.round(baseline));

      String ingestQueue = sqs.getQueueUrl(q -> q.queueName("logmeter-ingest")).join().queueUrl();
      TestStack.sendAll(sqs, ingestQueue, bodies);
      int apiPort = TestStack.freePort();
      try (EmbeddedProcess service = EmbeddedProcess.service(ports, apiPort)) {
        service.awaitReady(apiPort);
        long cpuBefore = service.cpuMillis();
        long started = System.nanoTime();
        while (metric(apiPort, "logmeter_messages_accepted_total") < MESSAGES) {
          Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long cpuMillis = service.cpuMillis() - cpuBefore;
        double rate = MESSAGES / seconds;
        report.put("logmeterMessagesPerSecond", Math.round(rate));
        report.put("ratioToDrain", round(rate / drain));
        report.put("ratioToBaseline", round(rate / baseline));
        report.put("serviceCpuMicrosPerMessage", round(cpuMillis * 1000.0 / MESSAGES));
        report.put("servicePeakRssMiB", service.peakRssKiB() / 1024);
        Map<String, Double> requests = new LinkedHashMap<>();
        for (String line : scrape(apiPort).split("\n")) {
          if (line.startsWith("logmeter_aws_requests_total{")) {
            String op = line.replaceAll(".*operation=\"([^\"]+)\".*service=\"([^\"]+)\".*", "$2 $1");
            requests.put(op, round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000 / MESSAGES));
          }
        }
        report.put("awsRequestsPer1000Messages", requests);
        report.put("writeUnitsPerMessage", round(metric(apiPort, "logmeter_dynamodb_write_units_total") / MESSAGES));
        report.put("duplicatesDropped", metric(apiPort, "logmeter_messages_duplicates_total"));
      }
      write(report);
    }
  }

  interface Work {
    CompletableFuture<?> handle(List<Message> messages);
  }

  /** Drains {@code expected} messages with {@value #CONSUMERS} receive loops; messages per second. */
  private static double consume(SqsAsyncClient sqs, String queueUrl, int expected, Work work) {
    AtomicLong done = new AtomicLong();
    long started = System.nanoTime();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < CONSUMERS; i++) {
      loops.add(CompletableFuture.runAsync(() -> {
        while (done.get() < expected) {
          List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
              .waitTimeSeconds(1)).join().messages();
          if (messages.isEmpty()) {
            continue;
          }
          work.handle(messages).join();
          List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
          for (int m = 0; m < messages.size(); m++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(m))
                .receiptHandle(messages.get(m).receiptHandle()).build());
          }
          sqs.deleteMessageBatch(d -> d.queueUrl(queueUrl).entries(entries)).join();
          done.addAndGet(messages.size());
        }
      }));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
    return done.get() / ((System.nanoTime() - started) / 1e9);
  }

  /** ~1 KiB of log data each, over {@value #ACCOUNTS} accounts, half as SNS envelopes. */
  private static List<String> bodies(int count) {
    Random random = new Random(5);
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts.add(UUID.nameUUIDFromBytes(("account" + i).getBytes(StandardCharsets.UTF_8)).toString());
    }
    List<String> bodies = new ArrayList<>(count);
    byte[] noise = new byte[768];
    for (int i = 0; i < count; i++) {
      random.nextBytes(noise);
      String logData = "ts=" + i + " level=info msg=\"" + Base64.getEncoder().encodeToString(noise) + "\"";
      String account = accounts.get(random.nextInt(ACCOUNTS));
      bodies.add(i % 2 == 0 ? Messages.raw(account, logData)
          : Messages.envelope(UUID.randomUUID().toString(), java.time.Instant.now(), account, logData));
    }
    return bodies;
  }

  private static double metric(int port, String name) throws IOException, InterruptedException {
    for (String line : scrape(port).split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    return 0;
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
  }

  private static void write(Map<String, Object> report) throws IOException {
    Path dir = Path.of("target", "bench");
    Files.createDirectories(dir);
    JsonObject json = new JsonObject(report);
    Files.writeString(dir.resolve("ingest.json"), json.encodePrettily());
    StringBuilder md = new StringBuilder("# Ingest benchmark\n\n| measure | value |\n|---|---|\n");
    report.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
    Files.writeString(dir.resolve("ingest.md"), md.toString());
    System.out.println(md);
  }
}
