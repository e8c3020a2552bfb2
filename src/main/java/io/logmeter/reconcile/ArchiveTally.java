package io.logmeter.reconcile;

import io.logmeter.archive.RawRecord;

import io.logmeter.usage.Usage;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the archive says was billed: every distinct message (by idempotency key) whose event day
 * lies in [from, to], summed per account and day. The archive is at-least-once, so a message may
 * be found several times (a crash between archive and commit, a failed delete, an SNS duplicate);
 * only its first copy counts, exactly as only its first commit counted.
 */
final class ArchiveTally {

  private final LocalDate from;
  private final LocalDate to;
  private final String accountId;
  private final Set<String> seen = new HashSet<>();
  private final SortedMap<AccountDay, Usage> usage = new TreeMap<>();
  private long records;
  private long duplicates;
  private long outside;

  /** @param accountId only this account's records count, or null for every account */
  ArchiveTally(LocalDate from, LocalDate to, String accountId) {
    this.from = from;
    this.to = to;
    this.accountId = accountId;
  }

  void add(RawRecord record) {
    records++;
    LocalDate day = record.day();
    if (day.isBefore(from) || day.isAfter(to) || (accountId != null && !accountId.equals(record.accountId()))) {
      outside++;
      return;
    }
    // Ids are only remembered for records in range: a message's copies share its event time.
    if (!seen.add(record.messageId())) {
      duplicates++;
      return;
    }
    usage.merge(new AccountDay(record.accountId(), day), new Usage(record.bytes(), 1),
        (a, b) -> a.plus(b.bytes(), b.messages()));
  }

  /** Per account and day, in order; only pairs with at least one message are present. */
  SortedMap<AccountDay, Usage> usage() {
    return usage;
  }

  /** Records read, copies included. */
  long records() {
    return records;
  }

  /** Copies of a message already counted: archived more than once. */
  long duplicates() {
    return duplicates;
  }

  /** Records of other days (or other accounts, with an account given). */
  long outside() {
    return outside;
  }

  static Usage total(Map<AccountDay, Usage> usage) {
    Usage total = Usage.ZERO;
    for (Usage u : usage.values()) {
      total = total.plus(u.bytes(), u.messages());
    }
    return total;
  }
}
