package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The instance role's policy (ansible/files/logmeter-iam-policy.json) grants exactly the AWS
 * actions the service's calls need: observed by running every path of the service against the
 * emulators and recording each operation its SDK clients sent.
 */
class IamPolicyTest {

  /** The IAM actions each SDK operation needs. An operation missing here fails the test. */
  private static final Map<String, Set<String>> ACTIONS = Map.ofEntries(
      Map.entry("Sqs:ReceiveMessage", Set.of("sqs:ReceiveMessage")),
      Map.entry("Sqs:DeleteMessageBatch", Set.of("sqs:DeleteMessage")),
      Map.entry("Sqs:ChangeMessageVisibilityBatch", Set.of("sqs:ChangeMessageVisibility")),
      Map.entry("Sqs:GetQueueUrl", Set.of("sqs:GetQueueUrl")),
      Map.entry("Sqs:GetQueueAttributes", Set.of("sqs:GetQueueAttributes")),
      Map.entry("Sqs:SendMessage", Set.of("sqs:SendMessage")),
      Map.entry("S3:PutObject", Set.of("s3:PutObject")),
      Map.entry("S3:GetObject", Set.of("s3:GetObject")),
      Map.entry("S3:HeadBucket", Set.of("s3:ListBucket")),
      Map.entry("DynamoDb:PutItem", Set.of("dynamodb:PutItem")),
      Map.entry("DynamoDb:UpdateItem", Set.of("dynamodb:UpdateItem")),
      Map.entry("DynamoDb:GetItem", Set.of("dynamodb:GetItem")),
      Map.entry("DynamoDb:Query", Set.of("dynamodb:Query")),
      Map.entry("DynamoDb:DescribeTable", Set.of("dynamodb:DescribeTable")),
      Map.entry("Sns:Publish", Set.of("sns:Publish")),
      Map.entry("Sns:PublishBatch", Set.of("sns:Publish")));

  /**
   * Local mode sends to queues where production publishes to SNS, and creates its resources, which
   * production provisions with Ansible: not in the production role.
   */
  private static final Set<String> LOCAL_ONLY = Set.of("Sqs:SendMessageBatch",
      "Sqs:CreateQueue", "S3:CreateBucket", "DynamoDb:CreateTable", "DynamoDb:UpdateTable");

  /**
   * Calls a short run does not always make: SNS (production only), visibility changes (slow flushes,
   * shutdown), and reading a day item back (only when another write moved it further first).
   */
  private static final Set<String> NOT_EXERCISED_HERE = Set.of("Sns:Publish", "Sns:PublishBatch",
      "Sqs:ChangeMessageVisibilityBatch", "DynamoDb:GetItem");

  /** Granted for the host, not for the service's calls: keys at boot, the CloudWatch agent, SSE-KMS. */
  private static final Set<String> HOST_ACTIONS = Set.of("ssm:GetParameter", "cloudwatch:PutMetricData",
      "logs:CreateLogStream", "logs:PutLogEvents", "kms:GenerateDataKey", "kms:Decrypt");

  @AfterEach
  void stop() throws Exception {
    TestStack.shared().stopServices();
  }

  /** With both ledgers: the fold sends its pointers (SendMessage) and reads whole objects and periods. */
  @Test
  void thePolicyGrantsExactlyWhatTheCodeCalls() throws Exception {
    TestStack stack = TestStack.shared();
    Set<String> used = new TreeSet<>();
    for (String ledger : List.of("pages", "fold")) {
      Names names = Names.fresh();
      JsonObject config = stack.config(names, TestStack.freePort()).put("ledger", ledger)
          .put("foldQueueName", names.queue() + "-fold").put("foldPeriodMillis", 200);
      stack.stop(stack.start(config));
      int port = TestStack.freePort();
      Service service = stack.start(config.copy().put("httpPort", port).put("createResources", false)
          .put("alertThresholdsBytes", "1").put("alertRefreshMillis", 100));
      exerciseEveryPath(stack, names, port);
      used.addAll(service.aws().metrics().operationsUsed());
      stack.stopServices();
    }
    used.removeAll(LOCAL_ONLY);
    used.addAll(NOT_EXERCISED_HERE);
    Set<String> needed = new TreeSet<>();
    for (String operation : used) {
      assertThat(ACTIONS).as("IAM actions of %s: add them to this test and to the policy", operation)
          .containsKey(operation);
      needed.addAll(ACTIONS.get(operation));
    }

    JsonObject policy = new JsonObject(Files.readString(Path.of("ansible/files/logmeter-iam-policy.json")));
    Set<String> granted = new TreeSet<>();
    for (Object s : policy.getJsonArray("Statement")) {
      JsonObject statement = (JsonObject) s;
      assertThat(statement.getString("Effect")).isEqualTo("Allow");
      Object actions = statement.getValue("Action");
      for (Object action : actions instanceof JsonArray array ? array : new JsonArray().add(actions)) {
        granted.add((String) action);
        assertThat((String) action).as("wildcard action").doesNotContain("*");
        assertResourceIsLogmeters((String) action, statement.getValue("Resource"));
      }
    }
    granted.removeAll(HOST_ACTIONS);
    assertThat(granted).isEqualTo(needed);
  }

