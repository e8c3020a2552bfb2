package io.logmeter.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logmeter.TestStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * dynalite, the local DynamoDB server, answers the calls logmeter makes as DynamoDB does, refuses
 * the operations docs/design.md says it lacks and an index added to an on-demand table (if that
 * changes, this fails and the doc is due an update), keeps its tables on disk across a restart,
 * outlives a client killed mid-request, and ends with the JVM that started it, also when that JVM
 * is killed.
 */
class DynaliteTest {

  private static final AttributeValue ONE = AttributeValue.fromN("1");

  @Test
  void answersTheCallsLogmeterMakesAsDynamoDbDoes() throws Exception {
    DynamoDbClient dynamo = TestStack.shared().dynamo;
    String table = table(dynamo);
    Map<String, AttributeValue> page = Map.of("pk", AttributeValue.fromS("a#2026-12-06T10"), "sk", AttributeValue.fromS("1"));

    // A page put on the condition that it is free: the second is refused.
    dynamo.putItem(p -> p.tableName(table).item(page).conditionExpression("attribute_not_exists(pk)"));
    assertThatThrownBy(() -> dynamo.putItem(p -> p.tableName(table).item(page)
        .conditionExpression("attribute_not_exists(pk)"))).isInstanceOf(ConditionalCheckFailedException.class);

    // A day's hour moved forward only: a nested map entry compared and set, the item created if missing.
    Map<String, AttributeValue> day = Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromS("D#2026-12-06"));
    advance(dynamo, table, day, 2);
    assertThatThrownBy(() -> advance(dynamo, table, day, 2)).isInstanceOf(ConditionalCheckFailedException.class);
    advance(dynamo, table, day, 3);
    Map<String, AttributeValue> read = dynamo.getItem(g -> g.tableName(table).key(day).consistentRead(true)).item();
    assertThat(read.get("h10").m().get("v").n()).isEqualTo("3");

