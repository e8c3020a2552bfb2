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
  private final Statements statements;
  private final java.util.function.DoubleConsumer consumed;
  /** Day items known to exist, which a batched UPDATE can write. */
  private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> existing =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();

  DayCounters(DynamoDbAsyncClient dynamo, Context context, String table, Statements statements,
      java.util.function.DoubleConsumer consumed) {
    this.dynamo = dynamo;
    this.context = context;
    this.table = table;
    this.statements = statements;
    this.consumed = consumed;
  }

  /**
   * Moves each hour's entry up to {@code hours} unless it is there or further already. An item
   * this instance has not seen yet is written with a single-item update, which creates it if need
   * be; one it has, with a batched PartiQL UPDATE (which creates nothing). Refused, the item is
   * read, and the hours still behind are returned, to be tried again.
   */
  Future<Advanced> advance(String accountId, LocalDate day, List<Hour> hours) {
    String itemKey = accountId + '#' + CounterKeys.dayKey(day);
    Map<String, AttributeValue> key = key(accountId, day);
    if (existing.getIfPresent(itemKey) == null) {
      return create(accountId, day, hours).onSuccess(done -> existing.put(itemKey, Boolean.TRUE));
    }
    StringBuilder statement = new StringBuilder("UPDATE \"").append(table).append('"');
    List<AttributeValue> parameters = new ArrayList<>();
    StringBuilder conditions = new StringBuilder();
    for (Hour h : hours) {
      statement.append(" SET ").append(h.attribute()).append(" = ?");
      parameters.add(entry(h));
      conditions.append(" AND (").append(h.attribute()).append(" IS MISSING OR ").append(h.attribute())
          .append('.').append(CounterKeys.HOUR_VERSION).append(" < ?)");
    }
    statement.append(" WHERE ").append(CounterKeys.PARTITION).append(" = ? AND ").append(CounterKeys.SORT)
        .append(" = ?").append(conditions);
    parameters.add(AttributeValue.fromS(accountId));
    parameters.add(AttributeValue.fromS(CounterKeys.dayKey(day)));
    hours.forEach(h -> parameters.add(n(h.version())));
    return statements.run(itemKey, statement.toString(), parameters)
        .map(done -> new Advanced(true, List.of()))
        .recover(failure -> {
          if (!(AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException)) {
            return Future.failedFuture(failure);
          }
          // Refused: an hour at or past its page, or the item missing. Read rather than trust the
          // refusal alone: a day left behind would leave acknowledged messages uncounted.
          return Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)),
              context).compose(read -> {
                if (!read.hasItem() || read.item().isEmpty()) {
                  existing.invalidate(itemKey);
                  return create(accountId, day, hours);
                }
                List<Hour> behind = new ArrayList<>();
                for (Hour h : hours) {
                  if (CounterKeys.hourVersion(read.item(), h.ofDay()) < h.version()) {
                    behind.add(h);
                  }
                }
                return Future.succeededFuture(new Advanced(false, behind));
              });
        });
  }

  /**
   * A single-item update, which creates the item if it is missing, on the same condition. It also
   * sets the item's month ({@link CounterKeys#BY_MONTH_INDEX}): always the same value, so the index
   * is written when the item is created and not again.
   */
  private Future<Advanced> create(String accountId, LocalDate day, List<Hour> hours) {
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
        // Refused: the item exists (with an hour at or past its page, if DynamoDB is right). The
        // hours are tried again, batched, and read back if refused again.
        .recover(failure -> AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException
            ? Future.succeededFuture(new Advanced(false, hours)) : Future.failedFuture(failure));
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
