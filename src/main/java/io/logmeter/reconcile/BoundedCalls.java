package io.logmeter.reconcile;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Runs asynchronous calls at most {@code concurrency} at a time and hands each result to the
 * calling thread, in completion order: the I/O overlaps, the processing stays single-threaded.
 */
final class BoundedCalls {

  private BoundedCalls() {
  }

  private record Done<T, R>(T input, R result, Throwable failure) {
  }

  /** Stops at the first failure and throws it (the SDK has already retried what was worth retrying). */
  static <T, R> void run(List<T> inputs, int concurrency, Function<T, CompletableFuture<R>> call,
      BiConsumer<T, R> sink) throws InterruptedException {
    BlockingQueue<Done<T, R>> done = new LinkedBlockingQueue<>();
    int next = 0;
    int running = 0;
    while (next < inputs.size() || running > 0) {
      while (next < inputs.size() && running < concurrency) {
        T input = inputs.get(next++);
        running++;
        call.apply(input).whenComplete((result, failure) -> done.add(new Done<>(input, result, failure)));
      }
      Done<T, R> finished = done.take();
      running--;
      if (finished.failure() != null) {
        throw finished.failure() instanceof CompletionException c && c.getCause() != null
            ? new IllegalStateException("failed on " + finished.input() + ": " + c.getCause(), c.getCause())
            : new IllegalStateException("failed on " + finished.input() + ": " + finished.failure(),
                finished.failure());
      }
      sink.accept(finished.input(), finished.result());
    }
  }
}
