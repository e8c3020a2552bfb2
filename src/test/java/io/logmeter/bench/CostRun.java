package io.logmeter.bench;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RecordLocation;
import io.logmeter.ledger.CounterKeys;
import io.logmeter.ledger.UsageLedger;
import io.logmeter.message.LogRecord;
import io.logmeter.retry.Backoff;
import io.logmeter.retry.Retry;
import io.logmeter.usage.Usage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What the ledger ({@link UsageLedger}, pages) costs in DynamoDB, billed by AWS's rules
 * ({@link WriteMeter}) from the requests themselves, per traffic mix: the same flushes, 3 writers
 * committing side by side (as 3 instances would), 1 % of the messages delivered again in a later
 * flush. After each run the usage table is summed and must hold exactly the distinct messages sent.
 *
 * <p>These counts do not depend on the machine: write units, requests and read units per message.
 */
final class CostRun {

  static final int MESSAGES = Integer.getInteger("logmeter.benchmark.costMessages", 24_000);
  private static final int ACCOUNTS = 1_000;
  private static final int WRITERS = 3;
  /** List prices, on-demand, us-east-1: per million write and read request units. */
  static final double WRITE_PRICE = 0.625;
  static final double READ_PRICE = 0.125;

  /** A traffic mix and the flush size it is committed in. */
  record Mix(String name, String label, int flush) {
  }

  static final List<Mix> MIXES = List.of(
      new Mix("zipf", "Zipf (s = 1) over 1,000 accounts, flushes of 2,000 (at load)", 2000),
      new Mix("uniform", "uniform over 1,000 accounts, flushes of 2,000", 2000),
      new Mix("hot", "one account, flushes of 2,000", 2000),
      new Mix("zipf-light", "Zipf over 1,000 accounts, flushes of 250 (light load)", 250));

  private CostRun() {
  }

