package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Records;
import io.logmeter.archive.ArchivedRecord;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ledger's exactly-once rule on its own: which records of a commit are counted, which are duplicates. */
class CommitSplitTest {

  private static ArchivedRecord record(String id, long offset) {
    return Records.record(id).in("raw/batch.ndjson", offset, 40).archived();
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
