package io.logmeter.ingestion;

import io.logmeter.retry.AwsErrors;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps held messages invisible: a delivery held for half its visibility timeout gets another full
 * timeout, so a slow flush (an outage being waited out) is not redelivered to someone else.
 */
final class VisibilityKeeper {

  private static final Logger log = LoggerFactory.getLogger(VisibilityKeeper.class);

  private final InFlight inFlight;
  private final QueueClient queue;
  private final IngestMetrics metrics;
  private final int visibilitySeconds;
  private boolean extending;

  VisibilityKeeper(InFlight inFlight, QueueClient queue, IngestMetrics metrics, int visibilitySeconds) {
    this.inFlight = inFlight;
    this.queue = queue;
    this.metrics = metrics;
    this.visibilitySeconds = visibilitySeconds;
  }

  /** How often to look: often enough that nothing overruns half of its timeout by much. */
  long periodMillis() {
    return Math.max(1000, TimeUnit.SECONDS.toMillis(visibilitySeconds) / 6);
  }

  /** Extends what is due; a round still under way is not overtaken, or it would be sent twice. */
  Future<Void> extendDue() {
    if (extending) {
      return Future.succeededFuture();
    }
    long now = System.nanoTime();
    List<Delivery> due = new ArrayList<>();
    for (Delivery d : inFlight.held()) {
      if (now - d.extendAtNanos >= 0) {
        due.add(d);
      }
    }
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    long nextExtension = now + TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
    extending = true;
    return queue.changeVisibility(due, visibilitySeconds).eventually(() -> {
      extending = false;
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
