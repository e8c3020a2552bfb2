package io.logmeter.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.logmeter.retry.Limiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Held work makes progress or is let go: a defect thrown where a future was expected neither
 * leaks a slot nor ends a loop, and no delivery is kept invisible past the hold limit.
 */
class HeldWorkTest {

  private final Vertx vertx = Vertx.vertx();
  private SqsAsyncClient sqs;

  @AfterEach
  void close() throws Exception {
    if (sqs != null) {
      sqs.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFlushThatThrowsFreesItsSlotForTheNextBatch() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicInteger calls = new AtomicInteger();
    List<Integer> flushed = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    context.runOnContext(v -> {
      Batcher batcher = new Batcher(vertx, batch -> {
        if (calls.incrementAndGet() == 1) {
          throw new IllegalStateException("a defect in the flush");
        }
        flushed.add(batch.size());
        return Future.succeededFuture();
      }, 1, 1 << 20, 10, 1);
      batcher.add(List.of(Deliveries.delivery("a").build()));
      batcher.add(List.of(Deliveries.delivery("b").build()));
      batcher.drain().onComplete(done -> drained.complete(null));
    });
    drained.get(5, TimeUnit.SECONDS);
    assertThat(flushed).containsExactly(1);
  }

  @Test
  void anActionThatThrowsFailsItsFutureAndFreesItsSlot() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Throwable> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    context.runOnContext(v -> {
      Limiter limiter = new Limiter(1);
      limiter.<String>run(() -> {
        throw new IllegalStateException("a defect before the call");
      }).onComplete(done -> first.complete(done.cause()));
      limiter.run(() -> Future.succeededFuture("ran")).onSuccess(second::complete);
    });
    assertThat(first.get(5, TimeUnit.SECONDS)).hasMessage("a defect before the call");
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
  }

  @Test
  void aPollerWhoseHandOffThrowsGivesTheMessagesBackAndPollsOn() throws Exception {
    TestStack stack = TestStack.shared();
    String queueUrl = queue(stack, 30);
    for (int i = 0; i < 3; i++) {
      int n = i;
      stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"n\":" + n + "}"));
    }
    Context context = vertx.getOrCreateContext();
    List<String> handedOn = new CopyOnWriteArrayList<>();
    AtomicInteger handOffs = new AtomicInteger();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    context.runOnContext(v -> {
      InFlight inFlight = new InFlight(100, 1 << 20);
      Poller poller = new Poller(new QueueClient(client(stack), context, queueUrl), inFlight, deliveries -> {
        if (handOffs.incrementAndGet() == 1) {
          throw new IllegalStateException("a defect in the hand-off");
        }
        deliveries.forEach(d -> handedOn.add(d.body));
      }, context, Clock.systemUTC(), new IngestMetrics(registry, inFlight), 1, 30);
      poller.start();
    });

    // Given back at once (not after the 30 s timeout), received again and handed on.
    TestStack.await(Duration.ofSeconds(15), "all three handed on", () -> handedOn.size() == 3);
    assertThat(handedOn).containsExactlyInAnyOrder("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
    assertThat(registry.get("logmeter.poller.restarts").counter().count()).isEqualTo(1);
  }

  @Test
  void aDeliveryHeldPastTheHoldLimitIsExtendedNoMoreAndReappears() throws Exception {
    TestStack stack = TestStack.shared();
    String queueUrl = queue(stack, 2);
    stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"held\":true}"));
    Context context = vertx.getOrCreateContext();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<Delivery> held = new CopyOnWriteArrayList<>();
    context.runOnContext(v -> {
      InFlight inFlight = new InFlight(100, 1 << 20);
      QueueClient queue = new QueueClient(client(stack), context, queueUrl);
      IngestMetrics metrics = new IngestMetrics(registry, inFlight);
      // Handed on to nothing that will ever finish it: only the keeper acts on it.
      Poller poller = new Poller(queue, inFlight, held::addAll, context, Clock.systemUTC(), metrics, 1, 2);
      VisibilityKeeper keeper = new VisibilityKeeper(inFlight, queue, metrics, 2, Duration.ofSeconds(4));
      vertx.setPeriodic(200, id -> keeper.extendDue());
      poller.start();
    });
    TestStack.await(Duration.ofSeconds(5), "the delivery held", () -> held.size() == 1);
    // Extended while within the limit: still held, and not received again, well past its 2 s timeout.
    TestStack.holds(Duration.ofSeconds(3), "the delivery held once", () -> held.size() == 1);
    // Past the limit: left to reappear, and received again by the poller.
    TestStack.await(Duration.ofSeconds(10), "the delivery received again", () -> held.size() == 2);
    assertThat(registry.get("logmeter.visibility.released.held.too.long").counter().count()).isEqualTo(1);
    assertThat(registry.get("logmeter.visibility.extended").counter().count()).isPositive();
  }

  private static String queue(TestStack stack, int visibilitySeconds) {
    return stack.sqs.createQueue(r -> r.queueName("held-" + System.nanoTime())
        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds)))).queueUrl();
  }

  private SqsAsyncClient client(TestStack stack) {
    if (sqs == null) {
      sqs = TestStack.local(SqsAsyncClient.builder(), stack.sqsEndpoint()).build();
    }
    return sqs;
  }
}