  static Map<String, Object> run(EmbeddedProcess.Ports ports) throws Exception {
    Map<String, Object> section = new LinkedHashMap<>();
    Vertx vertx = Vertx.vertx();
    try (WriteMeter meter = new WriteMeter(ports.dynamodb());
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(URI.create(meter.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
            .build()) {
      for (Mix mix : MIXES) {
        List<List<ArchivedRecord>> flushes = traffic(mix);
        section.put(mix.name() + ": " + mix.label(), Map.of("pages", measure(vertx, dynamo, meter, flushes)));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return section;
  }

  private static Map<String, Object> measure(Vertx vertx, DynamoDbAsyncClient dynamo, WriteMeter meter,
      List<List<ArchivedRecord>> flushes) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String ledgerTable = "cost-ledger-" + id;
    String usageTable = "cost-usage-" + id;
    table(dynamo, ledgerTable, ScalarAttributeType.N);
    table(dynamo, usageTable, ScalarAttributeType.S);
    List<Writer> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Context context = vertx.getOrCreateContext();
      Retry retry = new Retry(vertx, new Backoff(10, 200), () -> true);
      writers.add(new Writer(context, new UsageLedger(dynamo, context, retry, ledgerTable, usageTable, 3600, 32,
          256L << 20, Clock.systemUTC(), "bench-" + w, UsageLedger.Observer.NONE)));
    }
    meter.reset();
    long started = System.nanoTime();
    // Each writer takes the next flush when it is done with one: 3 commits under way at a time.
    List<java.util.concurrent.CompletableFuture<Void>> lanes = new ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    for (Writer writer : writers) {
      java.util.concurrent.CompletableFuture<Void> lane = new java.util.concurrent.CompletableFuture<>();
      writer.context().runOnContext(v -> writer.drain(flushes, next, lane));
      lanes.add(lane);
    }
    for (var lane : lanes) {
      lane.get(10, TimeUnit.MINUTES);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    WriteMeter.Bill bill = meter.bill();
    long distinct = flushes.stream().flatMap(List::stream).map(r -> r.record().messageId()).distinct().count();
    Usage counted = counted(dynamo, usageTable);
    long expectedBytes = flushes.stream().flatMap(List::stream)
        .collect(java.util.stream.Collectors.toMap(r -> r.record().messageId(), r -> r.record().bytes(), (a, b) -> a))
        .values().stream().mapToLong(Long::longValue).sum();
    if (counted.messages() != distinct || counted.bytes() != expectedBytes) {
      throw new IllegalStateException("counted " + counted + ", expected " + distinct + " messages, "
          + expectedBytes + " bytes");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("messages", distinct);
    figures.put("countedExactly", true);
    figures.put("writeUnitsPerMessage", round(bill.totalWriteUnits() / distinct));
    figures.put("readUnitsPerMessage", round(bill.totalReadUnits() / distinct));
    figures.put("writeRequestsPer1000Messages", round(bill.writeRequests() * 1000.0 / distinct));
    figures.put("requestsPer1000Messages", round(bill.totalRequests() * 1000.0 / distinct));
    figures.put("failedConditionalWrites", bill.failedConditions());
    figures.put("dollarsPerMillionMessages", round((bill.totalWriteUnits() * WRITE_PRICE
        + bill.totalReadUnits() * READ_PRICE) / distinct));
    Map<String, Object> byOperation = new LinkedHashMap<>();
    bill.requests().forEach((op, n) -> byOperation.put(op, n + " requests, "
        + round(bill.writeUnits().getOrDefault(op, 0.0)) + " write units, "
        + round(bill.readUnits().getOrDefault(op, 0.0)) + " read units"));
    figures.put("byOperation", byOperation);
    figures.put("secondsOnTheLocalServer", round(seconds));
    return figures;
  }

  /** One of the writers: a ledger on its own context. */
  private record Writer(Context context, UsageLedger ledger) {

    void drain(List<List<ArchivedRecord>> flushes, java.util.concurrent.atomic.AtomicInteger next,
        java.util.concurrent.CompletableFuture<Void> done) {
      int i = next.getAndIncrement();
      if (i >= flushes.size()) {
        done.complete(null);
        return;
      }
      ledger.commit(flushes.get(i), counted -> { }).onComplete(result -> {
        if (result.failed()) {
          done.completeExceptionally(result.cause());
        } else {
          drain(flushes, next, done);
        }
      });
    }
  }

  /** The flushes: accounts drawn from the mix, 1 % of messages delivered again two flushes later. */
  static List<List<ArchivedRecord>> traffic(Mix mix) {
    Random random = new Random(42);
    double[] cumulative = new double[ACCOUNTS];
    double sum = 0;
    for (int k = 0; k < ACCOUNTS; k++) {
      sum += mix.name().startsWith("zipf") ? 1.0 / (k + 1) : 1.0;
      cumulative[k] = sum;
    }
    String[] accounts = new String[ACCOUNTS];
    for (int k = 0; k < ACCOUNTS; k++) {
      accounts[k] = new UUID(random.nextLong(), random.nextLong()).toString();
    }
    List<List<ArchivedRecord>> flushes = new ArrayList<>();
    List<ArchivedRecord> again = new ArrayList<>();
    Instant start = Instant.parse("2026-12-03T10:00:00Z");
    int sent = 0;
    while (sent < MESSAGES) {
      String objectKey = "raw/dt=2026-12-03/hr=10/bench-" + flushes.size() + ".ndjson";
      List<ArchivedRecord> flush = new ArrayList<>(mix.flush());
      long offset = 0;
      List<ArchivedRecord> redelivered = again;
      again = new ArrayList<>();
      for (ArchivedRecord r : redelivered) {
        flush.add(new ArchivedRecord(r.record(), new RecordLocation(objectKey, offset, 300)));
        offset += 300;
      }
      while (flush.size() < mix.flush() && sent < MESSAGES) {
        String account = mix.name().equals("hot") ? accounts[0] : accounts[pick(cumulative, random)];
        int bytes = 100 + random.nextInt(900);
        // Event times advance ~1,500 messages a second, as at load.
        Instant eventTime = start.plusMillis(sent * 2L / 3);
        LogRecord record = new LogRecord(new UUID(random.nextLong(), random.nextLong()).toString(), account,
            eventTime, bytes, "");
        ArchivedRecord archived = new ArchivedRecord(record, new RecordLocation(objectKey, offset, bytes + 200));
        offset += bytes + 200;
        flush.add(archived);
        if (random.nextInt(100) == 0) {
          again.add(archived);
        }
        sent++;
      }
      flushes.add(flush);
    }
    return flushes;
  }

  private static int pick(double[] cumulative, Random random) {
    double x = random.nextDouble() * cumulative[cumulative.length - 1];
    int i = java.util.Arrays.binarySearch(cumulative, x);
    return i >= 0 ? i : -i - 1;
  }

  /** Everything the usage table's day items count, summed. */
  private static Usage counted(DynamoDbAsyncClient dynamo, String table) throws Exception {
    long bytes = 0;
    long messages = 0;
    Map<String, AttributeValue> start = null;
    do {
      var request = software.amazon.awssdk.services.dynamodb.model.ScanRequest.builder().tableName(table)
          .consistentRead(true);
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      var response = dynamo.scan(request.build()).get(1, TimeUnit.MINUTES);
      for (Map<String, AttributeValue> item : response.items()) {
        String sk = item.get("sk").s();
        if (sk.startsWith(CounterKeys.DAY_PREFIX)) {
          bytes += CounterKeys.bytesOf(item);
          messages += CounterKeys.messagesOf(item);
        }
      }
      start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey()
          : null;
    } while (start != null);
    return new Usage(bytes, messages);
  }

  /** A table keyed by pk (a string) and sk of {@code sortType}. */
  private static void table(DynamoDbAsyncClient dynamo, String name, ScalarAttributeType sortType) throws Exception {
    var request = software.amazon.awssdk.services.dynamodb.model.CreateTableRequest.builder().tableName(name)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
            .attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(sortType).build());
    dynamo.createTable(request.build()).get(1, TimeUnit.MINUTES);
    dynamo.waiter().waitUntilTableExists(t -> t.tableName(name)).get(1, TimeUnit.MINUTES);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
