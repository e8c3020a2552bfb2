package io.logmeter.ingestion;

import io.logmeter.retry.AwsErrors;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps held messages invisible: a delivery held for half its visibility timeout gets another full
 * timeout, so a slow flush (an outage being waited out) is not redelivered to someone else.
 *
 * <p>Not for ever: a delivery held longer than {@code maxHold}, or whose extension SQS refused
 * (it allows 12 hours from the receive), is extended no more and reappears when its timeout ends.
 * Whatever held it, a flush stuck or a defect, the message is then delivered again and found
 * counted if it was; a flush that finishes later only fails to delete a stale receipt.
 */
final class VisibilityKeeper {

  private static final Logger log = LoggerFactory.getLogger(VisibilityKeeper.class);

  private final InFlight inFlight;
  private final QueueClient queue;
  private final IngestMetrics metrics;
  /** Well within SQS's 12 hours, and longer than any outage worth holding messages through. */
  static final Duration MAX_HOLD = Duration.ofHours(2);

  private final int visibilitySeconds;
  private final long maxHoldNanos;

  VisibilityKeeper(InFlight inFlight, QueueClient queue, IngestMetrics metrics, int visibilitySeconds,
      Duration maxHold) {
    this.inFlight = inFlight;
    this.queue = queue;
    this.metrics = metrics;
    this.visibilitySeconds = visibilitySeconds;
    this.maxHoldNanos = maxHold.toNanos();
  }

  /** How often to look: often enough that nothing overruns half of its timeout by much. */
  long periodMillis() {
    return Math.max(1000, TimeUnit.SECONDS.toMillis(visibilitySeconds) / 6);
  }

  /**
   * Extends what falls due before the next look and is not being extended already. Taking what
   * falls due before the next look, not only what is due now, leaves an extension the whole half
   * timeout to land, not half a timeout less one period: with thousands held (an outage being
   * waited out) and SQS answering slowly, that period is what separated an extension landing from
   * one landing too late (3 of 21,362 bodies received twice, with a 10 s timeout).
   *
   * <p>A round does not wait for the one before to end: a round can take longer than the slack,
   * and what fell due meanwhile would expire waiting for it.
   */
  Future<Void> extendDue() {
    long now = System.nanoTime();
    long nextLook = now + TimeUnit.MILLISECONDS.toNanos(periodMillis());
    List<Delivery> due = new ArrayList<>();
    int abandoned = 0;
    for (Delivery d : inFlight.held()) {
      if (d.extendedNoMore || d.extending || nextLook - d.extendAtNanos < 0) {
        continue;
      }
      if (d.extensionRefused || now - d.receivedAtNanos > maxHoldNanos) {
        d.extendedNoMore = true;
        abandoned++;
        continue;
      }
      due.add(d);
    }
    if (abandoned > 0) {
      log.error("{} deliveries held past {} or refused an extension: extended no more, they reappear for "
          + "redelivery", abandoned, Duration.ofNanos(maxHoldNanos));
      metrics.heldTooLong.increment(abandoned);
    }
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    long nextExtension = now + TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
    due.forEach(d -> d.extending = true);
    return queue.changeVisibility(due, visibilitySeconds).eventually(() -> {
      due.forEach(d -> d.extending = false);
      return Future.succeededFuture();
    }).map(failed -> {
      for (Delivery d : due) {
        if (!failed.contains(d)) {
          d.extendAtNanos = nextExtension;
        }
      }
      metrics.extended.increment(due.size() - failed.size());
      return (Void) null;
    }).otherwise(failure -> {
      log.warn("visibility extension of {} deliveries failed ({})", due.size(), AwsErrors.code(failure));
      return null;
    });
  }
}
