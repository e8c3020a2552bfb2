package io.logmeter.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Stopping pollers while a receive is answered: SQS has already made the messages invisible. They
 * are held until every poll of the instance has ended, then given back at once: given back
 * earlier, a poll still under way would receive them again, and each receive counts toward the
 * queue's redrive to the DLQ. Not stranded until their visibility timeout (30 s here) either.
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
  void messagesOfAReceiveAnsweredDuringTheStopAreGivenBackOnceEveryPollEndedReceivedOnce() throws Exception {
    TestStack stack = TestStack.shared();
    String queueUrl = stack.sqs.createQueue(r -> r.queueName("poller-stop-" + System.nanoTime())
        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
    for (int i = 0; i < 3; i++) {
      int n = i;
      stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"n\":" + n + "}"));
    }
    // The answer has arrived (the messages are invisible) but reaches its poller only a moment
    // later, while the other poller's long poll (2 s) is still under way.
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
    Poller[] pollers = new Poller[2];
    QueueClient queue = new QueueClient(sqs, context, queueUrl);
    context.runOnContext(v -> {
      InFlight inFlight = new InFlight(100, 1 << 20);
      IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), inFlight);
      for (int i = 0; i < pollers.length; i++) {
        pollers[i] = new Poller(queue, inFlight, handedOn::addAll, context, Clock.systemUTC(), metrics, 2, 30);
        pollers[i].start();
      }
    });

    assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
    // As the pipeline stops: every poller, then what they hold given back once all have ended.
    CompletableFuture<Integer> givenBack = new CompletableFuture<>();
    long[] visibleOnceAllEnded = {-1};
    context.runOnContext(v -> Future.all(pollers[0].stop(), pollers[1].stop()).onSuccess(all -> {
      List<Delivery> held = new ArrayList<>();
      for (int i = 0; i < pollers.length; i++) {
        held.addAll(all.<List<Delivery>>resultAt(i));
      }
      visibleOnceAllEnded[0] = stack.visible(queueUrl);
      queue.changeVisibility(held, 0).onComplete(done -> givenBack.complete(held.size()));
    }));
    assertThat(givenBack.get(10, TimeUnit.SECONDS)).as("held by the stops").isEqualTo(3);
    assertThat(visibleOnceAllEnded[0]).as("visible before every poll ended").isZero();

    TestStack.await(Duration.ofSeconds(5), "all three messages visible again", () -> stack.visible(queueUrl) == 3);
    assertThat(handedOn).as("nothing handed on after the stop").isEmpty();
    List<Message> again = stack.sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
        .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
    assertThat(again).hasSize(3).allSatisfy(m -> assertThat(m.attributes()
        .get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).as("received by the stop once, and now").isEqualTo("2"));
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
