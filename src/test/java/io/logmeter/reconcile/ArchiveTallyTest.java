package io.logmeter.reconcile;

import io.logmeter.archive.RawRecord;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.usage.Usage;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ArchiveTallyTest {

  private static final String A = "00000000-0000-4000-8000-00000000000a";
  private static final String B = "00000000-0000-4000-8000-00000000000b";
  private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);

  @Test
  void countsEachMessageOnceHoweverOftenItWasArchived() {
    ArchiveTally tally = new ArchiveTally(NOV_1, NOV_2, null);

    tally.add(record("m1", A, "2026-11-01T10:00:00Z", 10));
    tally.add(record("m1", A, "2026-11-01T10:00:00Z", 10));
    tally.add(record("m2", A, "2026-11-01T23:59:59Z", 5));
    tally.add(record("m3", A, "2026-11-02T00:00:00Z", 7));
    tally.add(record("m4", B, "2026-11-02T08:00:00Z", 1));
    tally.add(record("m4", B, "2026-11-02T08:00:00Z", 1));
    tally.add(record("m4", B, "2026-11-02T08:00:00Z", 1));

    assertThat(tally.usage()).containsExactly(
        entry(A, NOV_1, 15, 2), entry(A, NOV_2, 7, 1), entry(B, NOV_2, 1, 1));
    assertThat(tally.records()).isEqualTo(7);
    assertThat(tally.duplicates()).isEqualTo(3);
    assertThat(tally.outside()).isZero();
    assertThat(ArchiveTally.total(tally.usage())).isEqualTo(new Usage(23, 4));
  }

  @Test
  void leavesOutOtherDaysAndOtherAccounts() {
    ArchiveTally tally = new ArchiveTally(NOV_2, NOV_2, B);

    tally.add(record("m1", B, "2026-11-01T23:59:59.999Z", 10));
    tally.add(record("m2", B, "2026-11-03T00:00:00Z", 10));
    tally.add(record("m3", A, "2026-11-02T12:00:00Z", 10));
    tally.add(record("m4", B, "2026-11-02T12:00:00Z", 3));

    assertThat(tally.usage()).containsExactly(entry(B, NOV_2, 3, 1));
    assertThat(tally.outside()).isEqualTo(3);
  }

  private static RawRecord record(String id, String account, String eventTime, long bytes) {
    return new RawRecord(id, account, Instant.parse(eventTime), bytes);
  }

  private static java.util.Map.Entry<AccountDay, Usage> entry(String account, LocalDate day, long bytes,
      long messages) {
    return java.util.Map.entry(new AccountDay(account, day), new Usage(bytes, messages));
  }
}
