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
            5_000_000_000L, 7)), List.of(entries()));
    byte[] written = period.encode();
    assertThat(new String(written, StandardCharsets.UTF_8)).contains("\"period\":41").contains("\"previousEpoch\":2").contains("5000000000");
    assertThat(FoldPeriod.decode(written)).isEqualTo(period);
  }

  /** Two entries of one account's hour, packed as the listing reads them. */
  private static FoldPeriod.Entries entries() {
    Instant ten = Instant.parse("2026-11-21T10:00:00Z");
    io.logmeter.ledger.PackedEntries packed = new io.logmeter.ledger.PackedEntries(ten);
    packed.add("1b4e28ba-2fa1-11d2-883f-0016d3cca427", ten.plusMillis(1), "raw/dt=2026-11-21/hr=10/a.ndjson", 0, 90, 42);
    packed.add("m:2", ten.plusSeconds(3599), "raw/dt=2026-11-21/hr=10/b.ndjson", 1 << 20, 70, 0);
    return new FoldPeriod.Entries("6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", ten, packed.packed(), packed.keys());
  }

  @Test
  void theEntriesOfAPeriodReadBackAsTheyWerePacked() {
    FoldPeriod.Entries entries = entries();
    assertThat(entries.decode()).extracting(io.logmeter.ledger.Page.Entry::messageId,
        io.logmeter.ledger.Page.Entry::objectKey, io.logmeter.ledger.Page.Entry::offset)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            "raw/dt=2026-11-21/hr=10/a.ndjson", 0L), org.assertj.core.groups.Tuple.tuple("m:2",
            "raw/dt=2026-11-21/hr=10/b.ndjson", 1L << 20));
  }

  @Test
  void keysSortAsPeriodsDoAndAnEpochHasItsOwn() {
    assertThat(FoldPeriod.key(2, 9)).isEqualTo("fold/0000000000000000002/0000000000000000009.json");
    assertThat(FoldPeriod.key(2, 10).compareTo(FoldPeriod.key(2, 9))).isPositive();
    assertThat(FoldPeriod.key(Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(FoldPeriod.key(1, 1).length());
    assertThat(FoldPeriod.key(1, 9)).isNotEqualTo(FoldPeriod.key(2, 9));
  }
}
