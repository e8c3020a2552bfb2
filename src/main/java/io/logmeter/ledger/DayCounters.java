package io.logmeter.ledger;

import io.logmeter.retry.AwsErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The attribute name: {@code h} and the hour of the day, {@code h00} to {@code h23}. */
    String attribute() {
      return CounterKeys.HOUR_PREFIX + hour.substring(hour.length() - 2);
    }
  }

  /** What an update left: the hours still behind (another writer moved others further), its units. */
  public record Advanced(boolean updated, List<Hour> behind, double writeUnits) {
  }

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final String table;

  DayCounters(DynamoDbAsyncClient dynamo, Context context, String table) {
    this.dynamo = dynamo;
    this.context = context;
    this.table = table;
  }

  /** Moves each hour's entry up to {@code hours} unless it is there or further already. */
  Future<Advanced> advance(String accountId, LocalDate day, List<Hour> hours) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> sets = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    names.put("#v", CounterKeys.HOUR_VERSION);
    for (Hour h : hours) {
      String a = h.attribute();
      names.put("#" + a, a);
      values.put(":" + a, AttributeValue.fromM(Map.of(
          CounterKeys.HOUR_VERSION, n(h.version()), CounterKeys.HOUR_BYTES, n(h.bytes()),
          CounterKeys.HOUR_MESSAGES, n(h.messages()))));
      values.put(":v" + a, n(h.version()));
      sets.add("#" + a + " = :" + a);
      conditions.add("(attribute_not_exists(#" + a + ") OR #" + a + ".#v < :v" + a + ")");
    }
    Map<String, AttributeValue> key = key(accountId, day);
    return Future.fromCompletionStage(dynamo.updateItem(u -> u.tableName(table).key(key)
            .updateExpression("SET " + String.join(", ", sets))
            .conditionExpression(String.join(" AND ", conditions))
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)), context)
        .map(done -> new Advanced(true, List.of(), UsageLedger.units(done.consumedCapacity())))
        .recover(failure -> {
          if (!(AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException)) {
            return Future.failedFuture(failure);
          }
          // Some hour is at or past its page already: find which are still behind.
          return Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)),
              context).map(item -> {
                List<Hour> behind = new ArrayList<>();
                for (Hour h : hours) {
                  AttributeValue entry = item.hasItem() ? item.item().get(h.attribute()) : null;
                  long at = entry == null || entry.m() == null || !entry.m().containsKey(CounterKeys.HOUR_VERSION)
                      ? 0 : Long.parseLong(entry.m().get(CounterKeys.HOUR_VERSION).n());
                  if (at < h.version()) {
                    behind.add(h);
                  }
                }
                return new Advanced(false, behind, 0);
              });
        });
  }

  private static Map<String, AttributeValue> key(String accountId, LocalDate day) {
    return Map.of(CounterKeys.PARTITION, AttributeValue.fromS(accountId),
        CounterKeys.SORT, AttributeValue.fromS(CounterKeys.dayKey(day)));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
