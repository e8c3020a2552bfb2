package io.logmeter.reconcile;

import java.time.LocalDate;
import java.util.Comparator;

/** One account on one UTC day of event time: the unit both the archive and the counters are summed by. */
public record AccountDay(String accountId, LocalDate day) implements Comparable<AccountDay> {

  private static final Comparator<AccountDay> ORDER =
      Comparator.comparing(AccountDay::accountId).thenComparing(AccountDay::day);

  @Override
  public int compareTo(AccountDay other) {
    return ORDER.compare(this, other);
  }
}
