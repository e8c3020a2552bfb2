package io.logmeter.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(50, 5_000);

  /** The largest of many draws for an attempt: with full jitter it comes close to the ceiling. */
  private long largest(int attempt) {
    return LongStream.range(0, 2000).map(i -> backoff.delayMillis(attempt)).max().orElseThrow();
  }

  @Test
  void eachDelayStaysUnderItsCeiling() {
    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.delayMillis(0)).isBetween(1L, 50L);
      assertThat(backoff.delayMillis(3)).isBetween(1L, 400L);
      assertThat(backoff.delayMillis(40)).isBetween(1L, 5_000L);
    }
  }

  @Test
  void theCeilingDoublesWithEachAttemptUntilTheCap() {
    // A constant or linear backoff fails here: each attempt's draws reach past the previous ceiling.
    assertThat(largest(0)).isGreaterThan(40);
    assertThat(largest(1)).isGreaterThan(50).isLessThanOrEqualTo(100);
    assertThat(largest(3)).isGreaterThan(200).isLessThanOrEqualTo(400);
    assertThat(largest(6)).isGreaterThan(2_560).isLessThanOrEqualTo(3_200);
    assertThat(largest(7)).isGreaterThan(4_000).isLessThanOrEqualTo(5_000);
    assertThat(largest(60)).isGreaterThan(4_000).isLessThanOrEqualTo(5_000);
  }

  @Test
  void delaysAreSpreadNotSynchronised() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(backoff.delayMillis(5));
    }
    assertThat(seen).hasSizeGreaterThan(100);
  }
}
