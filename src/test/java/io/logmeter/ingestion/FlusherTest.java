package io.logmeter.ingestion;

import static io.logmeter.ingestion.Deliveries.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How long a flush given up for a failure leaves its deliveries invisible: long enough that a fault
 * outlasting a flush does not burn their receives within seconds, never so long that a message
 * waits past the fault.
 */
class FlusherTest {

  private static final long FIFTEEN_MINUTES = Duration.ofMinutes(15).toSeconds();

  @Test
  void fiveSecondsAfterTheFirstReceiveDoublingWithEachReceiveAfter() {
    assertThat(IntStream.rangeClosed(1, 8).map(Flusher::releaseSeconds).toArray())
        .containsExactly(5, 10, 20, 40, 80, 160, 320, 640);
  }

  @Test
  void theDelayStopsAtFifteenMinutesHoweverManyTheReceives() {
    for (int receives : new int[] {9, 10, 11, 12, 31, 32, 1000, Integer.MAX_VALUE}) {
      assertThat(Flusher.releaseSeconds(receives)).as("after %d receives", receives).isEqualTo(FIFTEEN_MINUTES);
    }
    int previous = 0;
    for (int receives = 1; receives <= 10_000; receives++) {
      int seconds = Flusher.releaseSeconds(receives);
      assertThat(seconds).as("after %d receives", receives).isBetween(previous, (int) FIFTEEN_MINUTES);
      previous = seconds;
    }
  }

  @Test
  void theDelayFollowsTheReceiveCountSqsReportsAndAMissingOrOddOneCountsAsTheFirst() {
    assertThat(Flusher.releaseSeconds(delivery("m").receiveCount(3).build().receiveCount)).isEqualTo(20);
    assertThat(Flusher.releaseSeconds(delivery("m").receiveCount("99999999999").build().receiveCount))
        .isEqualTo(FIFTEEN_MINUTES);
    for (String odd : new String[] {"0", "-4", "many", ""}) {
      assertThat(Flusher.releaseSeconds(delivery("m").receiveCount(odd).build().receiveCount)).as(odd).isEqualTo(5);
    }
    assertThat(Flusher.releaseSeconds(delivery("m").build().receiveCount)).as("no count").isEqualTo(5);
  }
}
