package io.logmeter.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * What a DynamoDB server answers to the calls logmeter makes (and those a cost redesign may need),
 * and how many of them per second it takes from the Java SDK's async client: the measure by which
 * the local DynamoDB server was chosen (docs/design.md, "The local DynamoDB server").
 *
 * <p>Start the server, then {@code mvn -q test -Dtest=EmulatorProbe
 * -Dlogmeter.emulatorProbe=http://127.0.0.1:PORT}. Prints one line per check and per measure.
 */
@EnabledIfSystemProperty(named = "logmeter.emulatorProbe", matches = "http.*")
class EmulatorProbe {

  private static final int IN_FLIGHT = 32;
  private static final AttributeValue ONE = AttributeValue.fromN("1");

  private final DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
      .endpointOverride(URI.create(System.getProperty("logmeter.emulatorProbe")))
      .region(Region.US_EAST_1)
      .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("probe", "probe")))
      .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(IN_FLIGHT))
      .build();
  private final String table = "probe-" + UUID.randomUUID();
  private final Map<String, String> answers = new LinkedHashMap<>();

  @Test
  void probe() throws Exception {
    check("CreateTable with a keys-only GSI", () -> {
      dynamo.createTable(t -> t.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(attribute("pk", ScalarAttributeType.S), attribute("sk", ScalarAttributeType.N),
              attribute("month", ScalarAttributeType.S))
          .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
          .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("by-month")
              .keySchema(key("month", KeyType.HASH), key("pk", KeyType.RANGE))
              .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build())).get();
      while (dynamo.describeTable(d -> d.tableName(table)).get().table().tableStatus() != TableStatus.ACTIVE) {
        Thread.sleep(50);
      }
      return "ok";
    });
    check("UpdateTimeToLive", () -> dynamo.updateTimeToLive(u -> u.tableName(table)
        .timeToLiveSpecification(s -> s.attributeName("expiresAt").enabled(true))).get().toString());
    check("conditional PutItem refused when the item exists", () -> {
      dynamo.putItem(p -> p.tableName(table).item(item("c", 1))).get();
      try {
        dynamo.putItem(p -> p.tableName(table).item(item("c", 1)).conditionExpression("attribute_not_exists(pk)")).get();
        return "accepted: WRONG";
      } catch (Exception e) {
        return e.getCause() instanceof ConditionalCheckFailedException ? "ConditionalCheckFailedException" : e.toString();
      }
    });
    check("UpdateItem SET a nested map path with a condition", () -> dynamo.updateItem(u -> u.tableName(table)
        .key(Map.of("pk", AttributeValue.fromS("n"), "sk", AttributeValue.fromN("0")))
        .updateExpression("SET #h = if_not_exists(#h, :empty) ADD bytes :one")
        .conditionExpression("attribute_not_exists(#h.#x)")
        .expressionAttributeNames(Map.of("#h", "hours", "#x", "07"))
        .expressionAttributeValues(Map.of(":one", ONE, ":empty", AttributeValue.fromM(Map.of())))
        .returnValues("ALL_NEW")).get().attributes().toString());
    check("Query, consistent", () -> Integer.toString(dynamo.query(q -> q.tableName(table).consistentRead(true)
        .keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", AttributeValue.fromS("c")))).get().count()));
    check("BatchGetItem", () -> Integer.toString(dynamo.batchGetItem(b -> b.requestItems(Map.of(table,
        KeysAndAttributes.builder().keys(List.of(key("c"), key("n"))).consistentRead(true).build()))).get()
        .responses().get(table).size()));
    check("TransactWriteItems", () -> dynamo.transactWriteItems(t -> t.transactItems(
        w -> w.put(p -> p.tableName(table).item(item("t1", 1))),
        w -> w.put(p -> p.tableName(table).item(item("t2", 1))))).get().toString());
    check("ExecuteStatement, parameterised INSERT", () -> dynamo.executeStatement(s -> s.statement(
        "INSERT INTO \"" + table + "\" VALUE {'pk': ?, 'sk': ?}").parameters(AttributeValue.fromS("p"), ONE))
        .get().toString());
    check("BatchExecuteStatement, parameterised INSERT", () -> dynamo.batchExecuteStatement(b -> b.statements(
        s -> s.statement("INSERT INTO \"" + table + "\" VALUE {'pk': ?, 'sk': ?}")
            .parameters(AttributeValue.fromS("q"), ONE))).get().toString());
    check("streams (UpdateTable StreamSpecification)", () -> dynamo.updateTable(u -> u.tableName(table)
        .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE))).get()
        .tableDescription().latestStreamArn());

    measure("sequential conditional PutItem", 500, 1, i -> dynamo.putItem(p -> p.tableName(table)
        .item(item("s" + i, 1)).conditionExpression("attribute_not_exists(pk)")));
    measure("parallel conditional PutItem", 2000, IN_FLIGHT, i -> dynamo.putItem(p -> p.tableName(table)
        .item(item("p" + i, 1)).conditionExpression("attribute_not_exists(pk)")));
    measure("parallel conditional UpdateItem, nested map", 2000, IN_FLIGHT, i -> dynamo.updateItem(u -> u
        .tableName(table).key(Map.of("pk", AttributeValue.fromS("u" + i % 200), "sk", AttributeValue.fromN("0")))
        .updateExpression("SET #h = if_not_exists(#h, :empty) ADD bytes :one")
        .expressionAttributeNames(Map.of("#h", "hours"))
        .expressionAttributeValues(Map.of(":one", ONE, ":empty", AttributeValue.fromM(Map.of())))));
    measure("parallel consistent Query", 2000, IN_FLIGHT, i -> dynamo.query(q -> q.tableName(table)
        .consistentRead(true).keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p" + i)))));
    answers.forEach((what, answer) -> System.out.println("probe | " + what + " | " + answer));
    dynamo.close();
  }

  private interface Call {
    String run() throws Exception;
  }

  private void check(String what, Call call) {
    try {
      answers.put(what, call.run());
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      answers.put(what, "REFUSED " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  private void measure(String what, int calls, int inFlight, IntFunction<CompletableFuture<?>> call)
      throws Exception {
    Semaphore room = new Semaphore(inFlight);
    List<CompletableFuture<?>> sent = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      room.acquire();
      sent.add(call.apply(i).whenComplete((result, failure) -> room.release()));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    double seconds = Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0;
    answers.put(what + " (" + inFlight + " in flight)", String.format("%.0f calls/s", calls / seconds));
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN("1"));
  }

  private static Map<String, AttributeValue> item(String pk, int sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(Integer.toString(sk)),
        "month", AttributeValue.fromS("2026-12"), "bytes", ONE);
  }
}
