package io.logmeter.usage;

import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.SortedMap;
import java.util.function.Function;

/** Every account's usage over a range of days, one account after the other in account order (see {@link UsageExport}). */
public interface UsageAcrossAccounts {

  /** One account's usage on each day of the range that has any. */
  record AccountUsage(String accountId, SortedMap<LocalDate, Usage> days) {

    public Usage total() {
      Usage total = Usage.ZERO;
      for (Usage day : days.values()) {
        total = total.plus(day.bytes(), day.messages());
      }
      return total;
    }
  }

  /**
   * What one walk did: the accounts with usage in the range (each handed over once), and the
   * figures that show its cost and its bounded memory: the index queries, and the most index keys
   * held at once.
   */
  record Walk(long accounts, long indexQueries, int maxHeldKeys) {
  }

  /**
   * Calls {@code each} for every account with usage from {@code from} to {@code to}, in account
   * order, one after the other: the next account is handed over once the future {@code each}
   * returned has completed (a response that can take more).
   */
  Future<Walk> walk(LocalDate from, LocalDate to, boolean consistent, Function<AccountUsage, Future<Void>> each);
}
