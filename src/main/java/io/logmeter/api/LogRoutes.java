package io.logmeter.api;

import io.logmeter.archive.ArchiveReader;
import io.logmeter.logs.IndexEntry;
import io.logmeter.logs.LogIndex;
import io.logmeter.message.Identifiers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/accounts/{accountId}/logs} (newest first, paged by cursor) and
 * {@code …/logs/{messageId}}: retained raw records, read back with ranged GETs of the archive.
 */
final class LogRoutes {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  /** A listing's cursor: an event hour, a page of it and how many of the page's entries were listed. */
  private static final Pattern CURSOR = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2})#(\\d{1,18})#(\\d{1,6})");
  private static final Logger log = LoggerFactory.getLogger(LogRoutes.class);

  private final LogIndex index;
  private final ArchiveReader records;
  private final Context context;

  LogRoutes(LogIndex index, ArchiveReader records, Context context) {
    this.index = index;
    this.records = records;
    this.context = context;
  }

  void mount(Router router, ApiKeys keys) {
    router.get("/v1/accounts/:accountId/logs").handler(keys.require(ApiKeys.LOGS_READ)).handler(this::recent);
    router.get("/v1/accounts/:accountId/logs/:messageId").handler(keys.require(ApiKeys.LOGS_READ)).handler(this::one);
  }

  private void recent(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    String account = RequestParams.accountId(ctx.pathParam("accountId"));
    int limit = RequestParams.integer(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    LogIndex.Cursor from = cursor(RequestParams.text(query, "cursor"));
    Future.fromCompletionStage(index.recent(account, limit, from), context)
        .compose(page -> {
          List<Future<JsonObject>> reads = new ArrayList<>(page.entries().size());
          for (IndexEntry entry : page.entries()) {
            reads.add(Future.fromCompletionStage(records.read(entry.location()), context).map(JsonObject::new));
          }
          return Future.all(reads).map(all -> {
            JsonArray list = new JsonArray();
            for (int i = 0; i < all.size(); i++) {
              list.add(all.<JsonObject>resultAt(i));
            }
            JsonObject body = new JsonObject().put("accountId", account).put("records", list);
            body.put("nextCursor", page.next() == null ? null : encode(page.next().encode()));
            return body;
          });
        })
        .onSuccess(body -> json(ctx, body))
        .onFailure(failure -> unavailable(ctx, failure));
  }

  private void one(RoutingContext ctx) {
    String account = RequestParams.accountId(ctx.pathParam("accountId"));
    String messageId = ctx.pathParam("messageId");
    if (!Identifiers.isMessageId(messageId)) {
      throw new ApiError(400, "invalid_message_id", "messageId has characters or a length no message id has");
    }
    Instant at = RequestParams.instant(ctx.queryParams(), "at");
    // Only the account's own pages are searched: another account's record is as absent as a missing one.
    Future.fromCompletionStage(index.find(account, messageId, at), context)
        .compose(entry -> entry.isEmpty()
            ? Future.succeededFuture((JsonObject) null)
            : Future.fromCompletionStage(records.read(entry.get().location()), context).map(JsonObject::new))
        .onSuccess(record -> {
          if (record == null) {
            ApiError.send(ctx, 404, "not_found", "no record " + messageId + " for this account"
                + (at == null ? " (searched back " + LogIndex.MAX_SEARCH_PAGES + " pages; at=<eventTime> searches its hour)" : " in the hour of " + at));
          } else {
            json(ctx, record);
          }
        })
        .onFailure(failure -> unavailable(ctx, failure));
  }

  private static LogIndex.Cursor cursor(String value) {
    if (value == null) {
      return null;
    }
    try {
      String key = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
      Matcher parts = CURSOR.matcher(key);
      if (parts.matches()) {
        java.time.LocalDateTime.parse(parts.group(1) + ":00"); // a real hour, or DateTimeParseException
        return new LogIndex.Cursor(parts.group(1), Long.parseLong(parts.group(2)), Integer.parseInt(parts.group(3)));
      }
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      // not base64: the same answer as any other cursor this service did not hand out
    }
    throw new ApiError(400, "invalid_cursor", "cursor is not one this service returned");
  }

  private static String encode(String sortKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The archive or the index failed to answer: try again. A record that is not JSON is no outage
   * but a defect or damage that a retry would meet again: that is a 500.
   */
  private static void unavailable(RoutingContext ctx, Throwable cause) {
    if (cause instanceof io.vertx.core.json.DecodeException) {
      log.error("an archived record is not JSON", cause);
      ctx.fail(500, cause);
      return;
    }
    log.warn("log read failed: {}", cause.toString());
    ctx.response().putHeader("retry-after", "1");
    ApiError.send(ctx, 503, "unavailable", "the archive or the index did not answer; try again");
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }
}
