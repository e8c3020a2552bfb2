package io.logmeter.bench;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The ingest part of the {@link Benchmark}, in one run and against the same embedded servers (a
 * separate {@code emulators} process): the SQS drain limit (receive 10 + delete batch, no work), a
 * per-message baseline (one S3 PUT and one DynamoDB update per message, as a simple serverless
 * consumer would), and logmeter itself (a {@code serve} process) on two traffic mixes. Each consumer
 * drains a queue preloaded with ~1 KiB messages, so publishing never competes with it for the two
 * cores. Rates, CPU time, requests and items written are taken over the steady part of each drain,
 * from {@value #WINDOW_FROM_PERCENT}% to {@value #WINDOW_TO_PERCENT}% of its messages, after a warm-up
 * drain of its own: the start before it and the tail after it, where the queue has run dry while
 * the pipeline still commits what it holds, are left out.
 */
final class IngestRun {

  static final int MESSAGES = Integer.getInteger("logmeter.benchmark.messages", 40_000);
  /** Drained by each logmeter process before its measured messages, so that the JIT has done most of its work. */
  private static final int WARM_UP_MESSAGES = Integer.getInteger("logmeter.benchmark.warmUpMessages", 30_000);
  private static final int BASELINE_MESSAGES = Integer.getInteger("logmeter.benchmark.baselineMessages", 2_000);
  /** The mixes logmeter runs on, by name: {@code uniform,skewed} by default. */
  private static final String MIXES = System.getProperty("logmeter.benchmark.mixes", "uniform,skewed");
  private static final int ACCOUNTS = 1_000;
  private static final int CONSUMERS = 8;
  private static final int WINDOW_FROM_PERCENT = 25;
  /**
   * Before the queue runs dry: the pollers stop receiving once the last message is in flight, up to
   * maxInFlightMessages (8,000) before the end, and a window reaching into that tail would count
   * commits without their receives.
   */
  private static final int WINDOW_TO_PERCENT = 75;
  /** One client for every scrape, HTTP/1.1 without an h2c upgrade attempt; each scrape bounded as a whole. */
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** How the messages spread over the accounts. */
  enum Mix {
    UNIFORM("uniform over 1,000 accounts"),
    SKEWED("Zipf (s = 1) over 1,000 accounts: the top 10 send 39% of the messages");

    final String description;

    Mix(String description) {
      this.description = description;
    }
  }

  private IngestRun() {
  }

  /** Sections of the report: the two references, then logmeter on each mix. */
  static Map<String, Map<String, Object>> run(EmbeddedProcess.Ports ports, EmbeddedProcess emulators)
      throws Exception {
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    try (SqsAsyncClient sqs = SqsAsyncClient.builder().endpointOverride(URI.create(ports.sqs()))
            .region(Region.US_EAST_1).credentialsProvider(credentials()).build();
        S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(URI.create(ports.s3())).region(Region.US_EAST_1)
            .credentialsProvider(credentials()).forcePathStyle(true)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(URI.create(ports.dynamodb()))
            .region(Region.US_EAST_1).credentialsProvider(credentials()).build()) {
      List<String> uniform = bodies(MESSAGES, Mix.UNIFORM, 5);
      Map<String, Object> references = new LinkedHashMap<>();
      references.put("messages", MESSAGES);
      references.put("meanLogDataBytes", Math.round(uniform.stream().mapToInt(IngestRun::logDataBytes).average()
          .orElse(0)));
      // Each reference is measured after a warm-up drain of its own, as logmeter is: the emulators'
      // JIT and this JVM's are then past their start, and each rate is the steady one.
      String drainQueue = sqs.createQueue(q -> q.queueName("bench-drain")).join().queueUrl();
      TestStack.sendAll(sqs, drainQueue, bodies(WARM_UP_MESSAGES, Mix.UNIFORM, 7));
      consume(sqs, drainQueue, WARM_UP_MESSAGES, emulators, messages -> CompletableFuture.completedFuture(null));
      // Three times logmeter's count: the drain is fast, and its window must not be a few seconds.
      TestStack.sendAll(sqs, drainQueue, bodies(3 * MESSAGES, Mix.UNIFORM, 9));
      Drained drained = consume(sqs, drainQueue, 3 * MESSAGES, emulators,
          messages -> CompletableFuture.completedFuture(null));
      double drain = drained.perSecond();
      references.put("drainMessages", 3 * MESSAGES);
      references.put("drainMessagesPerSecond", Math.round(drain));
      // What the SDK alone costs per message for a receive of ten and a delete batch, and what
      // ElasticMQ costs: the floor under any SQS consumer's CPU per message.
      references.put("drainConsumerCpuMicrosPerMessage", Math.round(drained.consumerCpuMicrosPerMessage()));
      references.put("drainEmulatorsCpuMicrosPerMessage", Math.round(drained.emulatorsCpuMicrosPerMessage()));

      String baselineQueue = sqs.createQueue(q -> q.queueName("bench-baseline")).join().queueUrl();
      Work perMessage = messages -> {
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
      };
      TestStack.sendAll(sqs, baselineQueue, bodies(BASELINE_MESSAGES / 2, Mix.UNIFORM, 7));
      consume(sqs, baselineQueue, BASELINE_MESSAGES / 2, emulators, perMessage);
      TestStack.sendAll(sqs, baselineQueue, uniform.subList(0, BASELINE_MESSAGES));
      Drained baselineDrained = consume(sqs, baselineQueue, BASELINE_MESSAGES, emulators, perMessage);
      double baseline = baselineDrained.perSecond();
      references.put("baselineMessages", BASELINE_MESSAGES);
      references.put("baselineMessagesPerSecond", Math.round(baseline));
      references.put("baselineEmulatorsCpuMicrosPerMessage", Math.round(baselineDrained.emulatorsCpuMicrosPerMessage()));
      sections.put("ingest references (SQS drain limit; per-message S3 + DynamoDB baseline)", references);

      String ingestQueue = sqs.getQueueUrl(q -> q.queueName("logmeter-ingest")).join().queueUrl();
      for (String name : MIXES.split(",")) {
        Mix mix = Mix.valueOf(name.strip().toUpperCase(Locale.ROOT));
        TestStack.sendAll(sqs, ingestQueue, bodies(WARM_UP_MESSAGES, mix, 7));
        TestStack.sendAll(sqs, ingestQueue, mix == Mix.UNIFORM ? uniform : bodies(MESSAGES, mix, 5));
        Map<String, Object> section = logmeter(ports, emulators, drain, baseline);
        section.put("mix", mix.description);
        sections.put("ingest, logmeter, " + mix.name().toLowerCase(Locale.ROOT), section);
      }
    }
    return sections;
  }

  /** A fresh serve process drains the preloaded ingest queue; figures over the steady window. */
  private static Map<String, Object> logmeter(EmbeddedProcess.Ports ports, EmbeddedProcess emulators, double drain,
      double baseline) throws Exception {
    int apiPort = TestStack.freePort();
    Map<String, Object> section = new LinkedHashMap<>();
    try (EmbeddedProcess service = EmbeddedProcess.service(ports, apiPort)) {
      service.awaitReady(apiPort);
      Snapshot start = awaitAccepted(service, apiPort, WARM_UP_MESSAGES);
      Snapshot from = awaitAccepted(service, apiPort, WARM_UP_MESSAGES + MESSAGES * WINDOW_FROM_PERCENT / 100);
      Map<String, Long> threadsFrom = service.cpuMillisByThreadKind();
      long emulatorsFrom = emulators.cpuMillis();
      Map<String, Long> emulatorThreadsFrom = emulators.cpuMillisByThread();
      Snapshot to = awaitAccepted(service, apiPort, WARM_UP_MESSAGES + MESSAGES * WINDOW_TO_PERCENT / 100);
      Map<String, Long> threadsTo = service.cpuMillisByThreadKind();
      long emulatorsTo = emulators.cpuMillis();
      Map<String, Long> emulatorThreadsTo = emulators.cpuMillisByThread();
      Snapshot end = awaitAccepted(service, apiPort, WARM_UP_MESSAGES + MESSAGES);
      double messages = to.accepted() - from.accepted();
      double rate = messages / ((to.nanos() - from.nanos()) / 1e9);
      section.put("warmUpMessages", WARM_UP_MESSAGES);
      section.put("messages", MESSAGES);
      section.put("window", WINDOW_FROM_PERCENT + "% to " + WINDOW_TO_PERCENT + "% of the measured messages");
      section.put("messagesPerSecond", Math.round(rate));
      section.put("measuredMessagesPerSecondAllIn", Math.round(MESSAGES / ((end.nanos() - start.nanos()) / 1e9)));
      section.put("ratioToDrain", round(rate / drain));
      section.put("ratioToBaseline", round(rate / baseline));
      section.put("serviceCpuMicrosPerMessage", Math.round((to.cpuMillis() - from.cpuMillis()) * 1000.0 / messages));
      Map<String, Long> byKind = new TreeMap<>();
      threadsTo.forEach((kind, millis) -> byKind.put(kind,
          Math.round((millis - threadsFrom.getOrDefault(kind, 0L)) * 1000.0 / messages)));
      section.put("serviceCpuMicrosPerMessageByThreads", byKind);
      // Where the two cores went during the window, and how busy the emulators' busiest thread was.
      double windowMillis = (to.nanos() - from.nanos()) / 1e6;
      section.put("serviceCoresUsed", round((to.cpuMillis() - from.cpuMillis()) / windowMillis));
      section.put("emulatorsCoresUsed", round((emulatorsTo - emulatorsFrom) / windowMillis));
      // The emulators share the two cores with the service: what they spend per message bounds
      // the rate whatever the service does. At most cores / (their CPU per message) even if the
      // service cost nothing.
      double emulatorsMicros = (emulatorsTo - emulatorsFrom) * 1000.0 / messages;
      section.put("emulatorsCpuMicrosPerMessage", Math.round(emulatorsMicros));
      section.put("boundIfServiceCostNothingMessagesPerSecond",
          Math.round(Runtime.getRuntime().availableProcessors() * 1e6 / emulatorsMicros));
      String busiest = null;
      long busiestMillis = -1;
      for (Map.Entry<String, Long> thread : emulatorThreadsTo.entrySet()) {
        long used = thread.getValue() - emulatorThreadsFrom.getOrDefault(thread.getKey(), 0L);
        if (used > busiestMillis) {
          busiest = thread.getKey();
          busiestMillis = used;
        }
      }
      section.put("emulatorsBusiestThread", busiest == null ? "" : busiest.substring(busiest.indexOf(' ') + 1));
      section.put("emulatorsBusiestThreadCoreShare", round(busiestMillis / windowMillis));
      section.put("servicePeakRssMiB", service.peakRssKiB() / 1024);
      double flushes = to.delta(from, "logmeter_flush_size_count");
      section.put("meanFlushSize", Math.round(to.delta(from, "logmeter_flush_size_sum") / flushes));
      double pages = to.delta(from, "logmeter_dynamodb_items_written_total{kind=\"page\"}");
      double days = to.delta(from, "logmeter_dynamodb_items_written_total{kind=\"day\"}");
      section.put("pagesPerFlush", Math.round(pages / flushes));
      // Where a flush's time goes: mean milliseconds of each step over the window.
      Map<String, Double> stepMillis = new LinkedHashMap<>();
      for (String step : List.of("archive", "commit", "acknowledge")) {
        String labels = "{step=\"" + step + "\"}";
        stepMillis.put(step, round(to.delta(from, "logmeter_flush_step_seconds_sum" + labels) * 1000
            / to.delta(from, "logmeter_flush_step_seconds_count" + labels)));
      }
      stepMillis.put("whole flush", round(to.delta(from, "logmeter_flush_duration_seconds_sum") * 1000
          / to.delta(from, "logmeter_flush_duration_seconds_count")));
      section.put("meanFlushStepMillis", stepMillis);
      Map<String, Double> requests = new TreeMap<>();
      Map<String, Double> requestsBefore = awsRequests(from.metrics());
      awsRequests(to.metrics()).forEach((op, value) -> {
        double per1000 = round((value - requestsBefore.getOrDefault(op, 0.0)) * 1000 / messages);
        if (per1000 > 0) {
          requests.put(op, per1000);
        }
      });
      section.put("awsRequestsPer1000Messages", requests);
      section.put("pagePutsPerMessage", round(pages / messages));
      section.put("dayUpdatesPerMessage", round(days / messages));
      // Write units by AWS's rules come from the cost part, which bills every request it sees; here
      // only what the local DynamoDB server reports.
      section.put("writeUnitsPerMessageAsTheServerReports",
          round(to.delta(from, "logmeter_dynamodb_write_units_total") / messages));
    }
    return section;
  }

  /** The service's counters and CPU time at one moment. */
  private record Snapshot(long nanos, long cpuMillis, Map<String, Double> metrics) {
    double accepted() {
      return metrics.getOrDefault("logmeter_messages_accepted_total", 0.0);
    }

    double delta(Snapshot earlier, String name) {
      return metrics.getOrDefault(name, 0.0) - earlier.metrics.getOrDefault(name, 0.0);
    }
  }

  private static Snapshot awaitAccepted(EmbeddedProcess service, int apiPort, long accepted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      long nanos = System.nanoTime();
      long cpu = service.cpuMillis();
      Snapshot snapshot = new Snapshot(nanos, cpu, scrape(apiPort));
      if (snapshot.accepted() >= accepted) {
        return snapshot;
      }
      if (nanos > deadline) {
        throw new IllegalStateException("only " + snapshot.accepted() + " of " + accepted + " messages accepted");
      }
      // Not too often: each scrape of /metrics costs the service CPU that would count against it.
      Thread.sleep(250);
    }
  }

  interface Work {
    CompletableFuture<?> handle(List<Message> messages);
  }

  /** A drain's rate over the window, and the CPU time per message its consumer and the emulators spent. */
  record Drained(double perSecond, double consumerCpuMicrosPerMessage, double emulatorsCpuMicrosPerMessage) {
  }

  /**
   * Drains {@code expected} messages with {@value #CONSUMERS} receive loops; messages per second
   * over the same steady window as logmeter's, and the CPU spent meanwhile by this JVM (the
   * consumer: nothing else runs in it then) and by the emulators.
   */
  private static Drained consume(SqsAsyncClient sqs, String queueUrl, int expected, EmbeddedProcess emulators,
      Work work) {
    AtomicLong done = new AtomicLong();
    long from = (long) expected * WINDOW_FROM_PERCENT / 100;
    long to = (long) expected * WINDOW_TO_PERCENT / 100;
    long[] fromMark = new long[3];
    long[] toMark = new long[3];
    AtomicLong marked = new AtomicLong();
    // One thread per loop: the common pool has a single worker on two cores, which would serialise them.
    ExecutorService threads = Executors.newFixedThreadPool(CONSUMERS);
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
          long total = done.addAndGet(messages.size());
          if (total >= from && marked.compareAndSet(0, 1)) {
            mark(fromMark, emulators);
          }
          if (total >= to && marked.compareAndSet(1, 2)) {
            mark(toMark, emulators);
          }
        }
      }, threads));
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
    threads.shutdown();
    double messages = to - from;
    return new Drained(messages / ((toMark[0] - fromMark[0]) / 1e9),
        (toMark[1] - fromMark[1]) / 1e3 / messages, (toMark[2] - fromMark[2]) * 1e3 / messages);
  }

  /** Now (ns), this JVM's CPU time (ns) and the emulators' (ms). */
  private static void mark(long[] mark, EmbeddedProcess emulators) {
    mark[0] = System.nanoTime();
    mark[1] = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    try {
      mark[2] = emulators.cpuMillis();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** ~1 KiB of log data each, half as SNS envelopes, over {@value #ACCOUNTS} accounts as {@code mix} says. */
  static List<String> bodies(int count, Mix mix, long seed) {
    Random random = new Random(seed);
    Accounts accounts = mix == Mix.UNIFORM ? Accounts.uniform(ACCOUNTS) : Accounts.zipf(ACCOUNTS);
    List<String> bodies = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String logData = logData(i, random);
      String account = accounts.draw(random);
      bodies.add(i % 2 == 0 ? Messages.raw(account, logData)
          : Messages.envelope(UUID.randomUUID().toString(), java.time.Instant.now(), account, logData));
    }
    return bodies;
  }

  /** About 1 KiB of log data, ASCII: a line with 768 random bytes in Base64. */
  static String logData(int i, Random random) {
    byte[] noise = new byte[768];
    random.nextBytes(noise);
    return "ts=" + i + " level=info msg=\"" + Base64.getEncoder().encodeToString(noise) + "\"";
  }

  private static int logDataBytes(String body) {
    JsonObject json = new JsonObject(body);
    String logData = json.containsKey("Message") ? new JsonObject(json.getString("Message")).getString("logData")
        : json.getString("logData");
    return logData.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Every sample of /metrics, by name with its labels. */
  static Map<String, Double> scrape(int port) throws Exception {
    String text = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).body();
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (!line.startsWith("#") && space > 0) {
        // Label sets end in "}" or ",}" depending on the Prometheus client: keep one spelling.
        samples.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples;
  }

  /** The AWS requests a service sent, from its metrics, by "service Operation" (the service in lower case). */
  static Map<String, Double> awsRequests(Map<String, Double> metrics) {
    Map<String, Double> requests = new TreeMap<>();
    metrics.forEach((name, value) -> {
      if (name.startsWith("logmeter_aws_requests_total{")) {
        String awsService = name.replaceAll(".*service=\"([^\"]+)\".*", "$1").toLowerCase(Locale.ROOT);
        requests.put(awsService + ' ' + name.replaceAll(".*operation=\"([^\"]+)\".*", "$1"), value);
      }
    });
    return requests;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"));
  }
}
