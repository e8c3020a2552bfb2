package io.logmeter.ledger;

import java.time.LocalDate;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Keys and attributes of the usage table. All of an account's counters share its partition key.
 * A day's item is {@code D#<yyyy-MM-dd>}, with an entry per hour ({@link DayCounters}); items
 * written before pages ({@code D#<yyyy-MM-dd>#<shard>} with plain {@code bytes} and
 * {@code messages}, and {@code T#<shard>} totals) are still read: a day's usage is the sum of its
 * items, the total the sum of every day's. One Query reads a range of days, or all of them.
 */
public final class CounterKeys {

  public static final String PARTITION = "pk";
  public static final String SORT = "sk";
  public static final String BYTES = "bytes";
  public static final String MESSAGES = "messages";

  public static final String DAY_PREFIX = "D#";

  /**
   * The index of day items by month, for reads across accounts (the bulk export): its partition key
   * {@value #MONTH} is {@code yyyy-MM#c}, {@code c} the account's first hex digit (16 partitions a
   * month, so that the day items every account creates at midnight do not all write one index
   * partition), its sort key the account. Keys only: a day item is indexed once, when it is created;
   * its updates change no indexed attribute and cost the index nothing.
   */
  public static final String BY_MONTH_INDEX = "by-month";
  public static final String MONTH = "month";
  /** The first characters of account ids (lowercase UUIDs), in order: the index's partitions of a month. */
  public static final String MONTH_SHARDS = "0123456789abcdef";
  /** An hour's entry in a day's item: {@code h00} to {@code h23}, a map of these three. */
  public static final String HOUR_PREFIX = "h";
  static final String HOUR_VERSION = "v";
  static final String HOUR_BYTES = "b";
  static final String HOUR_MESSAGES = "n";

  private CounterKeys() {
  }

  /** The sort key of an account's alert item for {@code threshold} bytes ({@code A#} sorts before {@code D#}). */
  public static String alertKey(long threshold) {
    return "A#" + threshold;
  }

  /** The sort key of a day's item. */
  public static String dayKey(LocalDate day) {
    return DAY_PREFIX + day;
  }

  /** The sort key of a day's counter shard as written before pages (still read). */
  public static String shardKey(LocalDate day, int shard) {
    return DAY_PREFIX + day + '#' + shard;
  }

  /** The index partition of the account's day items of the month {@code day} falls in. */
  public static String monthKey(java.time.YearMonth month, char shard) {
    return month.toString() + '#' + shard;
  }

  static String monthKey(String accountId, LocalDate day) {
    return monthKey(java.time.YearMonth.from(day), accountId.charAt(0));
  }

  /** Lowest sort key of the items of {@code day}. */
  public static String firstOfDay(LocalDate day) {
    return DAY_PREFIX + day;
  }

  /** Highest sort key of the items of {@code day}: '~' sorts after every shard number. */
  public static String lastOfDay(LocalDate day) {
    return DAY_PREFIX + day + "#~";
  }

  /** The day of a daily item's sort key. */
  public static LocalDate dayOf(String sortKey) {
    return LocalDate.parse(sortKey.substring(DAY_PREFIX.length(), DAY_PREFIX.length() + 10));
  }

  /** The hour attribute of hour {@code hh} (0 to 23) of the day. */
  public static String hourAttribute(int hh) {
    return HOUR_PREFIX + (hh < 10 ? "0" : "") + hh;
  }

  /** The bytes an item counts: its plain sum, if any, and every hour's entry. */
  public static long bytesOf(Map<String, AttributeValue> item) {
    return sum(item, BYTES, HOUR_BYTES);
  }

  /** The messages an item counts, as {@link #bytesOf}. */
  public static long messagesOf(Map<String, AttributeValue> item) {
    return sum(item, MESSAGES, HOUR_MESSAGES);
  }

  /**
   * The bytes and messages an item counts in the hours before {@code before} (its plain sums count
   * whatever it is): what the fold's readers take from an item, the hours from {@code before} on
   * being counted by the fold's periods.
   */
  public static long[] sumsBefore(Map<String, AttributeValue> item, java.time.Instant before) {
    long hoursBefore = 24;
    AttributeValue sort = item.get(SORT);
    if (sort != null && sort.s() != null && sort.s().startsWith(DAY_PREFIX)) {
      long dayStart = dayOf(sort.s()).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
      hoursBefore = Math.max(0, Math.min(24, Math.floorDiv(before.getEpochSecond() - dayStart + 3599, 3600)));
    }
    return new long[] {sum(item, BYTES, HOUR_BYTES, (int) hoursBefore), sum(item, MESSAGES, HOUR_MESSAGES,
        (int) hoursBefore)};
  }

  private static long sum(Map<String, AttributeValue> item, String plain, String perHour) {
    return sum(item, plain, perHour, 24);
  }

  private static long sum(Map<String, AttributeValue> item, String plain, String perHour, int hours) {
    long sum = number(item.get(plain));
    for (int hh = 0; hh < hours; hh++) {
      AttributeValue hour = item.get(hourAttribute(hh));
      if (hour != null && hour.hasM()) {
        sum += number(hour.m().get(perHour));
      }
    }
    return sum;
  }

  /** The page of hour {@code hh} an item reflects, 0 if none. */
  public static long hourVersion(Map<String, AttributeValue> item, int hh) {
    AttributeValue hour = item.get(hourAttribute(hh));
    return hour == null || !hour.hasM() ? 0 : number(hour.m().get(HOUR_VERSION));
  }

  private static long number(AttributeValue value) {
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }
}
