package io.logmeter.bench.baseline;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.ledger.CommitOutcome;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.ledger.CounterKeys;
import io.logmeter.message.LogRecord;
import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Limiter;
import io.logmeter.retry.Retry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The ledger of the design before pages, kept as the benchmark's baseline ({@code CostRun}): the
 * same traffic through both designs in one run. The exactly-once commit. Each accepted message gets a ledger item keyed by its idempotency key,
 * written with {@code attribute_not_exists} in the same transaction as the counter updates for that
 * message. The marker and the effect commit together or not at all, so a message is counted once
 * however often it is delivered, and a crash at any point leaves nothing half done.
 *
 * <p>Per chunk of at most 100 actions:
 * <ol>
 *   <li>Put every ledger item (conditional) and ADD bytes and messages to the account's total and
 *       daily counters, on one write shard.</li>
 *   <li>Cancelled because some ledger items exist: those messages were counted before. Drop them,
 *       re-plan the counters for the rest and try again.</li>
 *   <li>Cancelled for a conflict or throttling (nothing was applied): back off with jitter and try
 *       again with a new request token.</li>
 *   <li>Failed ambiguously (timeout, connection lost, 5xx: it may have been applied): back off and
 *       send the identical request with the same ClientRequestToken, which DynamoDB answers without
 *       applying it twice. Past the token's 10 minutes the ledger conditions still catch it.</li>
 * </ol>
 */
