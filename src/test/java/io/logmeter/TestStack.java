package io.logmeter;

import io.logmeter.local.EmbeddedAws;
import io.logmeter.local.FreePorts;
import io.logmeter.server.Launcher;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Real emulators on free ports, and logmeter services against them, for integration tests. Each
 * {@link Names} is a fresh queue, bucket and pair of tables, so tests sharing the emulators never
 * see each other's data.
 */
public final class TestStack implements AutoCloseable {

  private static TestStack shared;

  /** The emulators when they run in this JVM; null when they are a process of their own. */
  public final EmbeddedAws aws;
  private final String sqsEndpoint;
  private final String s3Endpoint;
  private final String dynamodbEndpoint;
  private final AutoCloseable emulators;
  public final SqsClient sqs;
  /** For sending many messages quickly: batches go out concurrently. */
  public final SqsAsyncClient sqsAsync;
  public final S3Client s3;
  public final DynamoDbClient dynamo;
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Service> services = new ArrayList<>();

  private TestStack(EmbeddedAws aws) {
    this(aws, aws.sqsEndpoint(), aws.s3Endpoint(), aws.dynamodbEndpoint(), aws);
  }

  private TestStack(EmbeddedAws aws, String sqsEndpoint, String s3Endpoint, String dynamodbEndpoint,
      AutoCloseable emulators) {
    this.aws = aws;
    this.sqsEndpoint = sqsEndpoint;
    this.s3Endpoint = s3Endpoint;
    this.dynamodbEndpoint = dynamodbEndpoint;
    this.emulators = emulators;
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    sqs = SqsClient.builder().endpointOverride(URI.create(sqsEndpoint)).region(Region.US_EAST_1)
        .credentialsProvider(credentials).build();
    sqsAsync = SqsAsyncClient.builder().endpointOverride(URI.create(sqsEndpoint)).region(Region.US_EAST_1)
        .credentialsProvider(credentials).build();
    s3 = S3Client.builder().endpointOverride(URI.create(s3Endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(credentials).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
    dynamo = DynamoDbClient.builder().endpointOverride(URI.create(dynamodbEndpoint)).region(Region.US_EAST_1)
        .credentialsProvider(credentials).build();
  }

  /** Emulators shared by the test classes that do not stop them. */
  public static synchronized TestStack shared() throws Exception {
    if (shared == null) {
      shared = new TestStack(EmbeddedAws.start(EmbeddedAws.Ports.free(), null));
    }
    return shared;
  }

  /** Emulators of one's own, with DynamoDB on disk so that it survives being stopped and started. */
  public static TestStack isolated() throws Exception {
    Path dir = Files.createTempDirectory("logmeter-dynamodb");
    return new TestStack(EmbeddedAws.start(EmbeddedAws.Ports.free(), dir));
  }

  /**
   * The emulators as a process of their own, as {@code java -jar target/logmeter.jar emulators}
   * runs them (the same command, from the test classpath: the jar is built after the tests), with
   * nothing created: each service creates its own queue, bucket and tables.
   */
  public static TestStack emulatorsProcess() throws Exception {
    EmbeddedAws.Ports ports = EmbeddedAws.Ports.free();
    Path log = Files.createTempFile("logmeter-emulators", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.logmeter.Main", "emulators")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("LOGMETER_EMULATOR_SQS_PORT", Integer.toString(ports.sqs()));
    builder.environment().put("LOGMETER_EMULATOR_S3_PORT", Integer.toString(ports.s3()));
    builder.environment().put("LOGMETER_EMULATOR_DYNAMODB_PORT", Integer.toString(ports.dynamodb()));
    builder.environment().put("LOGMETER_EMULATOR_EMPTY", "true");
    builder.environment().put("LOGMETER_LOG_FORMAT", "text");
    Process process = builder.start();
    AutoCloseable stop = () -> {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    };
    try {
      await(Duration.ofSeconds(60), "emulators ready; log " + log, () -> {
        if (!process.isAlive()) {
          throw new AssertionError("emulators exited; log " + log);
        }
        try {
          return Files.readString(log).contains("emulators ready");
        } catch (java.io.IOException e) {
          return false;
        }
      });
    } catch (Throwable e) {
      stop.close();
      throw e;
    }
    return new TestStack(null, "http://127.0.0.1:" + ports.sqs(), "http://127.0.0.1:" + ports.s3(),
        "http://127.0.0.1:" + ports.dynamodb(), stop);
  }

  public String sqsEndpoint() {
    return sqsEndpoint;
  }

  public String s3Endpoint() {
    return s3Endpoint;
  }

  public String dynamodbEndpoint() {
    return dynamodbEndpoint;
  }

  public record Names(String queue, String dlq, String bucket, String ledger, String usage, String logs) {
    public static Names fresh() {
      String id = UUID.randomUUID().toString().substring(0, 8);
      return new Names("q-" + id, "q-" + id + "-dlq", "b-" + id, "ledger-" + id, "usage-" + id, "logs-" + id);
    }

    public String queueUrl(TestStack stack) {
      return stack.sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
    }
  }

  /** The configuration a service of these names gets, as LOGMETER_* keys. */
  public JsonObject config(Names names, int httpPort) {
    return new JsonObject()
        .put("sqsEndpoint", sqsEndpoint)
        .put("s3Endpoint", s3Endpoint)
        .put("dynamodbEndpoint", dynamodbEndpoint)
        .put("awsAccessKeyId", "test")
        .put("awsSecretAccessKey", "test")
        .put("createResources", true)
        .put("publishToQueue", true)
        .put("authDisabled", true)
        .put("httpPort", httpPort)
        .put("apiVerticles", 2)
        .put("queueName", names.queue())
        .put("dlqName", names.dlq())
        .put("bucket", names.bucket())
        .put("ledgerTable", names.ledger())
        .put("usageTable", names.usage())
        .put("batchMaxAgeMillis", 100)
        .put("visibilityTimeoutSeconds", 30)
        .put("receiveWaitSeconds", 1)
        .put("shutdownGraceSeconds", 5);
  }

  /** Starts a service in this JVM and waits until it is ready. */
  public Service start(JsonObject config) throws Exception {
    Service service = Launcher.launch(config, Map.of());
    services.add(service);
    service.ready().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return service;
  }

  public void stop(Service service) throws Exception {
    services.remove(service);
    service.stop().get(30, TimeUnit.SECONDS);
  }

  public HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public JsonObject getJson(int port, String pathAndQuery) throws Exception {
    HttpResponse<String> response = get(port, pathAndQuery);
    if (response.statusCode() != 200) {
      throw new AssertionError(pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** A sample of a service's /metrics, by its name with labels; 0 when it has none yet. */
  public double metric(int port, String name) throws Exception {
    for (String line : get(port, "/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    return 0;
  }

  /** Every record archived under {@code prefix} ("raw/" or "rejected/"), as JSON objects. */
  public List<JsonObject> records(Names names, String prefix) {
    List<JsonObject> records = new ArrayList<>();
    for (var object : s3.listObjectsV2Paginator(r -> r.bucket(names.bucket()).prefix(prefix)).contents()) {
      String text = s3.getObjectAsBytes(r -> r.bucket(names.bucket()).key(object.key())).asUtf8String();
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          records.add(new JsonObject(line));
        }
      }
    }
    return records;
  }

  /** {@link #metric}, or -1 while the service does not answer: for conditions polled by {@link #await}. */
  public double metricIfUp(int port, String name) {
    try {
      return metric(port, name);
    } catch (Exception e) {
      return -1;
    }
  }

  /** Messages in the queue that a receive would get now. */
  public long visible(String queueUrl) {
    return queueAttribute(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  /** Messages received and neither deleted nor visible again yet. */
  public long notVisible(String queueUrl) {
    return queueAttribute(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
  }

  private long queueAttribute(String queueUrl, QueueAttributeName name) {
    return Long.parseLong(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(name)).attributes().get(name));
  }

  /** An SDK client builder aimed at an embedded server, with the test credentials. */
  public static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>> B local(B builder,
      String endpoint) {
    return builder.endpointOverride(java.net.URI.create(endpoint)).region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")));
  }

  /** Waits until the queue holds nothing, visible or not: every message acknowledged. */
  public void awaitQueueEmpty(String queueUrl, Duration timeout) throws InterruptedException {
    await(timeout, "queue " + queueUrl + " to be empty", () -> queueDepth(queueUrl) == 0);
  }

  /** Messages in the queue, visible or not. */
  public long queueDepth(String queueUrl) {
    Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  /** Sends the bodies in batches of ten, sixteen batches at a time; fails if any entry fails. */
  public void sendAll(String queueUrl, List<String> bodies) {
    sendAll(sqsAsync, queueUrl, bodies);
  }

  public static void sendAll(SqsAsyncClient sqsAsync, String queueUrl, List<String> bodies) {
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(16);
    List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
    for (int from = 0; from < bodies.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
        entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(bodies.get(i)).build());
      }
      window.acquireUninterruptibly();
      sends.add(sqsAsync.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
          .whenComplete((response, failure) -> window.release())
          .thenAccept(response -> {
            if (!response.failed().isEmpty()) {
              throw new AssertionError("send failed: " + response.failed());
            }
          }));
    }
    java.util.concurrent.CompletableFuture.allOf(sends.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
  }

  /** Polls {@code condition} until it holds, failing after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Asserts that {@code condition} stays true for all of {@code period}: for what must not happen
   * (a second alert, a message reappearing), where waiting for a condition cannot say it.
   */
  public static void holds(Duration period, String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    do {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("no longer true within " + period + ": " + what);
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
  }

  /**
   * Creates a table keyed as the usage table is (string {@code pk} and {@code sk}, no index), named
   * {@code prefix} and a random suffix, and waits until it is ACTIVE. Returns its name.
   */
  public String createUsageShapedTable(String prefix) throws InterruptedException {
    String table = prefix + UUID.randomUUID().toString().substring(0, 8);
    dynamo.createTable(t -> t.tableName(table)
        .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("pk")
                .attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S),
            a -> a.attributeName("sk").attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("pk").keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.HASH),
            k -> k.attributeName("sk").keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.RANGE)));
    awaitTableActive(table);
    return table;
  }

  /** Waits until {@code table} is ACTIVE: dynalite may still be creating a new table at the first look. */
  public void awaitTableActive(String table) throws InterruptedException {
    await(Duration.ofSeconds(10), "table " + table + " active", () -> dynamo.describeTable(d -> d.tableName(table))
        .table().tableStatus() == software.amazon.awssdk.services.dynamodb.model.TableStatus.ACTIVE);
  }

  /** Runs {@code call} on {@code context} and waits for its result (10 s at most). */
  public static <T> T on(io.vertx.core.Context context, java.util.function.Supplier<io.vertx.core.Future<T>> call)
      throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(done -> {
      if (done.succeeded()) {
        result.complete(done.result());
      } else {
        result.completeExceptionally(done.cause());
      }
    }));
    return result.get(10, TimeUnit.SECONDS);
  }

  public static int freePort() {
    return FreePorts.next();
  }

  /** Stops the services started here; shared emulators stay up for the next test class. */
  public void stopServices() throws Exception {
    for (Service service : List.copyOf(services)) {
      stop(service);
    }
  }

  @Override
  public void close() throws Exception {
    stopServices();
    sqs.close();
    sqsAsync.close();
    s3.close();
    dynamo.close();
    emulators.close();
  }
}
