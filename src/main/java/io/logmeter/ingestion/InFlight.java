package io.logmeter.ingestion;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;

/**
 * The bound on work in flight: how many messages and bytes have been received and not yet
 * acknowledged or released. A poller reserves room for a full receive (10 messages) before it asks
 * SQS for more, so the message bound holds exactly and the byte bound is exceeded by at most one
 * receive per poller. Confined to the ingest verticle's context.
 */
final class InFlight {

  static final int RECEIVE_MAX = 10;

  private final int maxMessages;
  private final long maxBytes;
  private final Set<Delivery> held = new LinkedHashSet<>();
  private final Queue<Promise<Void>> waiting = new ArrayDeque<>();
  private long bytes;
  private int reserved;

  /**
   * The messages worth holding: at most {@code configured}, and no more than the flushes can take
   * (one batch each) plus two batches filling. Beyond that a message would only wait in this
   * instance, extended again and again, where any other instance could have taken it from SQS.
   */
  static int messageBound(int configured, int maxConcurrentFlushes, int batchMaxMessages) {
    long useful = (maxConcurrentFlushes + 2L) * batchMaxMessages;
    return (int) Math.max(RECEIVE_MAX, Math.min(configured, useful));
  }

  InFlight(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Completes once there is room for one more receive, which is then reserved. */
  Future<Void> reserve() {
    Promise<Void> promise = Promise.promise();
    waiting.add(promise);
    grant();
    return promise.future();
  }

  /** Turns a reservation into the deliveries it brought (possibly none). */
  void settle(List<Delivery> deliveries) {
    reserved -= RECEIVE_MAX;
    for (Delivery d : deliveries) {
      held.add(d);
      bytes += d.size;
    }
    grant();
  }

  /** The deliveries are acknowledged or given back to the queue: their room is free again. */
  void release(Collection<Delivery> deliveries) {
    for (Delivery d : deliveries) {
      if (held.remove(d)) {
        bytes -= d.size;
      }
    }
    grant();
  }

  Set<Delivery> held() {
    return held;
  }

  int messages() {
    return held.size();
  }

  long bytes() {
    return bytes;
  }

  private void grant() {
    while (!waiting.isEmpty() && held.size() + reserved + RECEIVE_MAX <= maxMessages && bytes < maxBytes) {
      reserved += RECEIVE_MAX;
      waiting.poll().complete();
    }
  }
}