public final class TransactionalLedger {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TransactionalLedger.class);

  public static final String ID = "id";

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final Retry retry;
  private final String ledgerTable;
  private final String usageTable;
  private final int shards;
  private final long ttlSeconds;
  private final Clock clock;
  private final Consumer<String> cancellations;
  private final Limiter transactions;

  /** @param cancellations told the reason of each cancellation that was not a duplicate */
  public TransactionalLedger(DynamoDbAsyncClient dynamo, Context context, Retry retry, String ledgerTable,
      String usageTable, int shards, long ttlSeconds, int maxConcurrentTransactions, Clock clock,
      Consumer<String> cancellations) {
    if (shards < 1) {
      throw new IllegalArgumentException("counter shards must be at least 1");
    }
    this.dynamo = dynamo;
    this.context = context;
    this.retry = retry;
    this.ledgerTable = ledgerTable;
    this.usageTable = usageTable;
    this.shards = shards;
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    this.cancellations = cancellations;
    this.transactions = new Limiter(maxConcurrentTransactions);
  }

  /**
   * Counts {@code records} exactly once. Chunk i of a commit goes to shard (start + i) mod S from a
   * random start: chunks on different shards go out in parallel (lanes), chunks sharing a shard one
   * after the other, so the chunks of one commit never contend with each other.
   *
   * <p>The lanes of a commit end together: once one fails, the others start no new chunk and no
   * new retry, and the commit fails only when none of them is still under way, so that no lane goes
   * on holding transaction slots for a flush already given up. {@code committed} hears of every
   * chunk that did commit, also in a commit that then fails: what it counted is counted.
   */
  public Future<CommitOutcome> commit(List<ArchivedRecord> records, Consumer<CommitOutcome> committed) {
    List<Chunk> chunks = ChunkPlanner.plan(records, ChunkPlanner.MAX_ACTIONS);
    int firstShard = ThreadLocalRandom.current().nextInt(shards);
    // Fixed once: a retried request must be identical to the first for its token to match.
    long expiresAt = clock.instant().getEpochSecond() + ttlSeconds;
    Lanes lanes = new Lanes();
    List<Future<CommitOutcome>> sequences = new ArrayList<>();
    for (int lane = 0; lane < Math.min(shards, chunks.size()); lane++) {
      int shard = (firstShard + lane) % shards;
      Future<CommitOutcome> sequence = Future.succeededFuture(CommitOutcome.NOTHING);
      for (int i = lane; i < chunks.size(); i += shards) {
        Chunk chunk = chunks.get(i);
        sequence = sequence.compose(done -> commitChunk(new Attempt(chunk, shard, expiresAt, 0), 0, lanes)
            .onSuccess(committed::accept).map(done::plus));
      }
      sequences.add(sequence.onFailure(lanes::fail));
    }
    return Future.join(sequences).transform(ended -> {
      if (lanes.stopped()) {
        return Future.failedFuture(lanes.failed);
      }
      CommitOutcome outcome = CommitOutcome.NOTHING;
      for (Future<CommitOutcome> sequence : sequences) {
        outcome = outcome.plus(sequence.result());
      }
      return Future.succeededFuture(outcome);
    });
  }

  /** The lanes of one commit: the first failure stops them all. Confined to the caller's context. */
  private static final class Lanes {
    Throwable failed;

    void fail(Throwable cause) {
      if (failed == null) {
        failed = cause;
      }
    }

    boolean stopped() {
      return failed != null;
    }
  }

  /** How a lane ends that another lane's failure stopped; the commit fails with that first failure. */
  private static final class LaneStopped extends RuntimeException {
    LaneStopped() {
      super("another lane of the commit failed", null, false, false);
    }
  }

  /**
   * One request's content. {@code generation} changes only after a definite failure, so an
   * ambiguous retry resends the identical request under the identical token.
   */
  private record Attempt(Chunk chunk, int shard, long expiresAt, int generation) {
    Attempt next() {
      return new Attempt(chunk, shard, expiresAt, generation + 1);
    }
  }

  private Future<CommitOutcome> commitChunk(Attempt a, int tries, Lanes lanes) {
    if (lanes.stopped()) {
      return Future.failedFuture(new LaneStopped());
    }
    // Checked again when a transaction slot frees: a lane may have failed while this one waited.
    return transactions.run(() -> lanes.stopped() ? Future.<TransactWriteItemsResponse>failedFuture(new LaneStopped())
            : Future.fromCompletionStage(dynamo.transactWriteItems(request(a)), context))
        .transform(done -> {
      if (done.cause() instanceof LaneStopped) {
        return Future.failedFuture(done.cause());
      }
      if (done.succeeded()) {
        return Future.succeededFuture(new CommitOutcome(a.chunk().records(), a.chunk().counters(), List.of(),
            writeUnits(done.result())));
      }
      Throwable cause = AwsErrors.unwrap(done.cause());
      if (cause instanceof TransactionCanceledException cancelled) {
        Set<String> counted = alreadyCounted(a.chunk(), cancelled.cancellationReasons());
        if (!counted.isEmpty()) {
          return withoutDuplicates(a, counted, tries, lanes);
        }
        cancellations.accept(reasonOf(cancelled.cancellationReasons()));
        if (AwsErrors.isInvalidRequest(cancelled)) {
          // The request itself is invalid (whatever else was cancelled with it): sending it again
          // cannot succeed. The flush singles out the message at fault.
          return Future.failedFuture(cause);
        }
        return later(lanes, tries, () -> commitChunk(a.next(), tries + 1, lanes), cause);
      }
      if (cause instanceof IdempotentParameterMismatchException) {
        return later(lanes, tries, () -> commitChunk(a.next(), tries + 1, lanes), cause);
      }
      if (AwsErrors.isTransient(cause)) {
        return later(lanes, tries, () -> commitChunk(a, tries + 1, lanes), cause);
      }
      return Future.failedFuture(cause);
    });
  }

  private Future<CommitOutcome> withoutDuplicates(Attempt a, Set<String> counted, int tries, Lanes lanes) {
    List<ArchivedRecord> duplicates = new ArrayList<>();
    List<ArchivedRecord> rest = new ArrayList<>();
    for (ArchivedRecord r : a.chunk().records()) {
      (counted.contains(r.record().messageId()) ? duplicates : rest).add(r);
    }
    CommitOutcome dropped = new CommitOutcome(List.of(), List.of(), duplicates, 0);
    if (rest.isEmpty()) {
      return Future.succeededFuture(dropped);
    }
    Chunk smaller = ChunkPlanner.plan(rest, ChunkPlanner.MAX_ACTIONS).get(0);
    return commitChunk(new Attempt(smaller, a.shard(), a.expiresAt(), 0), tries, lanes).map(dropped::plus);
  }

  private Future<CommitOutcome> later(Lanes lanes, int attempt, java.util.function.Supplier<Future<CommitOutcome>> next,
      Throwable cause) {
    if (!retry.keepTrying() || lanes.stopped()) {
      return Future.failedFuture(cause);
    }
    log.warn("commit of a chunk failed ({}); retrying", AwsErrors.code(cause));
    return Future.future(promise -> retry.later(attempt, () -> {
      if (lanes.stopped()) {
        promise.fail(new LaneStopped());
      } else {
        next.get().onComplete(promise);
      }
    }));
  }

  /** The first reason that is not "None": TransactionConflict, ThrottlingError, … */
  private static String reasonOf(List<CancellationReason> reasons) {
    for (CancellationReason reason : reasons) {
      if (reason.code() != null && !"None".equals(reason.code())) {
        return reason.code();
      }
    }
    return "Unknown";
  }

  /** The ids whose conditional ledger put failed: the reasons line up with the actions in order. */
  private static Set<String> alreadyCounted(Chunk chunk, List<CancellationReason> reasons) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < chunk.records().size() && i < reasons.size(); i++) {
      if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
        ids.add(chunk.records().get(i).record().messageId());
      }
    }
    return ids;
  }

  private TransactWriteItemsRequest request(Attempt a) {
    List<TransactWriteItem> actions = new ArrayList<>(a.chunk().actions());
    for (ArchivedRecord r : a.chunk().records()) {
      actions.add(TransactWriteItem.builder().put(ledgerPut(r, a.expiresAt())).build());
    }
    for (CounterDelta delta : a.chunk().counters()) {
      actions.add(TransactWriteItem.builder().update(counterUpdate(delta, a.shard())).build());
    }
    return TransactWriteItemsRequest.builder()
        .transactItems(actions)
        .clientRequestToken(token(a.chunk(), a.shard(), a.generation()))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
        .build();
  }

  private Put ledgerPut(ArchivedRecord archived, long expiresAt) {
    LogRecord r = archived.record();
    return Put.builder()
        .tableName(ledgerTable)
        .item(Map.of(
            ID, s(r.messageId()),
            "accountId", s(r.accountId()),
            "bytes", n(r.bytes()),
            "eventTime", s(r.eventTime().toString()),
            "objectKey", s(archived.location().objectKey()),
            "offset", n(archived.location().offset()),
            "length", n(archived.location().length()),
            "expiresAt", n(expiresAt)))
        .conditionExpression("attribute_not_exists(#id)")
        .expressionAttributeNames(Map.of("#id", ID))
        .build();
  }

  private Update counterUpdate(CounterDelta delta, int shard) {
    return Update.builder()
        .tableName(usageTable)
        .key(Map.of(
            CounterKeys.PARTITION, s(delta.accountId()),
            CounterKeys.SORT, s((delta.day() == null ? "T#" + shard : CounterKeys.shardKey(delta.day(), shard)))))
        .updateExpression("ADD #b :b, #m :m")
        .expressionAttributeNames(Map.of("#b", CounterKeys.BYTES, "#m", CounterKeys.MESSAGES))
        .expressionAttributeValues(Map.of(":b", n(delta.bytes()), ":m", n(delta.messages())))
        .build();
  }

  /**
   * The same chunk, shard and generation always give the same token, so an ambiguous retry is
   * recognised by DynamoDB; a new generation after a definite cancellation gets a fresh one. The
   * object key is part of it: a redelivery archived anew must not reuse an earlier request's token.
   */
  static String token(Chunk chunk, int shard, int generation) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((shard + "/" + generation).getBytes(StandardCharsets.UTF_8));
      for (ArchivedRecord r : chunk.records()) {
        sha.update((byte) '\n');
        sha.update(r.record().messageId().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) ' ');
        sha.update(r.location().objectKey().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 18);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static double writeUnits(TransactWriteItemsResponse response) {
    double units = 0;
    if (response.hasConsumedCapacity()) {
      for (ConsumedCapacity c : response.consumedCapacity()) {
        units += c.capacityUnits() == null ? 0 : c.capacityUnits();
      }
    }
    return units;
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
