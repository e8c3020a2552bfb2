package io.logmeter.usage;

import io.logmeter.ledger.CounterKeys;
import java.time.LocalDate;
import java.util.SortedMap;
import java.util.TreeMap;

/** Adds up the write shards of counters: a read of a counter is the sum of its shards. */
public final class ShardSums {

  private ShardSums() {
  }

  public static Usage total(Iterable<CounterItem> shards) {
    long bytes = 0;
    long messages = 0;
    for (CounterItem item : shards) {
      bytes += item.bytes();
      messages += item.messages();
    }
    return new Usage(bytes, messages);
  }

  /** Per day, from daily counter shards; days without counters are absent. */
  public static SortedMap<LocalDate, Usage> daily(Iterable<CounterItem> shards) {
    SortedMap<LocalDate, Usage> days = new TreeMap<>();
    for (CounterItem item : shards) {
      days.merge(CounterKeys.dayOf(item.sortKey()), new Usage(item.bytes(), item.messages()),
          (a, b) -> a.plus(b.bytes(), b.messages()));
    }
    return days;
  }

  /** Every day from {@code from} to {@code to} inclusive, with zero usage where nothing was counted. */
  public static SortedMap<LocalDate, Usage> everyDay(SortedMap<LocalDate, Usage> counted, LocalDate from,
      LocalDate to) {
    SortedMap<LocalDate, Usage> days = new TreeMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.put(day, counted.getOrDefault(day, Usage.ZERO));
    }
    return days;
  }
}
