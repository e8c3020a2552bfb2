package io.logmeter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A SIGTERM while DynamoDB is down, with a grace period far longer than the test waits: once the
 * long polls under way have ended, a flush that fails is not retried but gives its messages back at
 * once, so the stop ends as soon as each flush has failed once more, not when the grace period does,
 * and leaves nothing invisible. Without that, the messages would all be released in one burst at
 * the grace period's end. A service started once DynamoDB is back bills each of them once.
 */
class StopDuringOutageTest {

  private static final int MESSAGES = 60;
  private static final int GRACE_SECONDS = 300;

  @AfterEach
  void stop() throws Exception {
    TestStack.shared().stopServices();
  }

  @Test
  void aStopDuringADynamoDbOutageGivesEachFailedFlushBackAtOnceAndLosesNothing() throws Exception {
    TestStack stack = TestStack.shared();
    try (TcpProxy dynamo = new TcpProxy(URI.create(stack.dynamodbEndpoint()).getPort())) {
      Names names = Names.fresh();
      JsonObject config = stack.config(names, TestStack.freePort()).put("dynamodbEndpoint", dynamo.endpoint())
          .put("shutdownGraceSeconds", GRACE_SECONDS).put("maxReceiveCount", 3);
      Service service = stack.start(config);
      String queueUrl = names.queueUrl(stack);
      String account = UUID.randomUUID().toString();
      List<String> bodies = new ArrayList<>();
      long bytes = 0;
      for (int i = 0; i < MESSAGES; i++) {
        String logData = "line " + i;
        bytes += logData.length();
        bodies.add(Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, logData));
      }

      dynamo.cut();
      stack.sendAll(queueUrl, bodies);
      // Received, archived, and held while the commits are retried.
      TestStack.await(Duration.ofSeconds(30), "every message received and held",
          () -> stack.notVisible(queueUrl) == MESSAGES);

      long started = System.nanoTime();
      // Bounded at 30 s, far below the grace period: waiting it out would fail here.
      stack.stop(service);
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("stopped with DynamoDB down and a %d s grace period in %d ms%n", GRACE_SECONDS, tookMillis);
      assertThat(stack.notVisible(queueUrl)).as("left invisible after the stop").isZero();
      assertThat(stack.visible(queueUrl)).as("given back").isEqualTo(MESSAGES);

      dynamo.restore();
      int port = TestStack.freePort();
      stack.start(stack.config(names, port).put("dynamodbEndpoint", dynamo.endpoint()).put("maxReceiveCount", 3));
      TestStack.await(Duration.ofSeconds(60), "the queue drained", () -> stack.queueDepth(queueUrl) == 0);
      JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
      assertThat(usage.getLong("messages")).isEqualTo(MESSAGES);
      assertThat(usage.getLong("bytes")).isEqualTo(bytes);
      String dlq = stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl();
      assertThat(stack.queueDepth(dlq)).as("dead-lettered").isZero();
    }
  }
}
