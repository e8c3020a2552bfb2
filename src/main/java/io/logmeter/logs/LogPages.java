package io.logmeter.logs;

import io.logmeter.ledger.CounterKeys;
import io.logmeter.ledger.Page;
import io.logmeter.ledger.Queries;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * An account's counted messages, read from the ledger's pages: the day items of the usage table
 * say which hours have pages, and each hour's partition lists its pages. No index of its own: the
 * pages that count the messages are the index.
 *
 * <p>Order: newest event hour first; within an hour, the most recently written page first; within
 * a page, newest event time first. Each message is listed once (it is in one page). Redelivered
 * or late messages of an hour come before that hour's earlier pages, as they were counted later.
 */
public final class LogPages implements LogIndex {

  private static final Comparator<Page.Entry> NEWEST_FIRST = Comparator.comparing(Page.Entry::eventTime)
      .thenComparing(Page.Entry::messageId).reversed();

  private final DynamoDbAsyncClient dynamo;
  private final String ledgerTable;
  private final String usageTable;
  private final RecentPages recent;

  public LogPages(DynamoDbAsyncClient dynamo, String ledgerTable, String usageTable) {
    this(dynamo, ledgerTable, usageTable, NONE);
  }

  /** @param recent the hours not written to pages yet (the fold's), listed before the others */
  public LogPages(DynamoDbAsyncClient dynamo, String ledgerTable, String usageTable, RecentPages recent) {
    this.dynamo = dynamo;
    this.ledgerTable = ledgerTable;
    this.usageTable = usageTable;
    this.recent = recent;
  }

  /** No hour outside the pages: the pages ledger's. */
  private static final RecentPages NONE = new RecentPages() {
    @Override
    public Instant from() {
      return Instant.MAX;
    }

    @Override
    public List<String> hours(String accountId) {
      return List.of();
    }

    @Override
    public CompletableFuture<List<Page>> pages(String accountId, String hour, long upTo, int max) {
      return CompletableFuture.completedFuture(List.of());
    }
  };

  /** Recent pages read at most per listing request and hour: each is a period object to read. */
  static final int RECENT_PAGES_PER_READ = 32;

  @Override
  public CompletableFuture<Listing> recent(String accountId, int limit, Cursor from) {
    return hours(accountId, from == null ? null : from.hour()).thenCompose(hours ->
        collect(accountId, hours, 0, from, limit, new ArrayList<>()));
  }

  private CompletableFuture<Listing> collect(String accountId, List<String> hours, int at, Cursor from, int limit,
      List<IndexEntry> listed) {
    if (at >= hours.size()) {
      return CompletableFuture.completedFuture(new Listing(listed, null));
    }
    String hour = hours.get(at);
    Cursor start = from != null && from.hour().equals(hour) ? from : null;
    long upTo = start == null ? Long.MAX_VALUE : start.version();
    CompletableFuture<Listing> hourDone;
    if (isRecent(hour)) {
      hourDone = collectRecent(accountId, hour, upTo, start, limit, listed);
    } else {
      QueryRequest query = pagesQuery(accountId, hour, upTo).toBuilder().limit(limit + 1).build();
      hourDone = collectPages(query, null, hour, start, limit, listed);
    }
    return hourDone.thenCompose(done -> done != null
        ? CompletableFuture.completedFuture(done)
        : collect(accountId, hours, at + 1, from, limit, listed));
  }

  private boolean isRecent(String hour) {
    return !Instant.parse(hour + ":00:00Z").isBefore(recent.from());
  }

  /** Lists an hour not written to pages yet, from its recent pages, a few at a time. */
  private CompletableFuture<Listing> collectRecent(String accountId, String hour, long upTo, Cursor start, int limit,
      List<IndexEntry> listed) {
    return recent.pages(accountId, hour, upTo, RECENT_PAGES_PER_READ).thenCompose(pages -> {
      Listing done = emit(pages, hour, start, limit, listed);
      if (done != null || pages.size() < RECENT_PAGES_PER_READ) {
        return CompletableFuture.completedFuture(done);
      }
      return collectRecent(accountId, hour, pages.get(pages.size() - 1).version() - 1, start, limit, listed);
    });
  }

  /** Lists pages, newest first, from the cursor on; the listing once it is full, or null when more are wanted. */
  private static Listing emit(List<Page> pages, String hour, Cursor start, int limit, List<IndexEntry> listed) {
    for (Page page : pages) {
      List<Page.Entry> entries = new ArrayList<>(page.entries());
      entries.sort(NEWEST_FIRST);
      int skip = start != null && start.version() == page.version() ? start.listed() : 0;
      for (int i = skip; i < entries.size(); i++) {
        if (listed.size() == limit) {
          return new Listing(listed, new Cursor(hour, page.version(), i));
        }
        Page.Entry e = entries.get(i);
        listed.add(new IndexEntry(e.messageId(), e.eventTime(), e.bytes(), e.location()));
      }
    }
    return null;
  }

