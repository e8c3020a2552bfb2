package io.logmeter.retry;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base * 2^n)],
 * which spreads retries of many instances instead of synchronising them.
 */
public record Backoff(long baseMillis, long capMillis) {

  public static final Backoff DEFAULT = new Backoff(50, 5_000);

  public long delayMillis(int attempt) {
    long ceiling = baseMillis << Math.min(attempt, 20);
    long bound = Math.max(1, Math.min(capMillis, ceiling));
    return 1 + ThreadLocalRandom.current().nextLong(bound);
  }
}
