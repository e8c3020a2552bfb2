package io.logmeter.api;

import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageAcrossAccounts;
import io.logmeter.usage.UsageReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** The usage counters in memory: each account's usage per day, and a log of the reads asked for. */
final class InMemoryUsage implements UsageReader {

  final Faults faults = new Faults();
  /** Every read, as "total {account} consistent={flag}", "daily {account} {from}..{to} consistent={flag}" or "walk …". */
  final List<String> reads = new CopyOnWriteArrayList<>();
  private final SortedMap<String, SortedMap<LocalDate, Usage>> days = new TreeMap<>();
  private volatile int walkFailsAfter = -1;

  /** Counts usage of an account (a lowercase UUID, as the store keeps it) on a day (YYYY-MM-DD). */
  synchronized InMemoryUsage count(String accountId, String day, long bytes, long messages) {
    days.computeIfAbsent(accountId, a -> new TreeMap<>()).merge(LocalDate.parse(day), new Usage(bytes, messages),
        (a, b) -> a.plus(b.bytes(), b.messages()));
    return this;
  }

  /** An export's walk hands over this many accounts, then fails as a store that stopped answering. */
  void walkFailsAfter(int accounts) {
    walkFailsAfter = accounts;
  }

  @Override
  public CompletableFuture<Usage> total(String accountId, boolean consistent) {
    reads.add("total " + accountId + " consistent=" + consistent);
    return faults.answer(() -> sum(daysOf(accountId, LocalDate.MIN, LocalDate.MAX)));
  }

  @Override
  public CompletableFuture<SortedMap<LocalDate, Usage>> daily(String accountId, LocalDate from, LocalDate to,
      boolean consistent) {
    reads.add("daily " + accountId + " " + from + ".." + to + " consistent=" + consistent);
    return faults.answer(() -> daysOf(accountId, from, to));
  }

  @Override
  public UsageAcrossAccounts export(Context context) {
    return this::walk;
  }

  private Future<UsageAcrossAccounts.Walk> walk(LocalDate from, LocalDate to, boolean consistent,
      Function<UsageAcrossAccounts.AccountUsage, Future<Void>> each) {
    reads.add("walk " + from + ".." + to + " consistent=" + consistent);
    return Future.fromCompletionStage(faults.answer(() -> accountsWithUsage(from, to))).compose(accounts -> {
      Future<Void> handed = Future.succeededFuture();
      for (int i = 0; i < accounts.size(); i++) {
        UsageAcrossAccounts.AccountUsage account = accounts.get(i);
        boolean fails = i == walkFailsAfter;
        handed = handed.compose(v -> fails ? Future.failedFuture(new IllegalStateException("the index did not answer"))
            : each.apply(account));
      }
      return handed.map(v -> new UsageAcrossAccounts.Walk(accounts.size(), 0, 0));
    });
  }

  private synchronized List<UsageAcrossAccounts.AccountUsage> accountsWithUsage(LocalDate from, LocalDate to) {
    List<UsageAcrossAccounts.AccountUsage> accounts = new ArrayList<>();
    for (String account : days.keySet()) {
      SortedMap<LocalDate, Usage> inRange = daysOf(account, from, to);
      if (!inRange.isEmpty()) {
        accounts.add(new UsageAcrossAccounts.AccountUsage(account, inRange));
      }
    }
    return accounts;
  }

  private synchronized SortedMap<LocalDate, Usage> daysOf(String accountId, LocalDate from, LocalDate to) {
    SortedMap<LocalDate, Usage> counted = days.getOrDefault(accountId, new TreeMap<>());
    return new TreeMap<>(to.equals(LocalDate.MAX) ? counted.tailMap(from) : counted.subMap(from, to.plusDays(1)));
  }

  private static Usage sum(SortedMap<LocalDate, Usage> days) {
    Usage total = Usage.ZERO;
    for (Usage day : days.values()) {
      total = total.plus(day.bytes(), day.messages());
    }
    return total;
  }
}
