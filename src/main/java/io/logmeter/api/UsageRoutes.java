package io.logmeter.api;

import io.logmeter.usage.ShardSums;
import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/accounts/{accountId}/usage} and {@code …/usage/daily}. Totals come from the cache
 * unless {@code consistent=true}; date ranges sum the daily counters from DynamoDB. An account never
 * seen has zero usage.
 */
final class UsageRoutes {

  private static final LocalDate BEGINNING = LocalDate.of(1970, 1, 1);
  private static final LocalDate END = LocalDate.of(9999, 12, 31);
  private static final Logger log = LoggerFactory.getLogger(UsageRoutes.class);

  private final UsageReader store;
  private final UsageCache cache;
  private final Context context;

  UsageRoutes(UsageReader store, UsageCache cache, Context context) {
    this.store = store;
    this.cache = cache;
    this.context = context;
  }

  void mount(Router router, ApiKeys keys) {
    router.get("/v1/accounts/:accountId/usage").handler(keys.require(ApiKeys.USAGE_READ)).handler(this::usage);
    router.get("/v1/accounts/:accountId/usage/daily").handler(keys.require(ApiKeys.USAGE_READ))
        .handler(this::daily);
  }

  private void usage(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    String account = RequestParams.accountId(ctx.pathParam("accountId"));
    LocalDate from = RequestParams.date(query, "from");
    LocalDate to = RequestParams.date(query, "to");
    boolean consistent = RequestParams.flag(query, "consistent");
    JsonObject body = new JsonObject().put("accountId", account);
    // Read before the usage: what it says is then true of the answer.
    Optional<Instant> through = store.countedThrough();
    Future<UsageCache.Answer> usage;
    if (from == null && to == null) {
      usage = consistent ? onContext(store.total(account, true)).map(u -> new UsageCache.Answer(u, through))
          : onContext(cache.answer(account));
    } else {
      LocalDate first = from == null ? BEGINNING : from;
      LocalDate last = to == null ? END : to;
      RequestParams.requireOrdered(first, last);
      body.put("from", first.toString()).put("to", last.toString());
      usage = onContext(store.daily(account, first, last, consistent))
          .map(days -> new UsageCache.Answer(sum(days), through));
    }
    usage.onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, done.cause());
      } else {
        Usage u = done.result().usage();
        body.put("bytes", u.bytes()).put("messages", u.messages()).put("consistent", consistent);
        done.result().countedThrough().ifPresent(t -> body.put("countedThrough", t.toString()));
        json(ctx, body);
      }
    });
  }

  private void daily(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    String account = RequestParams.accountId(ctx.pathParam("accountId"));
    RequestParams.Period period = RequestParams.period(query);
    LocalDate from = period.from();
    LocalDate to = period.to();
    boolean consistent = RequestParams.flag(query, "consistent");
    Optional<Instant> through = store.countedThrough();
    onContext(store.daily(account, from, to, consistent)).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, done.cause());
        return;
      }
      JsonArray days = new JsonArray();
      long bytes = 0;
      long messages = 0;
      for (Map.Entry<LocalDate, Usage> day : ShardSums.everyDay(done.result(), from, to).entrySet()) {
        days.add(new JsonObject().put("date", day.getKey().toString())
            .put("bytes", day.getValue().bytes()).put("messages", day.getValue().messages()));
        bytes += day.getValue().bytes();
        messages += day.getValue().messages();
      }
      JsonObject body = new JsonObject().put("accountId", account).put("from", from.toString())
          .put("to", to.toString()).put("bytes", bytes).put("messages", messages).put("consistent", consistent);
      through.ifPresent(t -> body.put("countedThrough", t.toString()));
      json(ctx, body.put("days", days));
    });
  }

  private <T> Future<T> onContext(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, context);
  }

  private static Usage sum(SortedMap<LocalDate, Usage> days) {
    Usage total = Usage.ZERO;
    for (Usage day : days.values()) {
      total = total.plus(day.bytes(), day.messages());
    }
    return total;
  }

  private static void unavailable(RoutingContext ctx, Throwable cause) {
    log.warn("usage read failed: {}", cause.toString());
    ctx.response().putHeader("retry-after", "1");
    ApiError.send(ctx, 503, "unavailable", "the usage store did not answer; try again");
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }
}
