package io.logmeter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.ServiceProcess;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.fold.FoldHead;
import io.logmeter.reconcile.Progress;
import io.logmeter.reconcile.ReconcileOptions;
import io.logmeter.reconcile.Reconciliation;
import io.logmeter.reconcile.Report;
import io.logmeter.server.AwsCallMetrics;
import io.logmeter.server.AwsClients;
import io.logmeter.server.Config;
import io.logmeter.server.Resources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One scenario's world: fresh queue, bucket and tables on the emulators process, the service as a
 * process of its own (reaching SQS, S3 and DynamoDB each through a relay that can be cut), a watch
 * on its in-flight gauges and memory, the faults injected, and the final verdict against the ground
 * truth.
 */
final class FaultRig implements AutoCloseable {

  /** Rejected bodies name this account: it must never be billed. */
  private static final String MALFORMED_ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";

  private final String scenario;
  private final TestStack stack;
  private final Names names = Names.fresh();
  private final int port = TestStack.freePort();
  private final TcpProxy sqsProxy;
  private final TcpProxy s3Proxy;
  private final TcpProxy dynamoDbProxy;
  private final List<ServiceProcess> otherInstances = new ArrayList<>();
  private final JsonObject config;
  private final ProcessWatch watch;
  private final List<String> faults = new ArrayList<>();
  private final Set<Dependency> down = java.util.EnumSet.noneOf(Dependency.class);
  private final long startedNanos = System.nanoTime();
  private volatile ServiceProcess service;
  private long faultsOverNanos;
  private String queueUrl;
  private String dlqUrl;

  /** @param tuning service settings of this scenario, over the test defaults (10 s visibility) */
  FaultRig(String scenario, TestStack stack, JsonObject tuning) throws Exception {
    this.scenario = scenario;
    this.stack = stack;
    this.sqsProxy = new TcpProxy(URI.create(stack.sqsEndpoint()).getPort());
    this.s3Proxy = new TcpProxy(URI.create(stack.s3Endpoint()).getPort());
    this.dynamoDbProxy = new TcpProxy(URI.create(stack.dynamodbEndpoint()).getPort());
    this.config = stack.config(names, port).put("sqsEndpoint", sqsProxy.endpoint())
        .put("s3Endpoint", s3Proxy.endpoint()).put("dynamodbEndpoint", dynamoDbProxy.endpoint())
        .put("visibilityTimeoutSeconds", 10).mergeIn(tuning);
    if ("fold".equals(config.getString("ledger"))) {
      config.put("foldQueueName", names.queue() + "-fold");
    }
    this.watch = new ProcessWatch(port, () -> {
      ServiceProcess current = service;
      return current == null || !current.isAlive() ? -1 : current.pid();
    });
  }

  JsonObject config() {
    return config;
  }

  String queueUrl() {
    return queueUrl;
  }

  String dlqUrl() {
    return dlqUrl;
  }

  ProcessWatch watch() {
    return watch;
  }

  ServiceProcess service() {
    return service;
  }

  /** Where the services reach DynamoDB by default: the relay that {@link Dependency#DYNAMODB} cuts. */
  String dynamoDbRelay() {
    return dynamoDbProxy.endpoint();
  }

  /** Sends the services' DynamoDB traffic through {@code endpoint} (a fault proxy in front of the relay). */
  void routeDynamoDbThrough(String endpoint) {
    config.put("dynamodbEndpoint", endpoint);
  }

  /**
   * Another instance sharing the queue and the tables, on a port of its own; it runs until the rig
   * is closed. The verdict reads usage from the first instance.
   */
  void startAnotherInstance() throws Exception {
    ServiceProcess other = ServiceProcess.start(config.copy().put("httpPort", TestStack.freePort()));
    otherInstances.add(other);
    other.awaitReady(stack);
  }

  /** Starts the service and waits until it is ready; the first start creates the queues and tables. */
  void startService() throws Exception {
    ServiceProcess started = ServiceProcess.start(config);
    service = started;
    started.awaitReady(stack);
    if (queueUrl == null) {
      queueUrl = names.queueUrl(stack);
      dlqUrl = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
    }
  }