  /** Lists an hour's pages, a few at a time; null once the hour is through and more are wanted. */
  private CompletableFuture<Listing> collectPages(QueryRequest query, Map<String, AttributeValue> after, String hour,
      Cursor start, int limit, List<IndexEntry> listed) {
    QueryRequest request = after == null ? query : query.toBuilder().exclusiveStartKey(after).build();
    return dynamo.query(request).thenCompose((QueryResponse response) -> {
      List<Page> pages = new ArrayList<>(response.items().size());
      response.items().forEach(item -> pages.add(Page.of(item)));
      Listing done = emit(pages, hour, start, limit, listed);
      if (done != null) {
        return CompletableFuture.completedFuture(done);
      }
      if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
        return collectPages(query, response.lastEvaluatedKey(), hour, start, limit, listed);
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public CompletableFuture<Optional<IndexEntry>> find(String accountId, String messageId, Instant eventTime) {
    CompletableFuture<List<String>> hours = eventTime != null
        ? CompletableFuture.completedFuture(List.of(Page.hour(eventTime)))
        : hours(accountId, null);
    return hours.thenCompose(list -> search(accountId, messageId, list, 0, new int[1]));
  }

  private CompletableFuture<Optional<IndexEntry>> search(String accountId, String messageId, List<String> hours,
      int at, int[] read) {
    if (at >= hours.size() || read[0] >= MAX_SEARCH_PAGES) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String hour = hours.get(at);
    CompletableFuture<List<Page>> hourPages = isRecent(hour)
        ? recent.pages(accountId, hour, Long.MAX_VALUE, MAX_SEARCH_PAGES - read[0])
        : pages(accountId, hour);
    return hourPages.thenCompose(pages -> {
      for (Page page : pages) {
        read[0]++;
        for (Page.Entry e : page.entries()) {
          if (e.messageId().equals(messageId)) {
            return CompletableFuture.completedFuture(Optional.of(
                new IndexEntry(e.messageId(), e.eventTime(), e.bytes(), e.location())));
          }
        }
      }
      return search(accountId, messageId, hours, at + 1, read);
    });
  }

  /** The hours with pages, newest first, down from {@code upTo} (an hour, or null for all). */
  private CompletableFuture<List<String>> hours(String accountId, String upTo) {
    String last = upTo == null ? CounterKeys.DAY_PREFIX + "~" : CounterKeys.lastOfDay(LocalDate.parse(upTo.substring(0, 10)));
    QueryRequest query = QueryRequest.builder().tableName(usageTable)
        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :first AND :last")
        .expressionAttributeNames(Map.of("#pk", CounterKeys.PARTITION, "#sk", CounterKeys.SORT))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(accountId),
            ":first", AttributeValue.fromS(CounterKeys.DAY_PREFIX), ":last", AttributeValue.fromS(last)))
        .scanIndexForward(false)
        .build();
    return Queries.all(dynamo, query).thenApply(items -> {
      // The hours not written to pages yet first (newest), then those of the day items before them.
      List<String> hours = new ArrayList<>();
      for (String hour : recent.hours(accountId)) {
        if (upTo == null || hour.compareTo(upTo) <= 0) {
          hours.add(hour);
        }
      }
      for (Map<String, AttributeValue> item : items) {
        String day = item.get(CounterKeys.SORT).s().substring(CounterKeys.DAY_PREFIX.length(),
            CounterKeys.DAY_PREFIX.length() + 10);
        for (int hh = 23; hh >= 0; hh--) {
          String hour = day + 'T' + (hh < 10 ? "0" : "") + hh;
          if (CounterKeys.hourVersion(item, hh) > 0 && (upTo == null || hour.compareTo(upTo) <= 0)
              && !isRecent(hour)) {
            hours.add(hour);
          }
        }
      }
      return hours;
    });
  }

  /** An hour's pages numbered {@code upTo} and below, newest first. */
  private QueryRequest pagesQuery(String accountId, String hour, long upTo) {
    return QueryRequest.builder().tableName(ledgerTable)
        .keyConditionExpression("#pk = :pk AND #sk <= :v")
        .expressionAttributeNames(Map.of("#pk", Page.PARTITION, "#sk", Page.VERSION))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Page.partition(accountId, hour)),
            ":v", AttributeValue.fromN(Long.toString(upTo))))
        .scanIndexForward(false)
        .build();
  }

  /** All of an hour's pages, newest first. */
  private CompletableFuture<List<Page>> pages(String accountId, String hour) {
    return Queries.all(dynamo, pagesQuery(accountId, hour, Long.MAX_VALUE)).thenApply(items -> {
      List<Page> pages = new ArrayList<>(items.size());
      items.forEach(item -> pages.add(Page.of(item)));
      return pages;
    });
  }

}
