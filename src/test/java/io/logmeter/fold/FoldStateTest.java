package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RecordLocation;
import io.logmeter.ledger.Page;
import io.logmeter.message.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The owner's dedupe and sums: each id once per account and hour, the entries kept for the hour's
 * page, late records handed back, hours compacted account by account.
 */
class FoldStateTest {

  private static final String A = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String B = "0b5f3a1e-0000-4000-8000-000000000002";
  private static final Instant TEN = Instant.parse("2026-11-21T10:00:00Z");
  private static final Instant ELEVEN = Instant.parse("2026-11-21T11:00:00Z");
  /** When the folds happen. */
  private static final Instant AT = Instant.parse("2026-11-21T12:30:00Z");

  @Test
  void eachIdIsCountedOnceWithinAFoldAndAcrossFolds() {
    FoldState state = new FoldState(TEN);
    ArchivedRecord one = record("m-1", A, "10:05", "abc");
    FoldState.Folded first = state.fold(List.of(one, record("m-2", A, "10:06", "hello"), one,
        record("m-3", B, "10:59", "xy")), AT);
    assertThat(first.counted()).containsExactly(new FoldState.Tally(A, TEN, 8, 2), new FoldState.Tally(B, TEN, 2, 1));
    assertThat(first.duplicates()).isEqualTo(1);
    // The same message archived again (a redelivery after a crash), and one new.
    FoldState.Folded second = state.fold(List.of(record("m-2", A, "10:06", "hello"), record("m-4", A, "11:00", "z")), AT);
    assertThat(second.counted()).containsExactly(new FoldState.Tally(A, ELEVEN, 1, 1));
    assertThat(second.duplicates()).isEqualTo(1);
    assertThat(state.idsHeld()).isEqualTo(4);
  }

  @Test
  void anHourIsDueAccountByAccountWithItsEntriesAndPassesOnceEveryAccountIsWritten() {
    FoldState state = new FoldState(TEN);
    state.fold(List.of(record("m-1", A, "10:05", "abc"), record("m-2", B, "10:30", "de"),
        record("m-3", A, "11:10", "fghi"), record("m-4", A, "10:40", "j")), AT);
    List<FoldState.Due> due = state.due(Instant.parse("2026-11-21T11:59:59Z"), AT, 10);
    assertThat(due).extracting(FoldState.Due::accountId, FoldState.Due::hour, FoldState.Due::bytes,
        FoldState.Due::messages).containsExactly(org.assertj.core.groups.Tuple.tuple(A, TEN, 4L, 2L),
        org.assertj.core.groups.Tuple.tuple(B, TEN, 2L, 1L));
    assertThat(due.get(0).entries().entries()).extracting(Page.Entry::messageId, Page.Entry::objectKey)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("m-1", "raw/m-1.ndjson"),
            org.assertj.core.groups.Tuple.tuple("m-4", "raw/m-4.ndjson"));
    assertThat(state.compactedBefore()).as("nothing written yet").isEqualTo(TEN);

    state.compacted(A, TEN);
    assertThat(state.compactedBefore()).as("B's hour is not written yet").isEqualTo(TEN);
    ArchivedRecord lateForA = record("m-5", A, "10:50", "kl");
    FoldState.Folded folded = state.fold(List.of(lateForA, record("m-6", B, "10:51", "mn")), AT);
    assertThat(folded.late()).as("A's hour is in its pages").containsExactly(lateForA);
    assertThat(folded.counted()).containsExactly(new FoldState.Tally(B, TEN, 2, 1));
    assertThat(state.due(Instant.parse("2026-11-21T11:59:59Z"), AT, 10)).extracting(FoldState.Due::accountId)
        .containsExactly(B);

    state.compacted(B, TEN);
    assertThat(state.compactedBefore()).isEqualTo(ELEVEN);
    assertThat(state.idsHeld()).as("only 11:00 is held").isEqualTo(1);
    ArchivedRecord again = record("m-2", B, "10:30", "de");
    assertThat(state.fold(List.of(again), AT).late()).containsExactly(again);
  }

  @Test
  void dueIsBoundedAndTakesTheOldestHourFirst() {
    FoldState state = new FoldState(TEN);
    state.fold(List.of(record("m-1", A, "11:05", "a"), record("m-2", B, "10:05", "b"), record("m-3", A, "10:06", "c")), AT);
    assertThat(state.due(Instant.parse("2026-11-21T12:00:00Z"), AT, 1)).extracting(FoldState.Due::accountId,
        FoldState.Due::hour).containsExactly(org.assertj.core.groups.Tuple.tuple(B, TEN));
  }

  @Test
  void anHourStillCountingIsNotDueNorAnyAfterIt() {
    FoldState state = new FoldState(TEN);
    state.fold(List.of(record("m-1", A, "10:05", "a")), AT);
    state.fold(List.of(record("m-2", B, "11:05", "b")), AT.minusSeconds(600));
    assertThat(state.due(Instant.parse("2026-11-21T12:00:00Z"), AT.minusSeconds(60), 10))
        .as("10:00 counted a minute ago").isEmpty();
    assertThat(state.due(Instant.parse("2026-11-21T12:00:00Z"), AT, 10)).extracting(FoldState.Due::hour)
        .containsExactly(TEN, ELEVEN);
  }

  @Test
  void recordsOfHoursBeforeTheStartAreLateFromTheFirstFold() {
    FoldState state = new FoldState(Instant.parse("2026-11-21T10:30:00Z"));
    ArchivedRecord before = record("m-0", A, "09:59", "old");
    FoldState.Folded folded = state.fold(List.of(before, record("m-1", A, "10:00", "new")), AT);
    assertThat(folded.late()).containsExactly(before);
    assertThat(folded.counted()).containsExactly(new FoldState.Tally(A, TEN, 3, 1));
    assertThat(state.due(TEN, AT, 10)).isEmpty();
  }

  /** A record as read back from the archive, in an object of its own: billed the UTF-8 length of {@code logData}. */
  private static ArchivedRecord record(String id, String account, String time, String logData) {
    int bytes = logData.getBytes(StandardCharsets.UTF_8).length;
    return new ArchivedRecord(new LogRecord(id, account, Instant.parse("2026-11-21T" + time + ":00Z"), bytes, null),
        new RecordLocation("raw/" + id + ".ndjson", 0, 100));
  }
}