    // Consistent Query and BatchGetItem; the keys-only by-month index.
    assertThat(dynamo.query(q -> q.tableName(table).consistentRead(true).keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("a")))).items()).hasSize(1);
    assertThat(dynamo.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder()
        .keys(List.of(day, page)).consistentRead(true).build()))).responses().get(table)).hasSize(2);
    assertThat(dynamo.query(q -> q.tableName(table).indexName("by-month").keyConditionExpression("#m = :m")
        .expressionAttributeNames(Map.of("#m", "month"))
        .expressionAttributeValues(Map.of(":m", AttributeValue.fromS("a#2026-12")))).items())
        .containsExactly(Map.of("month", AttributeValue.fromS("a#2026-12"), "pk", AttributeValue.fromS("a"),
            "sk", AttributeValue.fromS("D#2026-12-06")));
  }

  @Test
  void refusesAnIndexAddedToAnOnDemandTable() throws Exception {
    DynamoDbClient dynamo = TestStack.shared().dynamo;
    String table = "dynalite-" + UUID.randomUUID();
    dynamo.createTable(t -> t.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attribute("pk"), attribute("sk"))
        .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)));
    // DynamoDB adds the index; dynalite asks for a provisioned throughput an on-demand table has not.
    assertThatThrownBy(() -> dynamo.updateTable(u -> u.tableName(table)
        .attributeDefinitions(attribute("month"), attribute("pk"))
        .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(CreateGlobalSecondaryIndexAction
            .builder().indexName("by-month").keySchema(key("month", KeyType.HASH), key("pk", KeyType.RANGE))
            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build()).build())))
        .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
            .contains("provisionedThroughput"));
  }

  @Test
  void refusesTheOperationsItLacks() throws Exception {
    DynamoDbClient dynamo = TestStack.shared().dynamo;
    String table = table(dynamo);
    Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("t"), "sk", AttributeValue.fromS("t"));
    List<Runnable> lacking = List.of(
        () -> dynamo.updateTimeToLive(u -> u.tableName(table)
            .timeToLiveSpecification(s -> s.attributeName("expiresAt").enabled(true))),
        () -> dynamo.transactWriteItems(t -> t.transactItems(w -> w.put(p -> p.tableName(table).item(item)))),
        () -> dynamo.executeStatement(s -> s.statement("SELECT * FROM \"" + table + "\"")),
        () -> dynamo.batchExecuteStatement(b -> b.statements(s -> s.statement("SELECT * FROM \"" + table + "\""))));
    for (Runnable call : lacking) {
      assertThatThrownBy(call::run).isInstanceOfSatisfying(DynamoDbException.class,
          e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"));
    }
  }

  @Test
  void keepsItsTablesOnDiskAcrossARestart() throws Exception {
    Path dir = Files.createTempDirectory("logmeter-dynalite");
    int port = TestStack.freePort();
    String table;
    try (Dynalite server = Dynalite.start("127.0.0.1", port, dir); DynamoDbClient dynamo = client(port)) {
      table = table(dynamo);
      dynamo.putItem(p -> p.tableName(table).item(Map.of("pk", AttributeValue.fromS("kept"),
          "sk", AttributeValue.fromS("1"))));
    }
    try (Dynalite server = Dynalite.start("127.0.0.1", port, dir); DynamoDbClient dynamo = client(port)) {
      assertThat(dynamo.scan(s -> s.tableName(table)).items()).hasSize(1);
    }
  }

  @Test
  void outlivesAClientGoneInTheMiddleOfARequest() throws Exception {
    int port = TestStack.freePort();
    try (Dynalite server = Dynalite.start("127.0.0.1", port, null); DynamoDbClient dynamo = client(port)) {
      String table = table(dynamo);
      for (int i = 0; i < 3; i++) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
          socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
              + "X-Amz-Target: DynamoDB_20120810.ListTables\r\n\r\n{\"Lim").getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          socket.setSoLinger(true, 0); // closed with a reset, as when the client's process is killed
        }
      }
      TestStack.holds(Duration.ofMillis(500), "the server still answers, with its table",
          () -> dynamo.listTables().tableNames().equals(List.of(table)));
    }
  }

  @Test
  void endsWithTheJvmThatStartedItEvenKilled() throws Exception {
    int port = TestStack.freePort();
    Path log = Files.createTempFile("logmeter-emulators", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.logmeter.Main", "emulators")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("LOGMETER_EMULATOR_SQS_PORT", Integer.toString(TestStack.freePort()));
    builder.environment().put("LOGMETER_EMULATOR_S3_PORT", Integer.toString(TestStack.freePort()));
    builder.environment().put("LOGMETER_EMULATOR_DYNAMODB_PORT", Integer.toString(port));
    builder.environment().put("LOGMETER_EMULATOR_EMPTY", "true");
    Process emulators = builder.start();
    try {
      TestStack.await(Duration.ofSeconds(60), "emulators ready; log " + log, () -> {
        try {
          return Files.readString(log).contains("emulators ready");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      List<ProcessHandle> children = emulators.children().toList();
      assertThat(children).as("dynalite, a child of the emulators' JVM").hasSize(1);
      emulators.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: no shutdown hook runs
      children.get(0).onExit().get(10, TimeUnit.SECONDS);
      assertThat(children.get(0).isAlive()).as("dynalite after its parent was killed").isFalse();
    } finally {
      emulators.destroyForcibly();
    }
  }

  private static void advance(DynamoDbClient dynamo, String table, Map<String, AttributeValue> day, int version) {
    dynamo.updateItem(u -> u.tableName(table).key(day)
        .updateExpression("SET #month = :month, #h = :h")
        .conditionExpression("attribute_not_exists(#h) OR #h.#v < :v")
        .expressionAttributeNames(Map.of("#month", "month", "#h", "h10", "#v", "v"))
        .expressionAttributeValues(Map.of(":month", AttributeValue.fromS("a#2026-12"),
            ":h", AttributeValue.fromM(Map.of("v", AttributeValue.fromN(Integer.toString(version)), "b", ONE)),
            ":v", AttributeValue.fromN(Integer.toString(version)))));
  }

  /** A table as the usage table is made: pk, sk and the keys-only by-month index. */
  private static String table(DynamoDbClient dynamo) {
    String table = "dynalite-" + UUID.randomUUID();
    dynamo.createTable(t -> t.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("month"))
        .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("by-month")
            .keySchema(key("month", KeyType.HASH), key("pk", KeyType.RANGE))
            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build()));
    try {
      TestStack.await(Duration.ofSeconds(2), "the table active within milliseconds",
          () -> dynamo.describeTable(d -> d.tableName(table)).table().tableStatus() == TableStatus.ACTIVE);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return table;
  }

  private static DynamoDbClient client(int port) {
    return DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
