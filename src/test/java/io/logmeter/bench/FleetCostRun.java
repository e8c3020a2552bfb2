package io.logmeter.bench;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.fold.FoldHead;
import io.logmeter.server.AwsCallMetrics;
import io.logmeter.server.AwsClients;
import io.logmeter.server.Config;
import io.logmeter.server.ConfigLoader;
import io.logmeter.server.Resources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What each ledger costs per message at fleet scale, measured from outside on the requests the
 * services send: for each traffic case, today's {@code pages} ledger and the {@code fold}, each on
 * fresh resources, with K {@code serve} processes draining a preloaded queue. DynamoDB is billed by
 * a {@link WriteMeter} in front of the emulator, SQS counted by queue by a {@link SqsMeter}, S3 taken
 * from the services' own request counts; each run ends with every instance's export checked against
 * the messages sent.
 *
 * <p>The messages' event times lie in the hour before the run, so that the fold writes that hour to
 * pages and day items (once it is over and quiet for a minute) within the run, and its compaction is
 * billed with the rest.
 */
final class FleetCostRun {

  static final int MESSAGES = Integer.getInteger("logmeter.benchmark.fleetMessages", 20_000);
  private static final int DUPLICATE_PERCENT = 3;
  static final List<String> LEDGERS = List.of("pages", "fold");

  /**
   * List prices, us-east-1, as CostRun, FoldCostModel and docs/deployment.md bill them: DynamoDB on
   * demand ($0.625 and $0.125 per million units), S3 and SQS per request.
   */
  static final double WRITE_UNIT = 0.625e-6;
  static final double READ_UNIT = 0.125e-6;
  static final double S3_PUT = 0.005e-3;
  static final double S3_GET = 0.0004e-3;
  static final double SQS_REQUEST = 0.40e-6;

  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
  /** The fold writes an hour once it is over and quiet for a minute; then it has a period or two to do it. */
  private static final Duration WRITTEN_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration EXACT_TIMEOUT = Duration.ofMinutes(1);
  /** Long enough for the fold's slower rhythms (an idle period every 5 s, the lease every 10 s) to show. */
  private static final Duration IDLE = Duration.ofSeconds(20);

  /** A traffic case: how the messages spread over the accounts, and how many instances drain them. */
  record Case(String name, String traffic, Supplier<Accounts> accounts, int instances) {
  }

  static final List<Case> CASES = List.of(
      new Case("zipf-1k-1", "Zipf (s = 1) over 1,000 accounts", () -> Accounts.zipf(1_000), 1),
      new Case("uniform-1k-1", "uniform over 1,000 accounts", () -> Accounts.uniform(1_000), 1),
      new Case("zipf-10k-3", "Zipf (s = 1) over 10,000 accounts", () -> Accounts.zipf(10_000), 3),
      new Case("uniform-1k-3", "uniform over 1,000 accounts", () -> Accounts.uniform(1_000), 3),
      new Case("hot-3", "one hot account", () -> Accounts.uniform(1), 3));

  /** Columns of the table that the verdicts and the ratios read. */
  static final String WRITE_UNITS = "write units / message";
  static final String METERING_DOLLARS = "metering $ / million";
  static final String METERING_REQUESTS = "metering requests / 1,000";

  /** Cases where the fold's write units per message are to stay at most 0.1. */
  static final List<String> FOLD_UNIT_TARGET_CASES = List.of("zipf-10k-3", "uniform-1k-1", "uniform-1k-3");

  private FleetCostRun() {
  }

