package io.logmeter.ingestion;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.Function;

/**
 * Gathers deliveries into batches and hands each to a flush. A batch is cut when it reaches its
 * message or byte limit, or when its oldest delivery has waited {@code maxAgeMillis}; at most
 * {@code maxConcurrent} flushes run at once, later batches wait their turn (the in-flight bound
 * keeps that queue short). Confined to the ingest verticle's context.
 */
final class Batcher {

  private final Vertx vertx;
  private final Function<List<Delivery>, Future<Void>> flush;
  private final int maxMessages;
  private final long maxBytes;
  private final long maxAgeMillis;
  private final int maxConcurrent;
  private final Queue<List<Delivery>> ready = new ArrayDeque<>();
  private List<Delivery> open = new ArrayList<>();
  private long openBytes;
  private long ageTimer = -1;
  private int running;
  private boolean closed;
  private Promise<Void> idle;

  Batcher(Vertx vertx, Function<List<Delivery>, Future<Void>> flush, int maxMessages, long maxBytes,
      long maxAgeMillis, int maxConcurrent) {
    this.vertx = vertx;
    this.flush = flush;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.maxAgeMillis = maxAgeMillis;
    this.maxConcurrent = maxConcurrent;
  }

  void add(List<Delivery> deliveries) {
    for (Delivery d : deliveries) {
      if (open.isEmpty()) {
        ageTimer = vertx.setTimer(maxAgeMillis, id -> {
          ageTimer = -1;
          cut();
        });
      }
      open.add(d);
      openBytes += d.size;
      if (open.size() >= maxMessages || openBytes >= maxBytes) {
        cut();
      }
    }
  }

  /** Flushes what has gathered now, and completes once no flush is left running or waiting. */
  Future<Void> drain() {
    cut();
    if (running == 0 && ready.isEmpty()) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  /**
   * Starts no more flushes: the batches waiting for a slot stay unflushed (their deliveries are
   * released by the caller with everything else it holds), and flushes under way finish alone.
   */
  void close() {
    closed = true;
    cut();
    ready.clear();
  }

  private void cut() {
    if (ageTimer >= 0) {
      vertx.cancelTimer(ageTimer);
      ageTimer = -1;
    }
    if (!open.isEmpty()) {
      ready.add(open);
      open = new ArrayList<>();
      openBytes = 0;
    }
    startFlushes();
  }

  /** A flush that throws instead of completing its future ends all the same, and frees its slot. */
  private Future<Void> flushing(List<Delivery> batch) {
    try {
      return flush.apply(batch);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void startFlushes() {
    while (!closed && running < maxConcurrent && !ready.isEmpty()) {
      running++;
      flushing(ready.poll()).onComplete(done -> {
        running--;
        startFlushes();
        if (running == 0 && ready.isEmpty() && idle != null) {
          Promise<Void> waiting = idle;
          idle = null;
          waiting.complete();
        }
      });
    }
  }
}