  /**
   * Creates the queues, bucket and tables as a first start would, and sets the first hour the fold
   * counts, before any instance runs: what {@code fold-start} does on a fleet.
   */
  void createFoldingFrom(Instant hour) throws Exception {
    withClients((vertx, aws) -> {
      queueUrl = Resources.create(aws, Config.from(Config.defaults().mergeIn(config.copy()))).get(1, TimeUnit.MINUTES);
      dlqUrl = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
      FoldHead head = new FoldHead(aws.dynamo(), vertx.getOrCreateContext(), names.usage());
      assertThat(TestStack.on(vertx.getOrCreateContext(), () -> head.start(hour))).as("the fold's first hour set")
          .isPresent();
      return null;
    });
  }

  /** The fold's {@code compactedBefore} as its head holds it; the epoch while it cannot be read. */
  Instant foldCompactedBefore() {
    try {
      return withClients((vertx, aws) -> TestStack.on(vertx.getOrCreateContext(),
          new FoldHead(aws.dynamo(), vertx.getOrCreateContext(), names.usage())::read)).compactedBefore();
    } catch (Exception e) {
      return Instant.EPOCH;
    }
  }

  /** The ledger's pages by partition (an account's hour): how many each holds. */
  Map<String, Integer> ledgerPages() {
    Map<String, Integer> pages = new HashMap<>();
    for (var page : stack.dynamo.scanPaginator(r -> r.tableName(names.ledger()).consistentRead(true)
        .projectionExpression("pk"))) {
      page.items().forEach(item -> pages.merge(item.get("pk").s(), 1, Integer::sum));
    }
    return pages;
  }

  /** Whether the ledger table holds any page yet: one item read at most. */
  boolean anyLedgerPage() {
    return stack.dynamo.scan(r -> r.tableName(names.ledger()).consistentRead(true).limit(1)).count() > 0;
  }

