package io.logmeter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One message that DynamoDB refuses as invalid, batched with many good ones: the good ones are
 * billed and acknowledged at their first delivery, and only the refused one goes round until it
 * reaches the DLQ, intact and unbilled.
 */
class PoisonIsolationTest {

  @AfterEach
  void stop() throws Exception {
    TestStack.shared().stopServices();
  }

  @Test
  void aMessageDynamoDbRefusesReachesTheDlqAloneAndItsNeighboursAreBilledOnce() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    int port = TestStack.freePort();
    String marker = "refused-" + UUID.randomUUID();
    try (DynamoDbFaults dynamo = new DynamoDbFaults(stack.dynamodbEndpoint(),
        new DynamoDbFaults.Rates(0, 0, 0, 0))) {
      dynamo.refuseItemsContaining(marker);
      stack.start(stack.config(names, port).put("dynamodbEndpoint", dynamo.endpoint()).put("maxReceiveCount", 2)
          .put("visibilityTimeoutSeconds", 10).put("batchMaxAgeMillis", 1000));
      String queueUrl = names.queueUrl(stack);

      String account = UUID.randomUUID().toString();
      String poisonAccount = UUID.randomUUID().toString();
      String poison = Messages.envelope(marker, Instant.now(), poisonAccount, "refused by DynamoDB");
      List<String> bodies = new ArrayList<>();
      long bytes = 0;
      for (int i = 0; i < 40; i++) {
        String logData = "neighbour " + i + " ✓";
        bytes += logData.getBytes(StandardCharsets.UTF_8).length;
        bodies.add(Messages.raw(account, logData));
        if (i == 20) {
          bodies.add(poison);
        }
      }
      // All within one batch age: the poison shares its flush with the others.
      stack.sendAll(queueUrl, bodies);

      String dlqUrl = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
      TestStack.await(Duration.ofSeconds(60), "the refused message dead-lettered",
          () -> stack.queueDepth(dlqUrl) == 1);
      TestStack.await(Duration.ofSeconds(30), "the queue drained", () -> stack.queueDepth(queueUrl) == 0);

      JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
      assertThat(usage.getLong("messages")).isEqualTo(40);
      assertThat(usage.getLong("bytes")).isEqualTo(bytes);
      assertThat(stack.getJson(port, "/v1/accounts/" + poisonAccount + "/usage?consistent=true").getLong("messages"))
          .isZero();
      Message dead = stack.sqs.receiveMessage(r -> r.queueUrl(dlqUrl).attributeNamesWithStrings("All"))
          .messages().get(0);
      assertThat(dead.body()).isEqualTo(poison);
      // Only the poison went round: every neighbour was received once and acknowledged.
      double received = stack.metric(port, "logmeter_messages_received_total");
      assertThat(received).isEqualTo(40 + 2);
    }
  }

  /**
   * DynamoDB refusing every commit as invalid, as after a table changed under the service: that is
   * no poison message, and singling out stops after a few. Each flush archives once and sends a
   * bounded number of transactions; its messages are given back with a growing delay instead of at
   * once, so they are neither dead-lettered within seconds nor lost, and are counted once when the
   * refusal ends.
   */
  @Test
  void aRefusalOfEveryCommitIsBoundedAndBacksOffAndLosesNothing() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    int port = TestStack.freePort();
    String account = UUID.randomUUID().toString();
    try (DynamoDbFaults dynamo = new DynamoDbFaults(stack.dynamodbEndpoint(),
        new DynamoDbFaults.Rates(0, 0, 0, 0))) {
      dynamo.refuseItemsContaining(account);
      stack.start(stack.config(names, port).put("dynamodbEndpoint", dynamo.endpoint())
          .put("visibilityTimeoutSeconds", 10).put("batchMaxAgeMillis", 1000));
      String queueUrl = names.queueUrl(stack);
      List<String> bodies = new ArrayList<>();
      long bytes = 0;
      for (int i = 0; i < 64; i++) {
        String logData = "line " + i;
        bytes += logData.length();
        bodies.add(Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, logData));
      }
      stack.sendAll(queueUrl, bodies);

      TestStack.await(Duration.ofSeconds(30), "a flush given up", () -> stack.metricIfUp(port,
          "logmeter_flush_failures_total") >= 1);
      double failures = stack.metric(port, "logmeter_flush_failures_total");
      double flushes = stack.metric(port, "logmeter_flush_size_count");
      System.out.printf("every commit refused: %.0f writes refused over %.0f flushes, %.0f given up, %.0f archive "
          + "writes%n", (double) dynamo.refusals.get(), flushes, failures,
          stack.metric(port, "logmeter_aws_requests_total{operation=\"PutObject\",service=\"S3\"}"));
      // log2(64) + 1 requests down to each of at most Flusher.MAX_REFUSED + 1 = 9 leaves, and the first.
      assertThat(dynamo.refusals.get() / flushes).as("writes refused per flush").isLessThanOrEqualTo(9 * 7 + 1);
      assertThat(stack.metric(port, "logmeter_aws_requests_total{operation=\"PutObject\",service=\"S3\"}"))
          .as("archive writes").isEqualTo(flushes);
      String dlqUrl = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
      assertThat(stack.queueDepth(queueUrl)).as("held back, not lost").isEqualTo(64);
      assertThat(failures).isPositive();

      dynamo.refuseItemsContaining(null);
      TestStack.await(Duration.ofSeconds(60), "the queue drained", () -> stack.queueDepth(queueUrl) == 0);
      assertThat(stack.queueDepth(dlqUrl)).as("dead-lettered").isZero();
      JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
      assertThat(usage.getLong("messages")).isEqualTo(64);
      assertThat(usage.getLong("bytes")).isEqualTo(bytes);
    }
  }
}
