package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Exactly once across a crash and across a stalled machine, with the service in a process of its
 * own: killed with SIGKILL, frozen with SIGSTOP.
 */
class CrashRecoveryTest {

  @Test
  void killedBetweenArchiveAndCommitThenRestartedCountsEveryMessageOnce() throws Exception {
    try (TestStack stack = TestStack.isolated()) {
      Names names = Names.fresh();
      int port = TestStack.freePort();
      // While DynamoDB is down, running flushes wait in commit retries and later batches are held
      // unarchived (backpressure): enough flush slots that every batch of this test gets archived.
      JsonObject config = stack.config(names, port).put("visibilityTimeoutSeconds", 10)
          .put("maxConcurrentFlushes", 20);
      List<String> ids = new ArrayList<>();
      java.util.SortedMap<Integer, String> byEntry = new java.util.TreeMap<>();
      Map<String, Long> expectedBytes = new HashMap<>();
      try (ServiceProcess first = ServiceProcess.start(config)) {
        first.awaitReady(stack);
        String queueUrl = names.queueUrl(stack);
        stack.aws.stopDynamoDb();
        List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          String account = i % 2 == 0 ? "0b5f3a1e-0000-4000-8000-000000000001" : "0b5f3a1e-0000-4000-8000-000000000002";
          String logData = "crash test line " + i + " ✓";
          entries.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder().id("m" + i)
              .messageBody(Messages.raw(account, logData)).build());
          expectedBytes.merge(account, (long) logData.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
              Long::sum);
        }
        for (int from = 0; from < 20; from += 10) {
          List<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry> ten = entries.subList(from,
              from + 10);
          stack.sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(ten)).successful()
              .forEach(sent -> byEntry.put(Integer.parseInt(sent.id().substring(1)), sent.messageId()));
        }
        byEntry.values().forEach(ids::add);
        assertThat(ids).hasSize(20);
        // The raw records are durable in S3, the commit cannot happen: now the process dies.
        TestStack.await(Duration.ofSeconds(30), "all 20 raw records archived", () -> archivedIds(stack, names)
            .containsAll(ids));
        first.kill();
      }
      stack.aws.startDynamoDb();

      stack.start(config);

      // Every redelivery handled first, then the counts: a late double count cannot slip past.
      stack.awaitQueueEmpty(names.queueUrl(stack), Duration.ofSeconds(60));
      for (Map.Entry<String, Long> account : expectedBytes.entrySet()) {
        JsonObject usage = stack.getJson(port, "/v1/accounts/" + account.getKey() + "/usage?consistent=true");
        assertThat(usage.getLong("messages")).isEqualTo(10);
        assertThat(usage.getLong("bytes")).isEqualTo(account.getValue());
      }
      List<String> archived = archivedIds(stack, names);
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        assertThat(archived).as("raw copies of %s", id).filteredOn(id::equals).hasSizeGreaterThanOrEqualTo(2);
        assertLedgerPointsAtItsRecord(stack, port, i % 2 == 0 ? "0b5f3a1e-0000-4000-8000-000000000001"
            : "0b5f3a1e-0000-4000-8000-000000000002", id, "crash test line " + i + " ✓");
      }
    }
  }

  @Test
  void aDeliveryRedeliveredWhileItsFirstReceiverIsFrozenIsCountedOnce() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    int slowPort = TestStack.freePort();
    JsonObject slow = stack.config(names, slowPort).put("visibilityTimeoutSeconds", 10)
        .put("batchMaxAgeMillis", 4000).put("pollers", 1);
    String account = UUID.randomUUID().toString();
    try (ServiceProcess first = ServiceProcess.start(slow)) {
      first.awaitReady(stack);
      String queueUrl = names.queueUrl(stack);
      stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Messages.raw(account, "seen twice")));
      TestStack.await(Duration.ofSeconds(10), "the first receive", () -> stack.metricIfUp(slowPort,
          "logmeter_messages_received_total") == 1);
      // Frozen mid-batch: its visibility runs out and SQS hands the message to another instance.
      first.freeze();
      int port = TestStack.freePort();
      stack.start(stack.config(names, port).put("visibilityTimeoutSeconds", 10));
      TestStack.await(Duration.ofSeconds(40), "the second receiver's commit", () -> {
        try {
          return stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("messages") == 1;
        } catch (Exception e) {
          return false;
        }
      });

      first.thaw();
      TestStack.await(Duration.ofSeconds(30), "the first receiver to find it counted",
          () -> stack.metricIfUp(slowPort, "logmeter_messages_duplicates_total") == 1);

      JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
      assertThat(usage.getLong("messages")).isEqualTo(1);
      assertThat(usage.getLong("bytes")).isEqualTo(10);
      assertThat(stack.metricIfUp(slowPort, "logmeter_messages_accepted_total")).isZero();
      stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(30));
    } finally {
      stack.stopServices();
    }
  }

  private static List<String> archivedIds(TestStack stack, Names names) {
    List<String> ids = new ArrayList<>();
    try {
      for (JsonObject record : stack.records(names, "raw/")) {
        ids.add(record.getString("messageId"));
      }
    } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException
        | software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      // Not created yet, or listed while its upload was still under way: the caller asks again.
      return ids;
    }
    return ids;
  }

  /**
   * The ledger's page must point at a copy of exactly the record that was counted: the API reads it
   * back with a ranged GET of the archive at the page's offset and length.
   */
  private static void assertLedgerPointsAtItsRecord(TestStack stack, int port, String account, String id,
      String logData) throws Exception {
    JsonObject record = stack.getJson(port, "/v1/accounts/" + account + "/logs/" + id);
    assertThat(record.getString("messageId")).isEqualTo(id);
    assertThat(record.getString("logData")).isEqualTo(logData);
  }
}
