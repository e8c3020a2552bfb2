package io.logmeter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ten seconds in which S3 or DynamoDB refuse logmeter (a policy change, an expired token, a KMS
 * grant gone): a failure that is not transient by its status, but is by its nature, and must not
 * burn the messages' receives. With a redrive after 2 receives, giving the batch back at once would
 * dead-letter all of it within the window; held, everything is archived and counted once when the
 * access comes back, and the DLQ stays empty.
 */
class AuthorizationOutageTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int MESSAGES = 300;

  @AfterEach
  void stop() throws Exception {
    TestStack.shared().stopServices();
  }

  @Test
  void s3RefusingEveryPutForTenSecondsLosesNothingAndDeadLettersNothing() throws Exception {
    TestStack stack = TestStack.shared();
    try (S3Denial s3 = new S3Denial(stack.s3Endpoint())) {
      run(stack, config -> config.put("s3Endpoint", s3.endpoint()), () -> s3.denyPutsFor(WINDOW));
      assertThat(s3.denied.get()).as("puts refused").isPositive();
    }
  }

  @Test
  void dynamoDbRefusingEveryRequestForTenSecondsLosesNothingAndDeadLettersNothing() throws Exception {
    TestStack stack = TestStack.shared();
    try (DynamoDbFaults dynamo = new DynamoDbFaults(stack.dynamodbEndpoint(), new DynamoDbFaults.Rates(0, 0, 0, 0))) {
      run(stack, config -> config.put("dynamodbEndpoint", dynamo.endpoint()), () -> dynamo.denyFor(WINDOW));
      assertThat(dynamo.denied.get()).as("requests refused").isPositive();
    }
  }

  private static void run(TestStack stack, Consumer<JsonObject> endpoint, Runnable deny) throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    JsonObject config = stack.config(names, port).put("maxReceiveCount", 2).put("visibilityTimeoutSeconds", 10)
        .put("batchMaxAgeMillis", 200);
    endpoint.accept(config);
    stack.start(config);
    String queueUrl = names.queueUrl(stack);
    String account = UUID.randomUUID().toString();
    List<String> bodies = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < MESSAGES; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      bodies.add(Messages.envelope(id, Instant.now(), account, "log line " + i));
    }

    deny.run();
    long started = System.nanoTime();
    stack.sendAll(queueUrl, bodies);
    TestStack.await(WINDOW.multipliedBy(6), "the queue drained after the outage",
        () -> stack.queueDepth(queueUrl) == 0);
    System.out.printf("access refused for %s: %d messages drained %d ms after the first send, %.0f refusals "
        + "counted, %.0f flushes given up, %.0f received%n", WINDOW, MESSAGES, (System.nanoTime() - started) / 1_000_000,
        stack.metric(port, "logmeter_aws_access_denied_total"), stack.metric(port, "logmeter_flush_failures_total"),
        stack.metric(port, "logmeter_messages_received_total"));

    String dlq = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
    assertThat(stack.queueDepth(dlq)).as("dead-lettered").isZero();
    JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
    assertThat(usage.getLong("messages")).isEqualTo(MESSAGES);
    long bytes = 0;
    for (int i = 0; i < MESSAGES; i++) {
      bytes += ("log line " + i).length();
    }
    assertThat(usage.getLong("bytes")).isEqualTo(bytes);
    Set<String> archived = new HashSet<>();
    stack.records(names, "raw/").forEach(r -> archived.add(r.getString("messageId")));
    assertThat(archived).isEqualTo(ids);
    assertThat(stack.metric(port, "logmeter_aws_access_denied_total")).as("refusals counted, for an alarm")
        .isPositive();
  }
}
