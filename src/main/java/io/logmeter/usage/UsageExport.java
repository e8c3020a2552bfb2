package io.logmeter.usage;

import io.logmeter.ledger.CounterKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Every account's usage over a range of days, one account after the other in account order: what a
 * billing run needs, without one request per account from the caller.
 *
 * <p>The accounts come from the usage table's {@link CounterKeys#BY_MONTH_INDEX} index, which lists
 * each day item under its month and the account's first hex digit, sorted by account. The walk takes
 * the 16 digits in order; within one, it reads a page of each month of the range and goes as far as
 * every month's page reaches (the smallest last account of the pages cut short), so that accounts come
 * out sorted and once each, and it holds at most one page per month whatever the number of accounts.
 * Each account's days are then read exactly as {@code GET /v1/accounts/{id}/usage/daily} reads them
 * ({@link UsageStore#daily}), so the numbers are the per-account numbers, by construction.
 *
 * <p>The index is eventually consistent: an account whose first day item in the range is a second
 * old may not be listed yet. A billing run reads a closed period, where that cannot happen.
 */
public final class UsageExport implements UsageAcrossAccounts {

  /** What a walk has done so far; a {@link Walk} once it is through. */
  private static final class Tally {
    private int maxHeldKeys;
    private long indexQueries;
    private long accounts;

    Walk done() {
      return new Walk(accounts, indexQueries, maxHeldKeys);
    }
  }

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final UsageReader store;
  private final BiFunction<LocalDate, LocalDate, NavigableSet<String>> moreAccounts;
  private final Context context;
  private final int pageKeys;
  private final int parallelReads;

  /**
   * @param pageKeys index keys read per month and request (more than 31, the days of a month, so
   *     that a page always reaches past one account)
   * @param parallelReads accounts whose days are read at once
   */
  public UsageExport(DynamoDbAsyncClient dynamo, String table, UsageReader store,
      BiFunction<LocalDate, LocalDate, NavigableSet<String>> moreAccounts, Context context, int pageKeys,
      int parallelReads) {
    if (pageKeys <= 31) {
      throw new IllegalArgumentException("pageKeys must exceed 31");
    }
    this.dynamo = dynamo;
    this.table = table;
    this.store = store;
    this.moreAccounts = moreAccounts;
    this.context = context;
    this.pageKeys = pageKeys;
    this.parallelReads = parallelReads;
  }

  /** Runs on the context given. */
  @Override
  public Future<Walk> walk(LocalDate from, LocalDate to, boolean consistent,
      Function<AccountUsage, Future<Void>> each) {
    List<YearMonth> months = new ArrayList<>();
    for (YearMonth m = YearMonth.from(from); !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
      months.add(m);
    }
    Tally walk = new Tally();
    return shard(0, null, new Range(months, from, to, consistent, moreAccounts.apply(from, to)), each, walk)
        .map(v -> walk.done());
  }

  /** The range walked; {@code more}: accounts to list besides those of the index. */
  private record Range(List<YearMonth> months, LocalDate from, LocalDate to, boolean consistent,
      NavigableSet<String> more) {
  }

  /** A page of one month's index partition: its accounts, and where it stopped if cut short. */
  private record Page(List<String> accounts, int keys, String last) {
  }

  private Future<Void> shard(int shard, String after, Range range, Function<AccountUsage, Future<Void>> each,
      Tally walk) {
    if (shard == CounterKeys.MONTH_SHARDS.length()) {
      return Future.succeededFuture();
    }
    char digit = CounterKeys.MONTH_SHARDS.charAt(shard);
    List<Future<Page>> pages = new ArrayList<>(range.months().size());
    for (YearMonth month : range.months()) {
      pages.add(page(CounterKeys.monthKey(month, digit), after));
      walk.indexQueries++;
    }
    return Future.all(pages).compose(read -> {
      TreeSet<String> accounts = new TreeSet<>();
      String reach = null; // the smallest last account of the pages cut short: known complete up to it
      int held = 0;
      for (Future<Page> f : pages) {
        Page page = f.result();
        accounts.addAll(page.accounts());
        held += page.keys();
        if (page.last() != null && (reach == null || page.last().compareTo(reach) < 0)) {
          reach = page.last();
        }
      }
      walk.maxHeldKeys = Math.max(walk.maxHeldKeys, held);
      String low = after != null ? after : String.valueOf(digit);
      String high = String.valueOf((char) (digit + 1));
      for (String account : range.more().subSet(low, after == null, high, false)) {
        if (account.charAt(0) == digit) {
          accounts.add(account);
        }
      }
      NavigableSet<String> due = reach == null ? accounts : accounts.headSet(reach, true);
      String next = reach;
      return emit(new ArrayList<>(due), 0, range, each, walk)
          .compose(v -> next == null ? shard(shard + 1, null, range, each, walk) : shard(shard, next, range, each, walk));
    });
  }

  private Future<Page> page(String month, String after) {
    Map<String, String> names = new HashMap<>(Map.of("#m", CounterKeys.MONTH, "#pk", CounterKeys.PARTITION));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":m", AttributeValue.fromS(month)));
    String condition = "#m = :m";
    if (after != null) {
      condition += " AND #pk > :after";
      values.put(":after", AttributeValue.fromS(after));
    }
    QueryRequest query = QueryRequest.builder().tableName(table).indexName(CounterKeys.BY_MONTH_INDEX)
        .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
        .projectionExpression("#pk").limit(pageKeys).build();
    return Future.fromCompletionStage(dynamo.query(query), context).map((QueryResponse response) -> {
      List<String> accounts = new ArrayList<>();
      for (Map<String, AttributeValue> item : response.items()) {
        String account = item.get(CounterKeys.PARTITION).s();
        if (accounts.isEmpty() || !accounts.get(accounts.size() - 1).equals(account)) {
          accounts.add(account);
        }
      }
      boolean cut = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
      return new Page(accounts, response.items().size(), cut && !accounts.isEmpty()
          ? accounts.get(accounts.size() - 1) : null);
    });
  }

  /** Reads the accounts' days, {@code parallelReads} at a time, and hands them over in order. */
  private Future<Void> emit(List<String> accounts, int start, Range range, Function<AccountUsage, Future<Void>> each,
      Tally walk) {
    if (start >= accounts.size()) {
      return Future.succeededFuture();
    }
    List<String> chunk = accounts.subList(start, Math.min(accounts.size(), start + parallelReads));
    List<Future<SortedMap<LocalDate, Usage>>> reads = new ArrayList<>(chunk.size());
    for (String account : chunk) {
      reads.add(Future.fromCompletionStage(store.daily(account, range.from(), range.to(), range.consistent()),
          context));
    }
    return Future.all(reads).compose(read -> {
      Future<Void> handed = Future.succeededFuture();
      for (int i = 0; i < chunk.size(); i++) {
        SortedMap<LocalDate, Usage> days = reads.get(i).result();
        days.values().removeIf(u -> u.bytes() == 0 && u.messages() == 0);
        if (!days.isEmpty()) {
          walk.accounts++;
          AccountUsage usage = new AccountUsage(chunk.get(i), days);
          handed = handed.compose(v -> each.apply(usage));
        }
      }
      return handed.compose(v -> emit(accounts, start + parallelReads, range, each, walk));
    });
  }
}
