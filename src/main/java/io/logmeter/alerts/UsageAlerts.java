package io.logmeter.alerts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.ledger.CounterKeys;
import io.logmeter.retry.AwsErrors;
import io.logmeter.usage.Usage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Warns once when an account's total crosses a configured threshold. After each commit the
 * account's running total (read from DynamoDB at first sight and every {@code refresh}, plus this
 * instance's commits in between) is compared with the thresholds. A crossing is claimed with a
 * conditional put of an alert item {@code A#<threshold>} in the account's partition of the usage
 * table: only one instance of the fleet wins it and publishes; the item then records that it was
 * sent. A claim left unsent (its instance died between claim and publish) is taken over after
 * {@code claimTimeout}. Only a crash after the publish and before the "sent" mark repeats an alert,
 * with the same alert id.
 */
public final class UsageAlerts {

  private static final Logger log = LoggerFactory.getLogger(UsageAlerts.class);

  private final List<Long> thresholds;
  private final Function<String, CompletableFuture<Usage>> consistentTotal;
  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final AlertPublisher publisher;
  private final Context context;
  private final Clock clock;
  private final Duration claimTimeout;
  private final Cache<String, long[]> totals;
  /**
   * The crossings this instance knows were sent ({@code account/threshold}), so that it does not
   * ask DynamoDB again at every commit. Bounded: the claim item is the truth, and a crossing
   * forgotten here costs a failed conditional claim and one read at the account's next commit, never
   * a second alert.
   */
  private final Cache<String, Boolean> sent;

  /** Remembered sent crossings in a running service: about 15 MB at the bound. */
  public static final long REMEMBERED_SENT = 100_000;

  /** @param consistentTotal an account's total, read strongly consistently (e.g. {@code UsageStore#total}) */
  public UsageAlerts(List<Long> thresholds, Function<String, CompletableFuture<Usage>> consistentTotal,
      DynamoDbAsyncClient dynamo, String table,
      AlertPublisher publisher, Context context, Clock clock, Duration refresh, Duration claimTimeout,
      long rememberedSent) {
    this.thresholds = thresholds.stream().sorted().toList();
    this.consistentTotal = consistentTotal;
    this.dynamo = dynamo;
    this.table = table;
    this.publisher = publisher;
    this.context = context;
    this.clock = clock;
    this.claimTimeout = claimTimeout;
    this.totals = Caffeine.newBuilder().expireAfterWrite(refresh).maximumSize(100_000).build();
    this.sent = Caffeine.newBuilder().maximumSize(rememberedSent).executor(Runnable::run).build();
  }

  public boolean enabled() {
    return !thresholds.isEmpty();
  }

  /** Called with the total-counter deltas of each commit; never fails (alerts must not stop billing). */
  public void committed(List<CounterDelta> deltas) {
    if (!enabled()) {
      return;
    }
    for (CounterDelta delta : deltas) {
      if (delta.isTotal()) {
        runningTotal(delta).onSuccess(total -> check(delta.accountId(), total));
      }
    }
  }

  private Future<Long> runningTotal(CounterDelta delta) {
    long[] known = totals.getIfPresent(delta.accountId());
    if (known != null) {
      known[0] += delta.bytes();
      return Future.succeededFuture(known[0]);
    }
    // Read after the commit: the total includes it.
    return Future.fromCompletionStage(consistentTotal.apply(delta.accountId()), context).map(loaded -> {
      totals.put(delta.accountId(), new long[] {loaded.bytes()});
      return loaded.bytes();
    }).onFailure(failure -> log.warn("alert check of {} skipped: {}", delta.accountId(), AwsErrors.code(failure)));
  }

  /**
   * The running total can run ahead of the truth: a read taken after one commit may already hold a
   * concurrent commit of the same account whose delta is added again when that commit reports. So
   * a crossing it suggests is confirmed with a strongly consistent read before it is claimed (rare:
   * once per account and threshold), and the running total is read afresh at the next commit.
   */
  private void check(String accountId, long runningTotal) {
    if (due(accountId, runningTotal).isEmpty()) {
      return;
    }
    totals.invalidate(accountId);
    Future.fromCompletionStage(consistentTotal.apply(accountId), context)
        .onSuccess(loaded -> due(accountId, loaded.bytes()).forEach(threshold -> claim(accountId, threshold,
            loaded.bytes())))
        .onFailure(failure -> log.warn("alert check of {} skipped: {}", accountId, AwsErrors.code(failure)));
  }

  /** The thresholds {@code total} has reached whose alert this instance has not seen sent. */
  private List<Long> due(String accountId, long total) {
    return thresholds.stream().filter(t -> total >= t && sent.getIfPresent(accountId + '/' + t) == null).toList();
  }

  private void claim(String accountId, long threshold, long total) {
    long now = clock.millis();
    Map<String, AttributeValue> key = key(accountId, threshold);
    Future.fromCompletionStage(dynamo.updateItem(u -> u.tableName(table).key(key)
        .updateExpression("SET #state = :pending, claimedAt = :now, #total = :total")
        .conditionExpression("attribute_not_exists(#state) OR (#state = :pending AND claimedAt < :stale)")
        .expressionAttributeNames(Map.of("#state", "alertState", "#total", "alertTotal"))
        .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS("pending"),
            ":now", AttributeValue.fromN(Long.toString(now)),
            ":total", AttributeValue.fromN(Long.toString(total)),
            ":stale", AttributeValue.fromN(Long.toString(now - claimTimeout.toMillis()))))), context)
        .compose(claimed -> publish(accountId, threshold, total, key))
        .onFailure(failure -> {
          if (AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException) {
            rememberIfSent(accountId, threshold, key);
          } else {
            // The claim stays pending and is taken over (by any instance) once it is stale.
            log.warn("alert for {} at {} bytes not sent yet: {}", accountId, threshold, AwsErrors.code(failure));
          }
        });
  }

  /**
   * Claimed elsewhere, or earlier: only a claim marked sent is done with. A pending one (its
   * sender may have failed or died) is tried again at a later commit, once it is stale.
   */
  private void rememberIfSent(String accountId, long threshold, Map<String, AttributeValue> key) {
    Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)), context)
        .onSuccess(item -> {
          AttributeValue state = item.item().get("alertState");
          if (state != null && "sent".equals(state.s())) {
            sent.put(accountId + '/' + threshold, Boolean.TRUE);
          }
        });
  }

  private Future<Void> publish(String accountId, long threshold, long total, Map<String, AttributeValue> key) {
    String alertId = "usage-" + accountId + "-" + threshold;
    String alert = new JsonObject()
        .put("alertId", alertId)
        .put("type", "usage.threshold.crossed")
        .put("accountId", accountId)
        .put("thresholdBytes", threshold)
        .put("totalBytes", total)
        .put("time", clock.instant().toString())
        .encode();
    return Future.fromCompletionStage(publisher.publish(alertId, alert), context)
        .compose(published -> Future.fromCompletionStage(dynamo.updateItem(u -> u.tableName(table).key(key)
            .updateExpression("SET #state = :sent, sentAt = :now")
            .expressionAttributeNames(Map.of("#state", "alertState"))
            .expressionAttributeValues(Map.of(":sent", AttributeValue.fromS("sent"),
                ":now", AttributeValue.fromN(Long.toString(clock.millis()))))), context))
        .<Void>mapEmpty()
        .onSuccess(done -> {
          sent.put(accountId + '/' + threshold, Boolean.TRUE);
          log.info("usage alert: {} crossed {} bytes ({} bytes)", accountId, threshold, total);
        });
  }

  /** How many sent crossings are remembered now (at most the bound given). */
  long rememberedSent() {
    sent.cleanUp();
    return sent.estimatedSize();
  }

  /** In the account's partition of the usage table, beside its counters; sums never read it. */
  private static Map<String, AttributeValue> key(String accountId, long threshold) {
    return Map.of(CounterKeys.PARTITION, AttributeValue.fromS(accountId),
        CounterKeys.SORT, AttributeValue.fromS(CounterKeys.alertKey(threshold)));
  }
}
