package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.archive.RawRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The owner's dedupe and sums: each id once per hour, late records handed back, whole hours compacted. */
class FoldStateTest {

  private static final String A = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String B = "0b5f3a1e-0000-4000-8000-000000000002";
  private static final Instant TEN = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void eachIdIsCountedOnceWithinAFoldAndAcrossFolds() {
    FoldState state = new FoldState(TEN);
    RawRecord one = record("m-1", A, "10:05", "abc");
    FoldState.Folded first = state.fold(List.of(one, record("m-2", A, "10:06", "hello"), one,
        record("m-3", B, "10:59", "xy")));
    assertThat(first.counted()).containsExactly(new FoldState.Tally(A, TEN, 8, 2), new FoldState.Tally(B, TEN, 2, 1));
    assertThat(first.duplicates()).isEqualTo(1);
    // The same message archived again (a redelivery after a crash), and one new.
    FoldState.Folded second = state.fold(List.of(record("m-2", A, "10:06", "hello"), record("m-4", A, "11:00", "z")));
    assertThat(second.counted()).containsExactly(new FoldState.Tally(A, Instant.parse("2026-11-21T11:00:00Z"), 1, 1));
    assertThat(second.duplicates()).isEqualTo(1);
    assertThat(state.idsHeld()).isEqualTo(4);
  }

  @Test
  void compactionTakesWholeHoursOldestFirstAndTheirRecordsAreLateAfter() {
    FoldState state = new FoldState(TEN);
    state.fold(List.of(record("m-1", A, "10:05", "abc"), record("m-2", B, "10:30", "de"),
        record("m-3", A, "11:10", "fghi"), record("m-4", A, "12:00", "j")));
    List<FoldState.Tally> taken = state.compact(Instant.parse("2026-11-21T11:59:59Z"));
    assertThat(taken).containsExactly(new FoldState.Tally(A, TEN, 3, 1), new FoldState.Tally(B, TEN, 2, 1));
    assertThat(state.compactedBefore()).isEqualTo(Instant.parse("2026-11-21T11:00:00Z"));
    assertThat(state.idsHeld()).isEqualTo(2);

    RawRecord again = record("m-1", A, "10:05", "abc");
    FoldState.Folded late = state.fold(List.of(again, record("m-5", A, "11:20", "kl")));
    assertThat(late.late()).containsExactly(again);
    assertThat(late.counted()).containsExactly(new FoldState.Tally(A, Instant.parse("2026-11-21T11:00:00Z"), 2, 1));
    assertThat(late.duplicates()).isZero();
  }

  @Test
  void recordsOfHoursBeforeTheStartAreLateFromTheFirstFold() {
    FoldState state = new FoldState(Instant.parse("2026-11-21T10:30:00Z"));
    RawRecord before = record("m-0", A, "09:59", "old");
    FoldState.Folded folded = state.fold(List.of(before, record("m-1", A, "10:00", "new")));
    assertThat(folded.late()).containsExactly(before);
    assertThat(folded.counted()).containsExactly(new FoldState.Tally(A, TEN, 3, 1));
    assertThat(state.compact(TEN)).isEmpty();
  }

  /** A record as read back from the archive: billed the UTF-8 length of {@code logData}. */
  private static RawRecord record(String id, String account, String time, String logData) {
    return new RawRecord(id, account, Instant.parse("2026-11-21T" + time + ":00Z"),
        logData.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }
}
