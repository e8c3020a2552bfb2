package io.logmeter.retry;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Retries an asynchronous action with {@link Backoff} while its failures are transient and the
 * caller still wants it done. Timers run on the caller's context, so nothing blocks.
 */
public final class Retry {

  private final Vertx vertx;
  private final Backoff backoff;
  private final BooleanSupplier keepTrying;

  /** @param keepTrying false once the caller is stopping: a failure is then final */
  public Retry(Vertx vertx, Backoff backoff, BooleanSupplier keepTrying) {
    this.vertx = vertx;
    this.backoff = backoff;
    this.keepTrying = keepTrying;
  }

  /** Runs {@code action} until it succeeds, a failure is not {@code transient}, or we stop trying. */
  public <T> Future<T> run(Supplier<Future<T>> action, Predicate<Throwable> isTransient) {
    Promise<T> result = Promise.promise();
    attempt(action, isTransient, 0, result);
    return result.future();
  }

  public boolean keepTrying() {
    return keepTrying.getAsBoolean();
  }

  /** Calls {@code next} after the backoff for {@code attempt}, on the current context. */
  public void later(int attempt, Runnable next) {
    vertx.setTimer(backoff.delayMillis(attempt), id -> next.run());
  }

  private <T> void attempt(Supplier<Future<T>> action, Predicate<Throwable> isTransient, int attempt,
      Promise<T> result) {
    action.get().onComplete(done -> {
      if (done.succeeded()) {
        result.complete(done.result());
      } else if (isTransient.test(done.cause()) && keepTrying()) {
        later(attempt, () -> attempt(action, isTransient, attempt + 1, result));
      } else {
        result.fail(done.cause());
      }
    });
  }
}
