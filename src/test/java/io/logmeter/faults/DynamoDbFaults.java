package io.logmeter.faults;

import io.logmeter.TestStack;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP relay in front of DynamoDB that fails a share of the ledger's writes ({@code PutItem},
 * {@code UpdateItem}, and {@code TransactWriteItems} for the alerts) the way real DynamoDB does
 * under contention and load, which DynamoDB Local never does: a conditional write refused as if
 * another writer had come first ({@code ConditionalCheckFailedException}, or a transaction cancelled
 * for a {@code TransactionConflict}; nothing applied), an internal error or a throttled item
 * (nothing applied), refused outright with {@code ProvisionedThroughputExceededException} (nothing
 * applied), or applied and then its reply lost with the connection (an ambiguous failure: the
 * caller cannot know). Every other request passes through untouched.
 */
final class DynamoDbFaults implements AutoCloseable {

  private static final String TRANSACT = "DynamoDB_20120810.TransactWriteItems";
  private static final String BATCH = "DynamoDB_20120810.BatchExecuteStatement";
  private static final java.util.Set<String> WRITES = java.util.Set.of(TRANSACT, BATCH, "DynamoDB_20120810.PutItem",
      "DynamoDB_20120810.UpdateItem");
  private static final String ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#";

  /** Shares of the transactions that get each fault, from 0 to 1 together. */
  record Rates(double conflict, double throttledItem, double throttled, double lostReply) {
  }

  private final HttpRelay relay;
  private final Rates rates;
  private volatile String refused;
  private volatile long deniedUntilNanos = System.nanoTime();
  final AtomicLong denied = new AtomicLong();
  final AtomicLong refusals = new AtomicLong();
  final AtomicLong transactions = new AtomicLong();
  final AtomicLong conflicts = new AtomicLong();
  final AtomicLong throttled = new AtomicLong();
  final AtomicLong lostReplies = new AtomicLong();

  DynamoDbFaults(String target, Rates rates) throws Exception {
    this.rates = rates;
    relay = new HttpRelay(target, this::handle);
  }

  /**
   * From now on, transactions and batch writes carrying an item that contains {@code marker} are
   * refused as invalid (as DynamoDB refuses a key over its size limits): the transaction cancelled
   * with {@code ValidationError} on that item, a batch write with {@code ValidationException}.
   */
  /** For the next {@code window}, every request is refused as IAM refuses one its policy does not allow. */
  void denyFor(java.time.Duration window) {
    deniedUntilNanos = System.nanoTime() + window.toNanos();
  }

  /** With null, refuses nothing any more. */
  void refuseItemsContaining(String marker) {
    refused = marker;
  }

  String endpoint() {
    return relay.endpoint();
  }

  String summary() {
    return String.format("%d writes: %d refused as conflicts, %d throttled or failed, %d applied with the reply lost",
        transactions.get(), conflicts.get(), throttled.get(), lostReplies.get());
  }

  private void handle(HttpServerRequest request, Buffer body) {
    if (System.nanoTime() - deniedUntilNanos < 0) {
      denied.incrementAndGet();
      error(request, "AccessDeniedException", new JsonObject().put("message", "User: arn:aws:sts::000000000000:"
          + "assumed-role/logmeter/i-0 is not authorized to perform this action because no identity-based policy "
          + "allows it"));
      return;
    }
    String marker = refused;
    if (marker != null && body.toString().contains(marker)) {
      refusals.incrementAndGet();
      refuse(request, body, marker);
      return;
    }
    String target = request.getHeader("X-Amz-Target");
    if (!WRITES.contains(target)) {
      forward(request, body, false);
      return;
    }
    boolean transaction = TRANSACT.equals(target);
    transactions.incrementAndGet();
    double r = ThreadLocalRandom.current().nextDouble();
    if (BATCH.equals(target) && r < rates.conflict() + rates.throttledItem()) {
      // One statement of the batch refused on its own, as DynamoDB answers each statement; the
      // others applied.
      boolean conflict = r < rates.conflict();
      (conflict ? conflicts : throttled).incrementAndGet();
      int statements = new JsonObject(body).getJsonArray("Statements").size();
      int chosen = ThreadLocalRandom.current().nextInt(statements);
      statementErrors(request, body, i -> i == chosen ? (conflict ? "ConditionalCheckFailed" : "ThrottlingError")
          : null);
      return;
    }
    if ((r -= rates.conflict()) < 0) {
      conflicts.incrementAndGet();
      if (transaction) {
        cancel(request, body, "TransactionConflict", "Transaction is ongoing for the item");
      } else {
        error(request, "ConditionalCheckFailedException", new JsonObject().put("message",
            "The conditional request failed"));
      }
    } else if ((r -= rates.throttledItem()) < 0) {
      throttled.incrementAndGet();
      if (transaction) {
        cancel(request, body, "ThrottlingError", "Throughput exceeds the current capacity for one or more items");
      } else {
        request.response().setStatusCode(500).putHeader("Content-Type", "application/x-amz-json-1.0")
            .end(new JsonObject().put("__type", ERROR_TYPE + "InternalServerError")
                .put("message", "Internal server error").encode());
      }
    } else if ((r -= rates.throttled()) < 0) {
      throttled.incrementAndGet();
      error(request, "ProvisionedThroughputExceededException",
          new JsonObject().put("message", "The level of configured provisioned throughput for the table was exceeded"));
    } else if (r - rates.lostReply() < 0) {
      lostReplies.incrementAndGet();
      forward(request, body, true);
    } else {
      forward(request, body, false);
    }
  }

