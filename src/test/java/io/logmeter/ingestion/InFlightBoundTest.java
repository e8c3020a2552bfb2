package io.logmeter.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many messages an instance holds: what its flushes can take, within the configured bound. */
class InFlightBoundTest {

  @Test
  void theConfiguredBoundHoldsWhenTheFlushesCanTakeThatMuch() {
    // The defaults: 4 flushes of 2,000 could take 12,000 with two batches filling; 8,000 configured.
    assertThat(InFlight.messageBound(8000, 4, 2000)).isEqualTo(8000);
    assertThat(InFlight.messageBound(300, 4, 100)).isEqualTo(300);
  }

  @Test
  void smallBatchesHoldOnlyWhatTheFlushesCanTake() {
    // 4 flushes of 50 running, two batches filling: the other 7,700 would only wait here.
    assertThat(InFlight.messageBound(8000, 4, 50)).isEqualTo(300);
  }

  @Test
  void neverLessThanOneReceive() {
    assertThat(InFlight.messageBound(8000, 1, 1)).isEqualTo(InFlight.RECEIVE_MAX);
  }
}
