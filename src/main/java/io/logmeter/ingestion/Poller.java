package io.logmeter.ingestion;

import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

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
  private boolean stopped;
  private boolean receiving;
  /**
   * Completes once stopped with no receive under way, nothing more can arrive from this poller,
   * with what its last receive brought while it stopped: held, not given back, so that no other
   * poll of this instance still under way can receive it again (every such receive counts toward
   * the queue's redrive to the DLQ). The pipeline gives all of it back once every poll has ended.
   */
  private final Promise<List<Delivery>> idle = Promise.promise();
  /** Once the grace period is over, what arrives is given back at once instead. */
  private boolean holdWhatArrives = true;
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
   * Stops asking for more. A long poll under way is left to finish rather than cancelled: SQS may
   * already have handed it messages, invisible from that moment, and cancelling would drop the
   * response and strand them until their visibility timeout. What it brings is held and completes
   * the future, for the pipeline to give back once every poll has ended.
   */
  Future<List<Delivery>> stop() {
    stopped = true;
    if (!receiving) {
      idle.tryComplete(List.of());
    }
    return idle.future();
  }

  /** From now on, what a receive under way brings is given back at once (the grace period is over). */
  void giveBackWhatArrives() {
    holdWhatArrives = false;
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
    receiving = true;
    queue.receive(waitSeconds, visibilitySeconds).onComplete(done -> {
      receiving = false;
      if (done.succeeded()) {
        failures = 0;
        List<Delivery> deliveries;
        try {
          deliveries = deliveries(done.result().messages());
        } catch (RuntimeException e) {
          inFlight.settle(List.of());
          restartAfter(e, List.of());
          return;
        }
        inFlight.settle(deliveries);
        if (!deliveries.isEmpty()) {
          metrics.received.increment(deliveries.size());
          if (stopped) {
            if (holdWhatArrives) {
              idle.tryComplete(deliveries);
              return;
            }
            log.info("{} messages received while stopping: giving them back", deliveries.size());
            giveBack(deliveries).onComplete(given -> idle.tryComplete(List.of()));
            return;
          }
          try {
            sink.accept(deliveries);
          } catch (RuntimeException e) {
            restartAfter(e, deliveries);
            return;
          }
        }
        if (stopped) {
          idle.tryComplete(List.of());
        }
        next();
      } else {
        if (stopped) {
          idle.tryComplete(List.of());
        }
        inFlight.settle(List.of());
        if (!stopped) {
          log.warn("receive failed ({}), backing off", AwsErrors.code(done.cause()));
          context.owner().setTimer(Backoff.DEFAULT.delayMillis(failures++), id -> next());
        }
      }
    });
  }

  /**
   * A defect met on the way from the receive to the batch: the loop must not end with it, nor may
   * the messages stay held and extended with nothing working on them. What was received (and
   * settled) is given back, and the loop starts again after a backoff.
   */
  private void restartAfter(RuntimeException e, List<Delivery> received) {
    log.error("poller failed on {} received messages; giving them back and polling again", received.size(), e);
    metrics.pollerRestarts.increment();
    Future<?> given = received.isEmpty() ? Future.succeededFuture() : giveBack(received);
    given.onComplete(v -> {
      if (stopped) {
        idle.tryComplete(List.of());
      } else {
        context.owner().setTimer(Backoff.DEFAULT.delayMillis(failures++), id -> next());
      }
    });
  }

  /** Visible again at once, for another instance or another receive to take. */
  private Future<?> giveBack(List<Delivery> deliveries) {
    metrics.released.increment(deliveries.size());
    return queue.changeVisibility(deliveries, 0)
        .onFailure(failure -> log.warn("could not give back {} messages ({}); they reappear after their visibility "
            + "timeout", deliveries.size(), AwsErrors.code(failure)))
        .onComplete(done -> inFlight.release(deliveries));
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
