package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A period's object: read back as written, and its keys sort as its numbers do. */
class FoldPeriodTest {

  @Test
  void aPeriodReadsBackAsWritten() {
    FoldPeriod period = new FoldPeriod(3, 41, 2, Instant.parse("2026-11-21T10:00:01.900Z"),
        Instant.parse("2026-11-21T10:00:01.250Z"), Instant.parse("2026-11-21T09:00:00Z"),
        List.of("raw/dt=2026-11-21/hr=10/a.ndjson", "raw/dt=2026-11-21/hr=10/b.ndjson"),
        List.of(new FoldState.Tally("6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", Instant.parse("2026-11-21T10:00:00Z"),
            5_000_000_000L, 7)));
    byte[] written = period.encode();
    assertThat(new String(written, StandardCharsets.UTF_8)).contains("\"period\":41").contains("\"previousEpoch\":2").contains("5000000000");
    assertThat(FoldPeriod.decode(written)).isEqualTo(period);
  }

  @Test
  void keysSortAsPeriodsDoAndAnEpochHasItsOwn() {
    assertThat(FoldPeriod.key(2, 9)).isEqualTo("fold/0000000000000000002/0000000000000000009.json");
    assertThat(FoldPeriod.key(2, 10).compareTo(FoldPeriod.key(2, 9))).isPositive();
    assertThat(FoldPeriod.key(Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(FoldPeriod.key(1, 1).length());
    assertThat(FoldPeriod.key(1, 9)).isNotEqualTo(FoldPeriod.key(2, 9));
  }
}
