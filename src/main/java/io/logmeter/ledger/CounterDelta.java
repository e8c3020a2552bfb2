package io.logmeter.ledger;

import java.time.LocalDate;

/**
 * What one commit adds to one usage counter.
 *
 * @param day the UTC day of the daily counter, or {@code null} for the account's total
 */
public record CounterDelta(String accountId, LocalDate day, long bytes, long messages) {

  public boolean isTotal() {
    return day == null;
  }
}
