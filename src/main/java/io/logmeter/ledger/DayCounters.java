package io.logmeter.ledger;

import io.logmeter.retry.AwsErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The per-day usage items: {@code (accountId, D#yyyy-MM-dd)} with one attribute per hour of the day
 * that has pages, {@code h13 = {v, b, n}}: the newest page of that hour's partition the item
 * reflects, and the partition's cumulative bytes and messages up to it. The day's usage is the sum
 * of its hours. An hour is only ever moved forward (the update's condition), so updates are
 * idempotent and may come in any order, from any writer, any number of times.
 */
public final class DayCounters {

  /** An hour's entry: a page number and the partition's sums up to it. */
  public record Hour(String hour, long version, long bytes, long messages) {

    /** The hour of the day, 0 to 23. */
    int ofDay() {
      return Integer.parseInt(hour.substring(hour.length() - 2));
    }

    /** The attribute name: {@code h} and the hour of the day, {@code h00} to {@code h23}. */
    String attribute() {
      return CounterKeys.hourAttribute(ofDay());
    }
  }

  /** What an update left: whether it wrote, and the hours still behind (another writer moved others further). */
  public record Advanced(boolean updated, List<Hour> behind) {
  }

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final String table;
  private final java.util.function.DoubleConsumer consumed;

  public DayCounters(DynamoDbAsyncClient dynamo, Context context, String table,
      java.util.function.DoubleConsumer consumed) {
    this.dynamo = dynamo;
    this.context = context;
    this.table = table;
    this.consumed = consumed;
  }

  /**
   * Moves each hour's entry up to {@code hours} unless it is there or further already: one
   * conditional update, which creates the item if it is missing. It also sets the item's month
   * ({@link CounterKeys#BY_MONTH_INDEX}): always the same value, so the index is written when the
   * item is created and not again. Refused, the item is read, and the hours still behind are
   * returned, to be tried again.
   */
  public Future<Advanced> advance(String accountId, LocalDate day, List<Hour> hours) {
    Map<String, AttributeValue> key = key(accountId, day);
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> sets = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    names.put("#v", CounterKeys.HOUR_VERSION);
    names.put("#month", CounterKeys.MONTH);
    values.put(":month", AttributeValue.fromS(CounterKeys.monthKey(accountId, day)));
    sets.add("#month = :month");
    for (Hour h : hours) {
      String a = h.attribute();
      names.put("#" + a, a);
      values.put(":" + a, entry(h));
      values.put(":v" + a, n(h.version()));
      sets.add("#" + a + " = :" + a);
      conditions.add("(attribute_not_exists(#" + a + ") OR #" + a + ".#v < :v" + a + ")");
    }
    return Future.fromCompletionStage(dynamo.updateItem(u -> u.tableName(table).key(key)
            .updateExpression("SET " + String.join(", ", sets))
            .conditionExpression(String.join(" AND ", conditions))
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)), context)
        .map(done -> {
          consumed.accept(UsageLedger.units(done.consumedCapacity()));
          return new Advanced(true, List.of());
        })
        .recover(failure -> {
          if (!(AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException)) {
            return Future.failedFuture(failure);
          }
          // Refused: an hour at or past its page. Read rather than trust the refusal alone: a day
          // left behind would leave acknowledged messages uncounted.
          return Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)),
              context).map(read -> new Advanced(false, behind(read.hasItem() ? read.item() : Map.of(), hours)));
        });
  }

  /**
   * Of the hours written to a day, the newest page of each hour, in the order of the hours: what the
   * day's item is to be moved up to.
   */
  static List<Hour> newest(List<Hour> written) {
    Map<String, Hour> newest = new TreeMap<>();
    for (Hour h : written) {
      newest.merge(h.hour(), h, (a, b) -> a.version() >= b.version() ? a : b);
    }
    return List.copyOf(newest.values());
  }

  /**
   * The hours that the day's {@code item}, as read (empty if there is none), is not up to yet: an
   * hour at its page or further is done, whoever moved it there.
   */
  static List<Hour> behind(Map<String, AttributeValue> item, List<Hour> hours) {
    List<Hour> behind = new ArrayList<>();
    for (Hour h : hours) {
      if (item.isEmpty() || CounterKeys.hourVersion(item, h.ofDay()) < h.version()) {
        behind.add(h);
      }
    }
    return behind;
  }

  private static AttributeValue entry(Hour h) {
    return AttributeValue.fromM(Map.of(CounterKeys.HOUR_VERSION, n(h.version()), CounterKeys.HOUR_BYTES,
        n(h.bytes()), CounterKeys.HOUR_MESSAGES, n(h.messages())));
  }

  private static Map<String, AttributeValue> key(String accountId, LocalDate day) {
    return Map.of(CounterKeys.PARTITION, AttributeValue.fromS(accountId),
        CounterKeys.SORT, AttributeValue.fromS(CounterKeys.dayKey(day)));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