  /**
   * The same check from the source: every SDK call written in the service's code (outside the
   * emulators, and outside {@code reconcile}, an operator's command with its own documented needs)
   * is one the table above knows, so a call on a path the run above does not reach still needs its
   * action; and every call the run cannot make is really in the code.
   */
  @Test
  void everySdkCallInTheSourceIsKnownToThePolicy() throws Exception {
    Pattern call = Pattern.compile("\\b(sqs|s3|dynamo|sns)(\\(\\))?\\.([a-z][A-Za-z0-9]+)\\(");
    Map<String, String> services = Map.of("sqs", "Sqs", "s3", "S3", "dynamo", "DynamoDb", "sns", "Sns");
    Set<String> written = new TreeSet<>();
    Path root = Path.of("src/main/java/io/logmeter");
    try (var files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String relative = root.relativize(file).toString();
        if (!relative.endsWith(".java") || relative.startsWith("local/") || relative.startsWith("reconcile/")) {
          continue;
        }
        Matcher m = call.matcher(Files.readString(file));
        while (m.find()) {
          String method = m.group(3);
          // Not operations: close() sends nothing, a waiter polls DescribeTable.
          if (!method.equals("close") && !method.equals("waiter")) {
            written.add(services.get(m.group(1)) + ":" + Character.toUpperCase(method.charAt(0)) + method.substring(1));
          }
        }
      }
    }
    assertThat(written).as("SDK calls found in the source").isNotEmpty();
    for (String operation : written) {
      assertThat(ACTIONS.containsKey(operation) || LOCAL_ONLY.contains(operation))
          .as("%s is called in the code: give it its IAM actions in this test and in the policy", operation).isTrue();
    }
    assertThat(written).as("calls the running test cannot make, but the code does").containsAll(NOT_EXERCISED_HERE);
  }

  private static void assertResourceIsLogmeters(String action, Object resource) {
    for (Object r : resource instanceof JsonArray array ? array : new JsonArray().add(resource)) {
      String arn = (String) r;
      if (action.startsWith("sqs:") || action.startsWith("s3:") || action.startsWith("dynamodb:")
          || action.startsWith("sns:")) {
        assertThat(arn).as("resource of %s", action).contains("logmeter");
      }
    }
  }

  private static void exerciseEveryPath(TestStack stack, Names names, int port) throws Exception {
    String queueUrl = names.queueUrl(stack);
    String account = UUID.randomUUID().toString();
    String envelope = Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, "duplicated");
    stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(envelope));
    stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(envelope));
    stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("malformed"));
    HttpResponse<String> posted = stack.http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/v1/logs")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Messages.raw(account, "posted"))).build(),
        HttpResponse.BodyHandlers.ofString());
    String id = new JsonObject(posted.body()).getString("messageId");
    TestStack.await(Duration.ofSeconds(30), "both counted", () -> {
      try {
        return stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("messages") == 2;
      } catch (Exception e) {
        return false;
      }
    });
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(30));
    stack.getJson(port, "/v1/accounts/" + account + "/usage");
    stack.getJson(port, "/v1/accounts/" + account + "/usage/daily?from=2026-01-01&to=2026-01-02");
    stack.getJson(port, "/v1/accounts/" + account + "/logs");
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    assertThat(stack.get(port, "/v1/usage?from=" + today + "&to=" + today).statusCode()).isEqualTo(200);
    TestStack.await(Duration.ofSeconds(10), "the posted record", () -> {
      try {
        return stack.get(port, "/v1/accounts/" + account + "/logs/" + id).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }
}
