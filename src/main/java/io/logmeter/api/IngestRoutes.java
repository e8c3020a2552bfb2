package io.logmeter.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.logmeter.message.MessageParser;
import io.logmeter.message.Parsed;
import io.logmeter.message.SnsEnvelope;
import io.logmeter.message.Utf8;
import io.logmeter.publish.LogPublisher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/logs}: one {@code {"accountId","logData"}} object, or an array of up to ten, is
 * validated and published for ingestion; {@code 202} with the message id(s). Everything the
 * pipeline would reject is refused here with a 400, so HTTP clients learn of it at once.
 */
final class IngestRoutes {

  /** SNS's limit for one publish (and for a whole batch). */
  static final int MAX_BODY_BYTES = 256 * 1024;
  static final int MAX_BATCH = 10;
  private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);

  private final LogPublisher publisher;
  private final Context context;

  IngestRoutes(LogPublisher publisher, Context context) {
    this.publisher = publisher;
    this.context = context;
  }

  void mount(Router router, ApiKeys keys) {
    // Vert.x Web runs body handlers before any other; the body is bounded, so reading it first is cheap.
    router.post("/v1/logs")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(keys.require(ApiKeys.LOGS_WRITE))
        .handler(this::requireJson)
        .handler(this::ingest);
  }

  private void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mediaType = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
    }
    ctx.next();
  }

  private void ingest(RoutingContext ctx) {
    JsonNode body;
    try {
      body = MessageParser.readJson(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (IOException e) {
      throw new ApiError(400, "invalid_json", "the body is not JSON");
    }
    boolean batch = body != null && body.isArray();
    List<JsonNode> items = new ArrayList<>();
    if (batch) {
      body.forEach(items::add);
      if (items.isEmpty() || items.size() > MAX_BATCH) {
        throw new ApiError(400, "invalid_batch", "a batch holds 1 to " + MAX_BATCH + " log objects");
      }
    } else if (body != null && body.isObject()) {
      items.add(body);
    } else {
      throw new ApiError(400, "invalid_json", "the body must be a log object or an array of them");
    }
    List<String> payloads = new ArrayList<>(items.size());
    long publishedBytes = 0;
    for (int i = 0; i < items.size(); i++) {
      if (!items.get(i).isObject()) {
        throw new ApiError(400, "invalid_json", "[" + i + "] must be a JSON object");
      }
      String payload = payload(items.get(i), batch ? "[" + i + "]." : "");
      requireDeliverable(payload, batch ? "[" + i + "]" : "the log");
      publishedBytes += Utf8.encodedLength(payload);
      payloads.add(payload);
    }
    if (publishedBytes > SnsEnvelope.MAX_PUBLISH_BYTES) {
      throw new ApiError(413, "payload_too_large", "the logs add up to " + publishedBytes
          + " bytes, over the " + SnsEnvelope.MAX_PUBLISH_BYTES + " the topic takes in one publish");
    }
    Future.fromCompletionStage(publisher.publish(payloads), context).onComplete(done -> {
      if (done.failed()) {
        log.warn("publish failed: {}", done.cause().toString());
        ctx.response().putHeader("retry-after", "1");
        ApiError.send(ctx, 503, "unavailable", "the ingest topic did not accept the logs; try again");
        return;
      }
      JsonObject answer = batch ? batchAnswer(done.result()) : new JsonObject().put("messageId", done.result().get(0));
      ctx.response().setStatusCode(202).putHeader("content-type", "application/json").end(answer.encode());
    });
  }

  /**
   * The ids in order; where the topic took only part of a batch, {@code failed} lists the indexes
   * it refused (their id is null), so that the client resends those and only those.
   */
  private static JsonObject batchAnswer(List<String> ids) {
    JsonArray failed = new JsonArray();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == null) {
        failed.add(i);
      }
    }
    JsonObject answer = new JsonObject().put("messageIds", new JsonArray(ids));
    return failed.isEmpty() ? answer : answer.put("failed", failed);
  }

  /**
   * SNS takes the payload but delivers it inside an envelope that escapes it again: refused here,
   * rather than answered 202 and then lost, is any payload whose envelope the queue could not take.
   */
  private static void requireDeliverable(String payload, String what) {
    long delivered = SnsEnvelope.deliveredBytes(payload);
    if (delivered > SnsEnvelope.MAX_QUEUE_MESSAGE_BYTES) {
      throw new ApiError(413, "payload_too_large", what + " would be " + delivered + " bytes once SNS has "
          + "enveloped and escaped it, over the " + SnsEnvelope.MAX_QUEUE_MESSAGE_BYTES + " the queue takes");
    }
  }

  /**
   * The payload as the pipeline will bill it, or a 400 naming the field ({@code where}) at fault:
   * checked by the pipeline's own check, so that nothing accepted here is rejected there.
   */
  private static String payload(JsonNode item, String where) {
    Parsed.Rejected invalid = MessageParser.checkPayload(item);
    if (invalid != null) {
      String code = invalid.reason().endsWith("account_id") ? "invalid_account_id" : "invalid_log_data";
      throw new ApiError(400, code, where + invalid.detail());
    }
    return new JsonObject().put("accountId", item.get("accountId").textValue().toLowerCase(Locale.ROOT))
        .put("logData", item.get("logData").textValue()).encode();
  }
}
