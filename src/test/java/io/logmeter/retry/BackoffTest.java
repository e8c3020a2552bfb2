package io.logmeter.retry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysGrowExponentiallyUpToTheCapWithJitter() {
    Backoff backoff = new Backoff(50, 5_000);
    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.delayMillis(0)).isBetween(1L, 50L);
      assertThat(backoff.delayMillis(3)).isBetween(1L, 400L);
      assertThat(backoff.delayMillis(40)).isBetween(1L, 5_000L);
    }
  }
}