  /** Clients that reach the emulators directly, not through the relays, for the test's own reads. */
  private <T> T withClients(ClientsCall<T> call) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Config direct = Config.from(Config.defaults().mergeIn(stack.config(names, port)));
      try (AwsClients aws = AwsClients.create(direct, vertx, new AwsCallMetrics(new SimpleMeterRegistry()))) {
        return call.apply(vertx, aws);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private interface ClientsCall<T> {
    T apply(Vertx vertx, AwsClients aws) throws Exception;
  }

  /** SIGKILL: no drain, no release; what it held comes back after its visibility timeout. */
  void kill() throws Exception {
    fault("kill -9");
    service.kill();
    service.close();
    service = null;
  }

  /** How a SIGTERM went: how long the process took to exit, and whether it said it was not ready meanwhile. */
  record Stop(Duration took, boolean reportedNotReady) {
  }

  /** SIGTERM, failing if the process did not exit within {@code limit}; /health/ready is watched meanwhile. */
  Stop terminate(Duration limit) throws Exception {
    fault("SIGTERM");
    long sent = System.nanoTime();
    long deadline = sent + limit.toNanos();
    service.terminate();
    boolean notReady = false;
    while (service.isAlive() && System.nanoTime() < deadline) {
      try {
        notReady |= stack.get(port, "/health/ready").statusCode() == 503;
      } catch (Exception closed) {
        // The HTTP server closes last, just before the exit.
      }
      Thread.sleep(50);
    }
    boolean exited = service.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    Duration took = Duration.ofNanos(System.nanoTime() - sent);
    assertThat(exited).as("exited within %s after SIGTERM; log %s", limit, service.log()).isTrue();
    service.close();
    service = null;
    return new Stop(took, notReady);
  }

  /**
   * A dependency the service cannot reach for a while: its relay is cut, so new connections are
   * refused and open ones reset, while the server and its data stay as they were (and publishers
   * keep sending to SQS directly, as SNS would).
   */
  enum Dependency {
    S3,
    DYNAMODB,
    SQS
  }

  private TcpProxy relay(Dependency dependency) {
    return switch (dependency) {
      case S3 -> s3Proxy;
      case DYNAMODB -> dynamoDbProxy;
      case SQS -> sqsProxy;
    };
  }

  void takeDown(Dependency dependency) throws Exception {
    down.add(dependency);
    relay(dependency).cut();
  }

  void bringBack(Dependency dependency) throws Exception {
    if (!down.remove(dependency)) {
      return;
    }
    relay(dependency).restore();
    faultOver();
  }

  /** Takes the dependency down for {@code length}, then brings it back. */
  void outage(Dependency dependency, Duration length) throws Exception {
    fault(dependency + " down " + length.toSeconds() + " s");
    takeDown(dependency);
    try {
      Thread.sleep(length.toMillis());
    } finally {
      bringBack(dependency);
    }
  }

  void fault(String what) {
    faults.add(what);
  }

  void faultOver() {
    faultsOverNanos = System.nanoTime();
  }

  long visible() {
    return stack.visible(queueUrl);
  }

  long notVisible() {
    return stack.notVisible(queueUrl);
  }

  long deadLettered() {
    return stack.queueDepth(dlqUrl);
  }

  /** An account's billed messages, read strongly consistently; -1 while the service does not answer. */
  long usage(String account) {
    try {
      return stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("messages");
    } catch (Exception e) {
      return -1;
    }
  }

  long usageBytes(String account) throws Exception {
    return stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("bytes");
  }

  /** A counter of the running service's /metrics, or -1 while it does not answer. */
  double metric(String name) {
    try {
      return stack.metric(port, name);
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * The verdict, once the queue has drained: every account billed exactly its ground truth over
   * HTTP ({@code consistent=true}); every accepted message in the raw archive and nothing else;
   * every malformed body in {@code rejected/} and never billed; the reconciliation of the archive
   * against the counters without drift; the DLQ holding exactly {@code deadLetters}, intact; the
   * in-flight bound kept throughout.
   */
  Figures verify(Traffic traffic, Duration drainTimeout, List<String> deadLetters, String notes) throws Exception {
    TestStack.await(drainTimeout, "queue " + queueUrl + " drained", () -> visible() + notVisible() == 0);
    if ("fold".equals(config.getString("ledger"))) {
      // Acknowledged is not yet counted: the answers say through when they count.
      Instant drained = Instant.now();
      String account = traffic.accounts().iterator().next();
      TestStack.await(drainTimeout, "the fold counting through the drain", () -> !countedThrough(account)
          .isBefore(drained));
    }
    double recovery = faultsOverNanos == 0 ? 0 : (System.nanoTime() - faultsOverNanos) / 1e9;
    double seconds = (System.nanoTime() - startedNanos) / 1e9;

    List<String> wrong = new ArrayList<>();
    for (String account : traffic.accounts()) {
      long[] want = traffic.expected().getOrDefault(account, new long[2]);
      JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
      if (usage.getLong("bytes") != want[0] || usage.getLong("messages") != want[1]) {
        wrong.add(account + ": billed " + usage.getLong("bytes") + " bytes / " + usage.getLong("messages")
            + " messages, sent " + want[0] + " / " + want[1]);
      }
    }
    assertThat(wrong).as("accounts billed differently from what was sent (the DLQ holds %d)", deadLettered())
        .isEmpty();
    assertThat(stack.getJson(port, "/v1/accounts/" + MALFORMED_ACCOUNT + "/usage?consistent=true")
        .getLong("messages")).as("malformed bodies billed").isZero();

    Map<String, Integer> archived = new HashMap<>();
    for (JsonObject record : records("raw/")) {
      archived.merge(record.getString("messageId"), 1, Integer::sum);
    }
    Set<String> missing = new HashSet<>(traffic.acceptedIds());
    missing.removeAll(archived.keySet());
    assertThat(missing).as("accepted messages missing from the raw archive").isEmpty();
    Set<String> unexpected = new HashSet<>(archived.keySet());
    unexpected.removeAll(traffic.acceptedIds());
    assertThat(unexpected).as("raw records of messages never sent").isEmpty();
    long archivedRecords = archived.values().stream().mapToLong(Integer::longValue).sum();

    Set<String> rejected = new HashSet<>();
    for (JsonObject record : records("rejected/")) {
      rejected.add(record.getString("body"));
    }
    assertThat(rejected).as("malformed bodies archived under rejected/").containsAll(traffic.malformed());

    Report reconciliation = reconcile(traffic.firstDay());
    assertThat(reconciliation.differences()).as(reconciliation.summary()).isEmpty();
    assertThat(reconciliation.clean()).isTrue();
    long archiveMessages = reconciliation.archive().values().stream().mapToLong(u -> u.messages()).sum();
    assertThat(archiveMessages).as("messages recounted from the archive").isEqualTo(traffic.messages());

    List<String> dead = deadLetterBodies();
    assertThat(dead).as("dead-lettered bodies").containsExactlyInAnyOrderElementsOf(deadLetters);

    long bound = config.getLong("maxInFlightMessages", Config.defaults().getLong("maxInFlightMessages"));
    assertThat(watch.maxInFlight()).as("in-flight gauge").isLessThanOrEqualTo(bound);

    Figures figures = new Figures(scenario, traffic.messages(), traffic.bytes(), traffic.deliveries(),
        traffic.snsDuplicates(), traffic.malformed().size(), describeFaults(), seconds, recovery, archivedRecords,
        archivedRecords - archived.size(), watch.maxInFlight(), bound, watch.maxRssBytes() / (1024 * 1024),
        dead.size(), reconciliation.differences().size(), notes);
    figures.report();
    return figures;
  }

  /** What the first instance's answers count through; the epoch while it does not answer. */
  private Instant countedThrough(String account) {
    try {
      String through = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true")
          .getString("countedThrough");
      return through == null ? Instant.EPOCH : Instant.parse(through);
    } catch (Exception e) {
      return Instant.EPOCH;
    }
  }

  /** Stops the first instance's process as it is (SIGSTOP), or lets it go on (SIGCONT). */
  void freeze(boolean frozen) throws Exception {
    fault(frozen ? "SIGSTOP" : "SIGCONT");
    if (frozen) {
      service.freeze();
    } else {
      service.thaw();
    }
  }

  /** The reconcile command's logic over every event day of the traffic, as a second, independent check. */
  Report reconcile(LocalDate firstDay) throws Exception {
    return withClients((vertx, aws) -> new Reconciliation(vertx, aws.s3(), aws.dynamo(), names.bucket(), names.usage())
        .run(ReconcileOptions.of(firstDay, LocalDate.now(ZoneOffset.UTC).plusDays(1)), Progress.NONE));
  }

  /** The DLQ's bodies, read and left there: each is received once, then made visible again. */
  List<String> deadLetterBodies() {
    List<Message> read = new ArrayList<>();
    while (true) {
      List<Message> messages = stack.sqs.receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10)
          .visibilityTimeout(60).waitTimeSeconds(0)).messages();
      if (messages.isEmpty()) {
        break;
      }
      read.addAll(messages);
    }
    List<String> bodies = new ArrayList<>();
    for (Message m : read) {
      bodies.add(m.body());
      stack.sqs.changeMessageVisibility(r -> r.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
    }
    return bodies;
  }

  private List<JsonObject> records(String prefix) {
    return stack.records(names, prefix);
  }

  private String describeFaults() {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    faults.forEach(f -> counts.merge(f, 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((what, n) -> parts.add(n == 1 ? what : what + " ×" + n));
    return String.join(", ", parts);
  }

  /** Leaves the emulators as it found them, also when the scenario failed half-way. */
  @Override
  public void close() throws Exception {
    watch.close();
    if (service != null) {
      service.close();
    }
    for (ServiceProcess other : otherInstances) {
      other.close();
    }
    for (Dependency dependency : List.copyOf(down)) {
      bringBack(dependency);
    }
    sqsProxy.close();
    s3Proxy.close();
    dynamoDbProxy.close();
  }
}