  private void refuse(HttpServerRequest request, Buffer body, String marker) {
    if (BATCH.equals(request.getHeader("X-Amz-Target"))) {
      JsonArray statements = new JsonObject(body).getJsonArray("Statements");
      statementErrors(request, body, i -> statements.getJsonObject(i).encode().contains(marker) ? "ValidationError"
          : null);
      return;
    }
    if (!TRANSACT.equals(request.getHeader("X-Amz-Target"))) {
      error(request, "ValidationException", new JsonObject().put("message", "One or more parameter values were invalid"));
      return;
    }
    JsonArray items = new JsonObject(body).getJsonArray("TransactItems");
    int culprit = 0;
    while (!items.getJsonObject(culprit).encode().contains(marker)) {
      culprit++;
    }
    cancel(request, items.size(), culprit, "ValidationError", "One or more parameter values were invalid");
  }

  /** The whole transaction cancelled for one of its items, chosen at random; the others "None". */
  private static void cancel(HttpServerRequest request, Buffer body, String code, String message) {
    int items = new JsonObject(body).getJsonArray("TransactItems").size();
    cancel(request, items, ThreadLocalRandom.current().nextInt(items), code, message);
  }

  private static void cancel(HttpServerRequest request, int items, int culprit, String code, String message) {
    JsonArray reasons = new JsonArray();
    StringBuilder codes = new StringBuilder();
    for (int i = 0; i < items; i++) {
      reasons.add(i == culprit ? new JsonObject().put("Code", code).put("Message", message)
          : new JsonObject().put("Code", "None"));
      codes.append(i == 0 ? "" : ", ").append(i == culprit ? code : "None");
    }
    error(request, "TransactionCanceledException", new JsonObject()
        .put("Message", "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]")
        .put("CancellationReasons", reasons));
  }

  /**
   * Answers a BatchExecuteStatement with {@code errorOf}'s error for the statements it names, and
   * what DynamoDB answers for the others, which alone are passed on (and applied).
   */
  private void statementErrors(HttpServerRequest request, Buffer body, java.util.function.IntFunction<String> errorOf) {
    JsonObject json = new JsonObject(body);
    JsonArray statements = json.getJsonArray("Statements");
    JsonArray passed = new JsonArray();
    for (int i = 0; i < statements.size(); i++) {
      if (errorOf.apply(i) == null) {
        passed.add(statements.getValue(i));
      }
    }
    io.vertx.core.Future<Map.Entry<Integer, Buffer>> answered = passed.isEmpty()
        ? io.vertx.core.Future.succeededFuture(Map.entry(200, new JsonObject().put("Responses", new JsonArray())
            .toBuffer()))
        : relay.exchange(request, json.copy().put("Statements", passed).toBuffer(), Map.of());
    answered.onSuccess(reply -> {
      if (reply.getKey() != 200) {
        request.response().setStatusCode(reply.getKey()).putHeader("Content-Type", "application/x-amz-json-1.0")
            .end(reply.getValue());
        return;
      }
      JsonArray forwarded = new JsonObject(reply.getValue()).getJsonArray("Responses");
      JsonArray responses = new JsonArray();
      int next = 0;
      for (int i = 0; i < statements.size(); i++) {
        String code = errorOf.apply(i);
        responses.add(code == null ? forwarded.getValue(next++) : new JsonObject()
            .put("Error", new JsonObject().put("Code", code).put("Message", "refused by the fault relay")));
      }
      request.response().setStatusCode(200).putHeader("Content-Type", "application/x-amz-json-1.0")
          .end(new JsonObject().put("Responses", responses).encode());
    }).onFailure(failure -> request.connection().close());
  }

  private static void error(HttpServerRequest request, String type, JsonObject fields) {
    request.response().setStatusCode(400).putHeader("Content-Type", "application/x-amz-json-1.0")
        .end(new JsonObject().put("__type", ERROR_TYPE + type).mergeIn(fields).encode());
  }

  private void forward(HttpServerRequest request, Buffer body, boolean loseReply) {
    relay.forward(request, body, loseReply);
  }

  @Override
  public void close() throws Exception {
    relay.close();
  }
}
