package io.logmeter.ingestion;

import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * One long-poll loop: wait for room in flight, receive up to ten messages, hand them on, repeat.
 * A pipeline runs several, so that the queue is drained while earlier receives are still in flight.
 */
final class Poller {

  private static final Logger log = LoggerFactory.getLogger(Poller.class);

  private final QueueClient queue;
  private final InFlight inFlight;
  private final Consumer<List<Delivery>> sink;
  private final Context context;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final int waitSeconds;
  private final int visibilitySeconds;
  private CompletableFuture<ReceiveMessageResponse> pending;
  private boolean stopped;
  private int failures;

  Poller(QueueClient queue, InFlight inFlight, Consumer<List<Delivery>> sink, Context context, Clock clock,
      IngestMetrics metrics, int waitSeconds, int visibilitySeconds) {
    this.queue = queue;
    this.inFlight = inFlight;
    this.sink = sink;
    this.context = context;
    this.clock = clock;
    this.metrics = metrics;
    this.waitSeconds = waitSeconds;
    this.visibilitySeconds = visibilitySeconds;
  }

  void start() {
    next();
  }

  /**
   * Stops asking for more and abandons a long poll under way. A receive answered at that very
   * moment leaves its messages invisible until their visibility timeout: delayed, never lost.
   */
  void stop() {
    stopped = true;
    if (pending != null) {
      pending.cancel(true);
    }
  }

  private void next() {
    if (!stopped) {
      inFlight.reserve().onSuccess(room -> receive());
    }
  }

  private void receive() {
    if (stopped) {
      inFlight.settle(List.of());
      return;
    }
    pending = queue.receive(waitSeconds, visibilitySeconds);
    Future.fromCompletionStage(pending, context).onComplete(done -> {
      pending = null;
      if (done.succeeded()) {
        failures = 0;
        List<Delivery> deliveries = deliveries(done.result().messages());
        inFlight.settle(deliveries);
        if (!deliveries.isEmpty()) {
          metrics.received.increment(deliveries.size());
          sink.accept(deliveries);
        }
        next();
      } else {
        inFlight.settle(List.of());
        if (!stopped) {
          log.warn("receive failed ({}), backing off", AwsErrors.code(done.cause()));
          context.owner().setTimer(Backoff.DEFAULT.delayMillis(failures++), id -> next());
        }
      }
    });
  }

  private List<Delivery> deliveries(List<Message> messages) {
    List<Delivery> deliveries = new ArrayList<>(messages.size());
    long extendAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
    for (Message message : messages) {
      deliveries.add(new Delivery(message, clock.instant(), extendAt));
    }
    return deliveries;
  }
}