  static Map<String, Object> run(EmbeddedProcess.Ports ports) throws Exception {
    long started = System.nanoTime();
    List<Case> cases = chosen();
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try (AwsClients aws = AwsClients.create(config(vertx, ports, Map.of()), vertx,
        new AwsCallMetrics(new SimpleMeterRegistry()))) {
      Context context = vertx.getOrCreateContext();
      for (Case c : cases) {
        for (String ledger : LEDGERS) {
          Run run = new Run(c, ledger, ports, aws, vertx, context);
          run.measure();
          rows.add(run.row());
          details.put(c.name() + ", " + ledger, run.details());
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("messages per run", MESSAGES + " distinct, ~1 KiB of log data each, as SNS envelopes with event times "
        + "spread over the hour before the run; " + DUPLICATE_PERCENT + "% of them delivered twice");
    section.put("billed", "DynamoDB by WriteMeter (AWS on-demand rules) from the services' start until the ledger "
        + "has written everything (pages: the queue drained; fold: every pointer published and the hour compacted "
        + "into pages and day items), compaction included; SQS by SqsMeter per queue (ingest queue until drained, "
        + "fold queue until written); S3 from the services' logmeter_aws_requests_total at the same moment; per "
        + "distinct message. Not billed: the exactness checks, the stop (both in the details). The fold writes the "
        + "hour once its owner has folded for the margin (1 minute here) and the hour was quiet for it. Idle: "
        + IDLE.toSeconds() + " s after everything was written, with nothing to count, scaled to an hour");
    section.put("prices", "$0.625 per million write units, $0.125 per million read units, $0.005 per 1,000 S3 PUT "
        + "(and LIST), $0.0004 per 1,000 S3 GET (and HEAD), $0.40 per million SQS requests; metering = DynamoDB + S3 + "
        + "fold queue, with delivery = plus the ingest queue");
    section.put("cases", rows);
    section.put("3 instances against 1", ratios(rows));
    section.put("details", details);
    section.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    return section;
  }

  private static List<Case> chosen() {
    String names = System.getProperty("logmeter.benchmark.fleetCases");
    if (names == null || names.isBlank()) {
      return CASES;
    }
    List<Case> chosen = new ArrayList<>();
    for (String name : names.split(",")) {
      chosen.add(CASES.stream().filter(c -> c.name().equals(name.strip())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no fleet case " + name + "; there are "
              + CASES.stream().map(Case::name).toList())));
    }
    return chosen;
  }

  /** Metering requests per 1,000 messages with 3 instances over those with 1, per ledger, where a traffic has both. */
  private static List<Map<String, Object>> ratios(List<Map<String, Object>> rows) {
    List<Map<String, Object>> ratios = new ArrayList<>();
    for (Map<String, Object> three : rows) {
      for (Map<String, Object> one : rows) {
        if ((int) three.get("instances") == 3 && (int) one.get("instances") == 1
            && three.get("traffic").equals(one.get("traffic")) && three.get("ledger").equals(one.get("ledger"))) {
          double a = (double) one.get(METERING_REQUESTS);
          double b = (double) three.get(METERING_REQUESTS);
          Map<String, Object> ratio = new LinkedHashMap<>();
          ratio.put("traffic", three.get("traffic"));
          ratio.put("ledger", three.get("ledger"));
          ratio.put("metering requests / 1,000, 1 instance", a);
          ratio.put("metering requests / 1,000, 3 instances", b);
          ratio.put("ratio", round(b / a, 2));
          ratios.add(ratio);
        }
      }
    }
    return ratios;
  }

  /**
   * What the services sent over a stretch of a run: DynamoDB as the meter billed it, SQS by queue and
   * operation, S3 by operation (from the services' own counts).
   */
  record Spent(WriteMeter.Bill dynamo, Map<String, Map<String, Long>> sqs, Map<String, Double> s3) {

    long sqsRequests(String queue) {
      return sqs.getOrDefault(queue, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    double s3Requests() {
      return s3.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** DynamoDB, S3, and the fold queue's requests: what counting costs besides delivering. */
    double meteringRequests(String foldQueue) {
      return dynamo.billedRequests() + s3Requests() + sqsRequests(foldQueue);
    }

    double meteringDollars(String foldQueue) {
      double dollars = dynamo.totalWriteUnits() * WRITE_UNIT + dynamo.totalReadUnits() * READ_UNIT
          + sqsRequests(foldQueue) * SQS_REQUEST;
      for (Map.Entry<String, Double> op : s3.entrySet()) {
        dollars += op.getValue() * s3Price(op.getKey());
      }
      return dollars;
    }

    /** S3 bills PUT, COPY, POST and LIST at the PUT price, DELETE not, the rest (GET, HEAD) at the GET price. */
    private static double s3Price(String operation) {
      return operation.startsWith("Put") || operation.startsWith("Copy") || operation.startsWith("List")
          || operation.startsWith("Create") ? S3_PUT : operation.startsWith("Delete") ? 0 : S3_GET;
    }
  }

  /** One ledger on one case: its resources, meters and services, and what they measured. */
  private static final class Run {

    private final Case c;
    private final String ledger;
    private final EmbeddedProcess.Ports ports;
    private final AwsClients aws;
    private final Vertx vertx;
    private final Context context;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    /** The event times' hour: the one before the run. */
    private final Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Deliveries deliveries;

    private final List<EmbeddedProcess> services = new ArrayList<>();
    private final List<Integer> apiPorts = new ArrayList<>();
    private double secondsToDrain;
    private double secondsToWritten = -1;
    /** From the services' start until the ledger wrote everything; the ingest queue's requests until it drained. */
    private Spent spent;
    private Map<String, Map<String, Long>> sqsAtDrain;
    private Map<String, Double> serviceCounters;
    private final List<Long> receivedPerInstance = new ArrayList<>();
    private long sqsUnanswered;
    private final List<Map<String, Object>> counted = new ArrayList<>();
    private boolean exact;
    /** Over {@link #IDLE}, with nothing to count: what the design costs by the hour whatever the traffic. */
    private Spent idle;
    private Spent stopping;
    private final List<String> logWarnings = new ArrayList<>();

    Run(Case c, String ledger, EmbeddedProcess.Ports ports, AwsClients aws, Vertx vertx, Context context) {
      this.c = c;
      this.ledger = ledger;
      this.ports = ports;
      this.aws = aws;
      this.vertx = vertx;
      this.context = context;
      names.put("LOGMETER_QUEUE_NAME", "fleet-" + id);
      names.put("LOGMETER_DLQ_NAME", "fleet-" + id + "-dlq");
      names.put("LOGMETER_FOLD_QUEUE_NAME", "fleet-" + id + "-fold");
      names.put("LOGMETER_ALERT_QUEUE_NAME", "fleet-" + id + "-alerts");
      names.put("LOGMETER_BUCKET", "fleet-" + id);
      names.put("LOGMETER_LEDGER_TABLE", "fleet-ledger-" + id);
      names.put("LOGMETER_USAGE_TABLE", "fleet-usage-" + id);
      names.put("LOGMETER_LEDGER", ledger);
      names.put("LOGMETER_CREATE_RESOURCES", "true");
      names.put("LOGMETER_FOLD_COMPACT_AFTER_SECONDS", "60");
      names.put("LOGMETER_FOLD_PERIOD_MILLIS", "1000");
      deliveries = Deliveries.of(c, hour);
    }

    private String foldQueue() {
      return names.get("LOGMETER_FOLD_QUEUE_NAME");
    }

    private boolean folding() {
      return ledger.equals("fold");
    }

    void measure() throws Exception {
      System.out.printf("fleet: %s, %s: %d instances, hour %s, resources fleet-%s%n", c.name(), ledger, c.instances(),
          hour, id);
      // Created as the services would create them, before any starts: the queue is preloaded before
      // the first receive, and the fold's first hour is set before the first owner claims the head.
      String queueUrl = Resources.create(aws, config(vertx, ports, names)).get(1, TimeUnit.MINUTES);
      FoldHead head = new FoldHead(aws.dynamo(), context, names.get("LOGMETER_USAGE_TABLE"));
      if (folding()) {
        TestStack.on(context, () -> head.start(hour));
      }
      TestStack.sendAll(aws.sqs(), queueUrl, deliveries.bodies());
      String foldQueueUrl = aws.sqs().getQueueUrl(q -> q.queueName(foldQueue())).get(10, TimeUnit.SECONDS)
          .queueUrl();
      try (WriteMeter dynamo = new WriteMeter(ports.dynamodb()); SqsMeter sqs = new SqsMeter(ports.sqs())) {
        try {
          long started = System.nanoTime();
          start(dynamo, sqs);
          drainAndWrite(started, queueUrl, foldQueueUrl, head, dynamo, sqs);
          // The checks' reads are not the ledger's cost: they fall between the bill and the idle window.
          exact = within(EXACT_TIMEOUT, this::countedExactly);
          idle(dynamo, sqs);
        } finally {
          stop();
        }
        stopping = new Spent(dynamo.bill(), sqs.requests(), Map.of());
      }
      readLogs();
      System.out.printf("fleet: %s, %s: drained in %.0f s, written in %.0f s, exact %s%n", c.name(), ledger,
          secondsToDrain, secondsToWritten, exact);
    }

    /** Waits until the queue is drained and the ledger has written everything, then takes the bill. */
    private void drainAndWrite(long started, String queueUrl, String foldQueueUrl, FoldHead head, WriteMeter dynamo,
        SqsMeter sqs) throws Exception {
      if (!within(DRAIN_TIMEOUT, () -> depth(queueUrl) == 0)) {
        throw new IllegalStateException(c.name() + ", " + ledger + ": the queue still holds " + depth(queueUrl)
            + " messages after " + DRAIN_TIMEOUT + "; logs " + services.stream().map(EmbeddedProcess::log).toList());
      }
      secondsToDrain = (System.nanoTime() - started) / 1e9;
      sqsAtDrain = sqs.requests();
      // The fold has written everything once it has published every pointer (each deleted only then,
      // after the late records it named were written) and compacted the hour.
      if (!folding() || within(WRITTEN_TIMEOUT, () -> depth(foldQueueUrl) == 0
          && TestStack.on(context, head::read).compactedBefore().isAfter(hour))) {
        secondsToWritten = (System.nanoTime() - started) / 1e9;
      }
      serviceCounters = scrape();
      spent = new Spent(dynamo.bill(), sqs.requests(), s3(serviceCounters));
      sqsUnanswered = sqs.unanswered();
      for (int port : apiPorts) {
        receivedPerInstance.add(Math.round(IngestRun.scrape(port).getOrDefault("logmeter_messages_received_total",
            0.0)));
      }
    }

    /** What the services send over {@link #IDLE} with nothing to count; the meters start afresh before and after. */
    private void idle(WriteMeter dynamo, SqsMeter sqs) throws Exception {
      dynamo.reset();
      sqs.reset();
      Map<String, Double> s3Before = s3(scrape());
      Thread.sleep(IDLE.toMillis());
      Map<String, Double> s3Idle = s3(scrape());
      s3Before.forEach((op, n) -> s3Idle.merge(op, -n, Double::sum));
      idle = new Spent(dynamo.bill(), sqs.requests(), s3Idle);
      dynamo.reset();
      sqs.reset();
    }

    /** The services' warnings and errors, printed and counted. */
    private void readLogs() throws Exception {
      for (EmbeddedProcess service : services) {
        for (String line : Files.readAllLines(service.log())) {
          if ((line.contains(" WARN ") || line.contains(" ERROR ")) && !line.contains("authentication is disabled")) {
            logWarnings.add(service.log().getFileName() + ": " + line);
          }
        }
      }
      logWarnings.forEach(line -> System.out.println("fleet: " + line));
    }

    /** K services on the meters, started together, each ready. */
    private void start(WriteMeter dynamo, SqsMeter sqs) throws Exception {
      for (int i = 0; i < c.instances(); i++) {
        Map<String, String> extra = new HashMap<>(names);
        extra.put("LOGMETER_SQS_ENDPOINT", sqs.endpoint());
        extra.put("LOGMETER_DYNAMODB_ENDPOINT", dynamo.endpoint());
        extra.put("LOGMETER_INSTANCE_ID", "fleet-" + i);
        apiPorts.add(TestStack.freePort());
        services.add(EmbeddedProcess.service(ports, apiPorts.get(i), extra));
      }
      for (int i = 0; i < services.size(); i++) {
        services.get(i).awaitReady(apiPorts.get(i));
      }
    }

    private static double foldRecords(Map<String, Double> metrics, String outcome) {
      return metrics.getOrDefault("logmeter_fold_records_total{outcome=\"" + outcome + "\"}", 0.0);
    }

    /** SIGTERM to every service at once, then waits for each (stopped one by one, each would hand the fold to the next). */
    private void stop() {
      List<CompletableFuture<Void>> stopped = new ArrayList<>();
      for (EmbeddedProcess service : services) {
        stopped.add(CompletableFuture.runAsync(() -> {
          try {
            service.close();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).join();
    }

    /** Every service's metrics, summed. */
    private Map<String, Double> scrape() throws Exception {
      Map<String, Double> sum = new TreeMap<>();
      for (int port : apiPorts) {
        IngestRun.scrape(port).forEach((name, value) -> sum.merge(name, value, Double::sum));
      }
      return sum;
    }

    private static Map<String, Double> s3(Map<String, Double> metrics) {
      Map<String, Double> s3 = new TreeMap<>();
      IngestRun.awsRequests(metrics).forEach((op, n) -> {
        if (op.startsWith("s3 ")) {
          s3.put(op.substring(3), n);
        }
      });
      return s3;
    }

    /** Every instance's export of the hour's day sums the distinct messages sent and their bytes. */
    private boolean countedExactly() throws Exception {
      LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
      counted.clear();
      boolean all = true;
      for (int port : apiPorts) {
        String export = IngestRun.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/v1/usage?from=" + day + "&to=" + day + "&consistent=true")).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        long bytes = 0;
        long messages = 0;
        for (String line : export.split("\n")) {
          if (!line.isBlank()) {
            JsonObject account = new JsonObject(line);
            bytes += account.getLong("bytes");
            messages += account.getLong("messages");
          }
        }
        counted.add(Map.of("bytes", bytes, "messages", messages));
        all &= bytes == deliveries.bytes() && messages == deliveries.messages();
      }
      return all;
    }

    /**
     * Messages in the queue, visible or not; -1 when ElasticMQ does not answer in time (its queue's
     * actor, busy with many deliveries in flight, can keep a request waiting for tens of seconds).
     */
    private long depth(String queueUrl) throws Exception {
      try {
        var attributes = aws.sqs().getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNamesWithStrings(
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).get(1, TimeUnit.MINUTES)
            .attributesAsStrings();
        return Long.parseLong(attributes.get("ApproximateNumberOfMessages"))
            + Long.parseLong(attributes.get("ApproximateNumberOfMessagesNotVisible"));
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        return -1;
      }
    }

    /** Requests per 1,000 messages. */
    private double per1000(double requests) {
      return round(requests * 1000 / deliveries.messages(), 1);
    }

    Map<String, Object> row() {
      double messages = deliveries.messages();
      WriteMeter.Bill bill = spent.dynamo();
      long ingestRequests = sqsAtDrain.getOrDefault(names.get("LOGMETER_QUEUE_NAME"), Map.of()).values().stream()
          .mapToLong(Long::longValue).sum();
      double metering = spent.meteringDollars(foldQueue());
      List<String> s3ByOperation = new ArrayList<>();
      spent.s3().forEach((op, n) -> s3ByOperation.add(op + " " + per1000(n)));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("case", c.name());
      row.put("traffic", c.traffic());
      row.put("instances", c.instances());
      row.put("ledger", ledger);
      row.put("account-hours", deliveries.accounts());
      row.put("exact", exact);
      row.put("fold: counted / late", folding() ? Math.round(foldRecords(serviceCounters, "counted")) + " / "
          + Math.round(foldRecords(serviceCounters, "late")) : "");
      row.put(WRITE_UNITS, round(bill.totalWriteUnits() / messages, 3));
      row.put("read units / message", round(bill.totalReadUnits() / messages, 3));
      row.put("DynamoDB requests / 1,000", per1000(bill.billedRequests()));
      row.put("refused conditional writes", bill.failedConditions());
      row.put("S3 requests / 1,000", String.join(", ", s3ByOperation));
      row.put("SQS ingest queue / 1,000", per1000(ingestRequests));
      row.put("SQS fold queue / 1,000", per1000(spent.sqsRequests(foldQueue())));
      row.put(METERING_REQUESTS, per1000(spent.meteringRequests(foldQueue())));
      row.put(METERING_DOLLARS, round(metering * 1e6 / messages, 3));
      row.put("with delivery $ / million", round((metering + ingestRequests * SQS_REQUEST) * 1e6 / messages, 3));
      row.put("seconds to drain", Math.round(secondsToDrain));
      row.put("seconds to written", Math.round(secondsToWritten));
      row.put("idle metering $ / hour", round(idle.meteringDollars(foldQueue()) * 3600 / IDLE.toSeconds(), 4));
      return row;
    }

    Map<String, Object> details() {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("deliveries", deliveries.bodies().size());
      details.put("messages", deliveries.messages());
      details.put("bytes", deliveries.bytes());
      details.put("eventHour", hour.toString());
      details.put("receivedPerInstance", receivedPerInstance);
      details.put("countedPerInstance", counted);
      details.put("dynamodbByOperation", byOperation(spent.dynamo()));
      details.put("sqsRequestsAtDrain", sqsAtDrain);
      details.put("sqsRequestsAtWritten", spent.sqs());
      details.put("sqsRequestsTheEmulatorDropped", sqsUnanswered);
      details.put("awsRequestsByTheServices", IngestRun.awsRequests(serviceCounters));
      Map<String, Double> pipeline = new TreeMap<>();
      serviceCounters.forEach((name, value) -> {
        if (name.startsWith("logmeter_fold_") && name.contains("_total") || name.startsWith("logmeter_flush_size_")
            || name.startsWith("logmeter_dynamodb_items_written_total") || name.startsWith("logmeter_messages_")) {
          pipeline.put(name, value);
        }
      });
      details.put("serviceCounters", pipeline);
      details.put("idleSeconds", IDLE.toSeconds());
      details.put("idleDynamodbByOperation", byOperation(idle.dynamo()));
      details.put("idleSqsRequests", idle.sqs());
      details.put("idleS3Requests", idle.s3());
      details.put("stoppingDynamodbByOperation", byOperation(stopping.dynamo()));
      details.put("stoppingSqsRequests", stopping.sqs());
      details.put("logWarningsAndErrors", logWarnings.size());
      return details;
    }

    private static Map<String, String> byOperation(WriteMeter.Bill bill) {
      Map<String, String> byOperation = new TreeMap<>();
      bill.requests().forEach((op, n) -> byOperation.put(op, n + " requests, "
          + round(bill.writeUnits().getOrDefault(op, 0.0), 1) + " write units, "
          + round(bill.readUnits().getOrDefault(op, 0.0), 1) + " read units"));
      bill.writeUnits().forEach((op, units) -> byOperation.putIfAbsent(op, round(units, 1) + " write units"));
      return byOperation;
    }
  }

  /** The bodies sent, in the order sent, with the distinct messages they hold and their bytes of log data. */
  record Deliveries(List<String> bodies, long messages, long bytes, int accounts) {

    /** {@link #MESSAGES} envelopes over the hour, {@value #DUPLICATE_PERCENT}% of them sent twice, shuffled. */
    static Deliveries of(Case c, Instant hour) {
      Random random = new Random(42);
      Accounts accounts = c.accounts().get();
      List<String> bodies = new ArrayList<>();
      Set<String> sending = new HashSet<>();
      long bytes = 0;
      for (int i = 0; i < MESSAGES; i++) {
        String logData = IngestRun.logData(i, random);
        Instant at = hour.plusMillis(i * 3_600_000L / MESSAGES);
        String account = accounts.draw(random);
        bodies.add(Messages.envelope(new UUID(random.nextLong(), random.nextLong()).toString(), at, account, logData));
        sending.add(account);
        bytes += logData.getBytes(StandardCharsets.UTF_8).length;
      }
      List<String> again = new ArrayList<>(bodies);
      Collections.shuffle(again, random);
      bodies.addAll(again.subList(0, MESSAGES * DUPLICATE_PERCENT / 100));
      Collections.shuffle(bodies, random);
      return new Deliveries(bodies, MESSAGES, bytes, sending.size());
    }
  }

  /** The configuration a service of these settings gets, on the emulators themselves (not the meters). */
  private static Config config(Vertx vertx, EmbeddedProcess.Ports ports, Map<String, String> settings)
      throws Exception {
    return ConfigLoader.load(vertx, new JsonObject(), EmbeddedProcess.serviceEnvironment(ports, 0, settings))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} every half second; false if it did not hold within {@code timeout}. */
  private static boolean within(Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(500);
    }
    return true;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
