package io.logmeter.bench;

import io.logmeter.faults.HttpRelay;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A relay in front of SQS that counts every request sent through it and answered, by queue and
 * operation (SQS bills each request, a long poll that finds nothing included). The service's own
 * metrics count by operation only, which cannot tell the ingest queue's receives from the fold
 * queue's. A request the emulator drops without an answer (ElasticMQ under load) is counted apart:
 * its retry is counted as sent.
 */
final class SqsMeter implements AutoCloseable {

  private final HttpRelay relay;
  private final Map<String, Map<String, LongAdder>> requests = new ConcurrentHashMap<>();
  private final LongAdder sent = new LongAdder();

  SqsMeter(String sqsEndpoint) throws Exception {
    relay = new HttpRelay(sqsEndpoint, this::handle);
  }

  String endpoint() {
    return relay.endpoint();
  }

  /** Requests so far, by queue name ("" for a request naming none), then operation. */
  Map<String, Map<String, Long>> requests() {
    Map<String, Map<String, Long>> byQueue = new TreeMap<>();
    requests.forEach((queue, byOperation) -> byOperation.forEach((operation, n) ->
        byQueue.computeIfAbsent(queue, q -> new TreeMap<>()).put(operation, n.sum())));
    return byQueue;
  }

  /** Requests sent through the relay and not answered (the connection dropped), so far. */
  long unanswered() {
    return sent.sum() - requests.values().stream().flatMap(byOperation -> byOperation.values().stream())
        .mapToLong(LongAdder::sum).sum();
  }

  void reset() {
    requests.clear();
    sent.reset();
  }

  /** The SDK speaks SQS's JSON protocol: the operation in X-Amz-Target, the queue in the body. */
  private void handle(HttpServerRequest request, Buffer body) {
    String target = request.getHeader("X-Amz-Target");
    String operation = target == null ? "not the JSON protocol" : target.substring(target.indexOf('.') + 1);
    JsonObject json = target == null ? new JsonObject() : new JsonObject(body);
    String url = json.getString("QueueUrl");
    String queue = url != null ? url.substring(url.lastIndexOf('/') + 1) : json.getString("QueueName", "");
    sent.increment();
    relay.forward(request, body, false, (status, reply) -> {
      requests.computeIfAbsent(queue, q -> new ConcurrentHashMap<>())
          .computeIfAbsent(operation, op -> new LongAdder()).increment();
      return Future.succeededFuture();
    });
  }

  @Override
  public void close() throws Exception {
    relay.close();
  }
}
