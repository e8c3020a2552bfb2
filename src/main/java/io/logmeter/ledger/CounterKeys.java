package io.logmeter.ledger;

import java.time.LocalDate;

/**
 * Keys of the usage table. All counters of an account share its partition key; the sort key names
 * the counter and its write shard: {@code T#<shard>} for the total, {@code D#<yyyy-MM-dd>#<shard>}
 * for a day. One Query reads the shards of a total or of a range of days.
 */
public final class CounterKeys {

  public static final String PARTITION = "pk";
  public static final String SORT = "sk";
  public static final String BYTES = "bytes";
  public static final String MESSAGES = "messages";

  public static final String TOTAL_PREFIX = "T#";
  public static final String DAY_PREFIX = "D#";

  private CounterKeys() {
  }

  public static String sortKey(LocalDate day, int shard) {
    return day == null ? TOTAL_PREFIX + shard : DAY_PREFIX + day + '#' + shard;
  }

  /** Lowest sort key of the daily counters of {@code day}. */
  public static String firstOfDay(LocalDate day) {
    return DAY_PREFIX + day;
  }

  /** Highest sort key of the daily counters of {@code day}: '~' sorts after every shard number. */
  public static String lastOfDay(LocalDate day) {
    return DAY_PREFIX + day + "#~";
  }

  /** The day of a daily counter's sort key. */
  public static LocalDate dayOf(String sortKey) {
    return LocalDate.parse(sortKey.substring(DAY_PREFIX.length(), DAY_PREFIX.length() + 10));
  }
}
