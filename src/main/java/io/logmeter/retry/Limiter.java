package io.logmeter.retry;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * At most {@code limit} asynchronous actions under way; the others wait their turn in order.
 * Confined to one context. More concurrency than the backend serves only queues requests there,
 * where they run into timeouts and are retried.
 */
public final class Limiter {

  private final int limit;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int running;

  public Limiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.limit = limit;
  }

  public <T> Future<T> run(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    waiting.add(() -> started(action).onComplete(done -> {
      running--;
      next();
      result.handle(done);
    }));
    next();
    return result.future();
  }

  /** An action that throws instead of failing its future fails all the same, and frees its slot. */
  private static <T> Future<T> started(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void next() {
    while (running < limit && !waiting.isEmpty()) {
      running++;
      waiting.poll().run();
    }
  }
}
