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
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP relay in front of DynamoDB that fails a share of the writes ({@code PutItem} and
 * {@code UpdateItem}: the ledger's pages and days, the alerts' claims, the fold's lease and head) the
 * way real DynamoDB does under contention and load, which the local server never does: a
 * conditional write refused as if another writer had come first
 * ({@code ConditionalCheckFailedException}; nothing applied; not the fold's lease and head), an
 * internal error (nothing applied), refused outright with
 * {@code ProvisionedThroughputExceededException} (nothing applied), or applied and then its reply
 * lost with the connection (an ambiguous failure: the caller cannot know). Every other request
 * passes through untouched.
 */
final class DynamoDbFaults implements AutoCloseable {

  private static final java.util.Set<String> WRITES = java.util.Set.of("DynamoDB_20120810.PutItem",
      "DynamoDB_20120810.UpdateItem");
  private static final String ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#";

  /** Shares of the writes that get each fault, from 0 to 1 together. */
  record Rates(double conflict, double throttledItem, double throttled, double lostReply) {
  }

  private final HttpRelay relay;
  private final Rates rates;
  private volatile String refused;
  private volatile long deniedUntilNanos = System.nanoTime();
  final AtomicLong denied = new AtomicLong();
  final AtomicLong refusals = new AtomicLong();
  final AtomicLong writes = new AtomicLong();
  final AtomicLong conflicts = new AtomicLong();
  final AtomicLong throttled = new AtomicLong();
  final AtomicLong lostReplies = new AtomicLong();

  DynamoDbFaults(String target, Rates rates) throws Exception {
    this.rates = rates;
    relay = new HttpRelay(target, this::handle);
  }

  /** For the next {@code window}, every request is refused as IAM refuses one its policy does not allow. */
  void denyFor(java.time.Duration window) {
    deniedUntilNanos = System.nanoTime() + window.toNanos();
  }

  /**
   * From now on, writes carrying an item that contains {@code marker} are refused as invalid
   * ({@code ValidationException}, as DynamoDB refuses a key over its size limits); with null,
   * nothing is refused any more.
   */
  void refuseItemsContaining(String marker) {
    refused = marker;
  }

  String endpoint() {
    return relay.endpoint();
  }

  String summary() {
    return String.format("%d writes: %d refused as conflicts, %d throttled or failed, %d applied with the reply lost",
        writes.get(), conflicts.get(), throttled.get(), lostReplies.get());
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
    writes.incrementAndGet();
    double r = ThreadLocalRandom.current().nextDouble();
    if ((r -= rates.conflict()) < 0 && coordination(body)) {
      forward(request, body, false);
    } else if (r < 0) {
      conflicts.incrementAndGet();
      error(request, "ConditionalCheckFailedException", new JsonObject().put("message",
          "The conditional request failed"));
    } else if ((r -= rates.throttledItem()) < 0) {
      throttled.incrementAndGet();
      request.response().setStatusCode(500).putHeader("Content-Type", "application/x-amz-json-1.0")
          .end(new JsonObject().put("__type", ERROR_TYPE + "InternalServerError")
              .put("message", "Internal server error").encode());
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

  /**
   * A write to the fold's lease or head (partition {@code #fold}). DynamoDB refuses a condition only
   * when it is false, and these conditions are false only when another owner really took over,
   * which the scenario's instances do themselves: a refusal made up here would tell an owner it lost
   * a lease that no one took. Their writes get every other fault.
   */
  private static boolean coordination(Buffer body) {
    JsonObject key = new JsonObject(body).getJsonObject("Key");
    JsonObject partition = key == null ? null : key.getJsonObject("pk");
    return partition != null && "#fold".equals(partition.getString("S"));
  }

  private void refuse(HttpServerRequest request, Buffer body, String marker) {
    error(request, "ValidationException", new JsonObject().put("message", "One or more parameter values were invalid"));
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
