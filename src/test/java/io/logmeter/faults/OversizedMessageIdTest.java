package io.logmeter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A forged SNS envelope whose MessageId is longer than DynamoDB allows for a key must cost nobody
 * but itself: it is rejected on its own, and the messages batched with it are billed.
 */
class OversizedMessageIdTest {

  private final TestStack stack = shared();

  private static TestStack shared() {
    try {
      return TestStack.shared();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stopServices() throws Exception {
    stack.stopServices();
  }

  /** Over 2048 bytes, the ledger key limit: the commit is cancelled with ValidationError, retried forever. */
  @Test
  void anIdTooLongForTheLedgerDoesNotStallTheMessagesBatchedWithIt() throws Exception {
    assertNeighboursBilledAndNothingDeadLettered("y".repeat(2100));
  }

  /** Over 1024 bytes, the log index's sort key limit: counted, then the batch cycles into the DLQ. */
  @Test
  void anIdTooLongForTheLogIndexDoesNotSendItsBatchToTheDlq() throws Exception {
    assertNeighboursBilledAndNothingDeadLettered("x".repeat(1500));
  }

  private void assertNeighboursBilledAndNothingDeadLettered(String id) throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port).put("visibilityTimeoutSeconds", 10));
    String queueUrl = names.queueUrl(stack);
    String account = UUID.randomUUID().toString();
    List<String> bodies = new ArrayList<>();
    bodies.add(Messages.envelope(id, Instant.now(), account, "oversized id"));
    for (int i = 0; i < 100; i++) {
      bodies.add(Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, "neighbour"));
    }
    stack.sendAll(queueUrl, bodies);

    TestStack.await(Duration.ofSeconds(30), "the queue drained", () -> depth(queueUrl) == 0);
    long billed = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("messages");
    assertThat(billed).as("neighbours billed").isGreaterThanOrEqualTo(100);
    String dlq = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
    assertThat(depth(dlq)).as("dead-lettered").isLessThanOrEqualTo(1);
  }

  private long depth(String url) {
    var attributes = stack.sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }
}
