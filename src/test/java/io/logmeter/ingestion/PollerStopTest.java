package io.logmeter.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context.BeforeUnmarshalling;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Stopping a poller while its receive is answered: SQS has already made the messages invisible, so
 * they must be given back at once, not stranded until their visibility timeout (30 s here).
 */
class PollerStopTest {

  private final Vertx vertx = Vertx.vertx();
  private SqsAsyncClient sqs;

  @AfterEach
  void close() {
    if (sqs != null) {
      sqs.close();
    }
    vertx.close();
  }

  @Test
  void messagesOfAReceiveAnsweredDuringTheStopAreVisibleAgainAtOnce() throws Exception {
    TestStack stack = TestStack.shared();
    String queueUrl = stack.sqs.createQueue(r -> r.queueName("poller-stop-" + System.nanoTime())
        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
    for (int i = 0; i < 3; i++) {
      int n = i;
      stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"n\":" + n + "}"));
    }
    // The answer has arrived (the messages are invisible) but reaches the poller only a moment later.
    CountDownLatch answered = new CountDownLatch(1);
    sqs = TestStack.local(SqsAsyncClient.builder(), stack.aws.sqsEndpoint())
        .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeUnmarshalling(BeforeUnmarshalling context, ExecutionAttributes attributes) {
            if ("ReceiveMessage".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                && answered.getCount() > 0) {
              answered.countDown();
              sleep(Duration.ofMillis(500));
            }
          }
        }))
        .build();
    Context context = vertx.getOrCreateContext();
    List<Delivery> handedOn = new CopyOnWriteArrayList<>();
    Poller[] poller = new Poller[1];
    context.runOnContext(v -> {
      InFlight inFlight = new InFlight(100, 1 << 20);
      poller[0] = new Poller(new QueueClient(sqs, context, queueUrl), inFlight, handedOn::addAll, context,
          Clock.systemUTC(), new IngestMetrics(new SimpleMeterRegistry(), inFlight), 1, 30);
      poller[0].start();
    });

    assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
    context.runOnContext(v -> poller[0].stop());

    TestStack.await(Duration.ofSeconds(5), "all three messages visible again",
        () -> stack.visible(queueUrl) == 3);
    assertThat(stack.notVisible(queueUrl)).isZero();
    assertThat(handedOn).as("nothing handed on after the stop").isEmpty();
  }


  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
