package io.logmeter.api;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** How a fake store answers: with its data, with a failed future (it did not answer), or by throwing at the call (a bug). */
final class Faults {

  private volatile Throwable outage;
  private volatile RuntimeException bug;

  /** From now on every call's future fails with {@code cause}. */
  void outage(Throwable cause) {
    outage = cause;
  }

  /** From now on every call throws {@code thrown} before returning a future. */
  void bug(RuntimeException thrown) {
    bug = thrown;
  }

  <T> CompletableFuture<T> answer(Supplier<T> value) {
    if (bug != null) {
      throw bug;
    }
    return outage != null ? CompletableFuture.failedFuture(outage) : CompletableFuture.completedFuture(value.get());
  }
}
