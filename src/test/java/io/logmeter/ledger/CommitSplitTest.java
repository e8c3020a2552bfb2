package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RecordLocation;
import io.logmeter.message.LogRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ledger's exactly-once rule on its own: which records of a commit are counted, which are duplicates. */
class CommitSplitTest {

  private static final String ACCOUNT = "6f1c2a8e-0b7d-4c1e-9a3f-2d5e8b7c4a10";

  private static ArchivedRecord record(String id, long offset) {
    return new ArchivedRecord(new LogRecord(id, ACCOUNT, Instant.parse("2026-12-03T10:15:00Z"), 5, "hello"),
        new RecordLocation("raw/2026/12/03/10/batch.ndjson", offset, 40));
  }

  @Test
  void recordsWhoseIdsThisCommitWroteAreCountedTheOthersAreDuplicates() {
    ArchivedRecord a = record("a", 0);
    ArchivedRecord b = record("b", 40);
    ArchivedRecord c = record("c", 80);

    UsageLedger.Split split = UsageLedger.split(List.of(a, b, c), Set.of("a", "c"));

    assertThat(split.counted()).containsExactly(a, c);
    assertThat(split.duplicates()).containsExactly(b);
  }

  @Test
  void aSecondCopyInTheSameCommitIsADuplicateEvenWhenItsIdIsOurs() {
    ArchivedRecord first = record("a", 0);
    ArchivedRecord again = record("a", 40);

    UsageLedger.Split split = UsageLedger.split(List.of(first, again), Set.of("a"));

    assertThat(split.counted()).containsExactly(first);
    assertThat(split.duplicates()).containsExactly(again);
  }

  @Test
  void aCommitThatWroteNothingCountsNothing() {
    List<ArchivedRecord> records = List.of(record("a", 0), record("b", 40));

    UsageLedger.Split split = UsageLedger.split(records, Set.of());

    assertThat(split.counted()).isEmpty();
    assertThat(split.duplicates()).containsExactlyElementsOf(records);
  }
}
