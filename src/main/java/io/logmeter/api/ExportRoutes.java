package io.logmeter.api;

import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageAcrossAccounts;
import io.logmeter.usage.UsageAcrossAccounts.AccountUsage;
import io.logmeter.usage.UsageReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.logmeter.api.RequestParams.Period;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage across accounts, for billing: {@code GET /v1/usage} streams every account with usage in a
 * range (NDJSON or CSV, a line per account, or per account and day or month), {@code GET
 * /v1/usage/top} the accounts with the most. Both walk {@link UsageAcrossAccounts}: the index of day
 * items, then each account's days as the per-account GET reads them.
 */
final class ExportRoutes {

  static final int MAX_TOP = 100;
  private static final Logger log = LoggerFactory.getLogger(ExportRoutes.class);
  private static final String NDJSON = "application/x-ndjson";
  private static final String CSV = "text/csv";

  /** The export's header with the instant through which it counts every acknowledged message, where there is one. */
  static final String COUNTED_THROUGH = "counted-through";

  private final UsageAcrossAccounts export;
  private final UsageReader store;

  ExportRoutes(UsageReader store, Context context) {
    this.export = store.export(context);
    this.store = store;
  }

  void mount(Router router, ApiKeys keys) {
    router.get("/v1/usage").handler(keys.require(ApiKeys.USAGE_READ)).handler(this::export);
    router.get("/v1/usage/top").handler(keys.require(ApiKeys.USAGE_READ)).handler(this::top);
  }

  // ---- the export

  private void export(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    Period period = RequestParams.period(query);
    boolean consistent = RequestParams.flag(query, "consistent");
    String granularity = RequestParams.text(query, "granularity");
    if (granularity != null && !granularity.equals("day") && !granularity.equals("month")) {
      throw new ApiError(400, "invalid_parameter", "granularity must be day or month");
    }
    String type = mediaType(ctx.request().getHeader("Accept"));
    HttpServerResponse response = ctx.response();
    // Nothing is sent before the first account: a walk that fails at once still gets its 503.
    String head = type.equals(CSV) ? "accountId,from,to,bytes,messages\n" : "";
    store.countedThrough().ifPresent(t -> response.putHeader(COUNTED_THROUGH, t.toString()));
    export.walk(period.from(), period.to(), consistent, account -> {
      StringBuilder lines = new StringBuilder(response.headWritten() ? "" : head);
      for (Line line : lines(account, period, granularity)) {
        lines.append(type.equals(CSV) ? line.csv() : line.json()).append('\n');
      }
      return write(response, type, lines.toString());
    }).onComplete(done -> {
      if (done.succeeded()) {
        if (!response.headWritten()) {
          response.putHeader("content-type", contentType(type)).end(head);
        } else {
          response.end();
        }
        log.info("usage export {}..{} ({}): {} accounts, {} index queries, at most {} keys held", period.from(),
            period.to(), granularity == null ? "range" : granularity, done.result().accounts(),
            done.result().indexQueries(), done.result().maxHeldKeys());
      } else {
        // The status is sent: the transfer is cut short instead, so that no client takes a part for the whole.
        log.warn("usage export {}..{} failed: {}", period.from(), period.to(), done.cause().toString());
        if (!response.headWritten()) {
          response.putHeader("retry-after", "1");
          ApiError.send(ctx, 503, "unavailable", "the usage store did not answer; try again");
        } else {
          response.reset();
        }
      }
    });
  }

  /** One line of the export: an account's usage over a period. */
  private record Line(String accountId, LocalDate from, LocalDate to, Usage usage) {
    String csv() {
      return accountId + ',' + from + ',' + to + ',' + usage.bytes() + ',' + usage.messages();
    }

    String json() {
      return new JsonObject().put("accountId", accountId).put("from", from.toString()).put("to", to.toString())
          .put("bytes", usage.bytes()).put("messages", usage.messages()).encode();
    }
  }

  private static List<Line> lines(AccountUsage account, Period period, String granularity) {
    List<Line> lines = new ArrayList<>();
    if (granularity == null) {
      lines.add(new Line(account.accountId(), period.from(), period.to(), account.total()));
    } else if (granularity.equals("day")) {
      account.days().forEach((day, usage) -> lines.add(new Line(account.accountId(), day, day, usage)));
    } else {
      SortedMap<YearMonth, Usage> months = new TreeMap<>();
      account.days().forEach((day, usage) -> months.merge(YearMonth.from(day), usage,
          (a, b) -> a.plus(b.bytes(), b.messages())));
      months.forEach((month, usage) -> {
        LocalDate first = month.atDay(1).isBefore(period.from()) ? period.from() : month.atDay(1);
        LocalDate last = month.atEndOfMonth().isAfter(period.to()) ? period.to() : month.atEndOfMonth();
        lines.add(new Line(account.accountId(), first, last, usage));
      });
    }
    return lines;
  }

  private static String contentType(String type) {
    return type.equals(CSV) ? "text/csv; charset=utf-8" : NDJSON;
  }

  /**
   * NDJSON unless the client prefers CSV; 406 if it accepts neither. Each type's weight is the
   * {@code q} of the most specific range that matches it ({@code text/csv}, then {@code text/*},
   * then {@code *}{@code /*}; for NDJSON its own name, then {@code application/json}, then
   * {@code application/*}, then {@code *}{@code /*}); {@code q=0} refuses it.
   * The heavier wins; between equals, the one named first, and NDJSON where one range names both.
   */
  static String mediaType(String accept) {
    if (accept == null || accept.isBlank()) {
      return NDJSON;
    }
    Weight ndjson = weight(accept, NDJSON, "application/json", "application/*");
    Weight csv = weight(accept, CSV, null, "text/*");
    if (csv.q() > 0 && (csv.q() > ndjson.q() || csv.q() == ndjson.q() && csv.position() < ndjson.position())) {
      return CSV;
    }
    if (ndjson.q() > 0) {
      return NDJSON;
    }
    throw new ApiError(406, "not_acceptable", "the export is served as " + NDJSON + " or " + CSV);
  }

  /** A type's weight in an Accept header, and where the range that gave it stands. */
  private record Weight(double q, int position) {
  }

  /** The weight of {@code type}, which {@code alias} (if any) also names, less specifically. */
  private static Weight weight(String accept, String type, String alias, String typeWildcard) {
    Weight best = new Weight(0, Integer.MAX_VALUE);
    int bestSpecificity = 0;
    String[] ranges = accept.split(",");
    for (int position = 0; position < ranges.length; position++) {
      String[] parts = ranges[position].split(";");
      String range = parts[0].trim().toLowerCase(Locale.ROOT);
      int specificity = range.equals(type) ? 4 : range.equals(alias) ? 3 : range.equals(typeWildcard) ? 2
          : range.equals("*/*") ? 1 : 0;
      if (specificity > bestSpecificity) {
        bestSpecificity = specificity;
        best = new Weight(quality(parts), position);
      }
    }
    return best;
  }

  /** The range's {@code q} parameter; 1 when absent or not a number from 0 to 1. */
  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("q")) {
        try {
          double q = Double.parseDouble(parameter[1].trim());
          return q >= 0 && q <= 1 ? q : 1;
        } catch (NumberFormatException e) {
          return 1;
        }
      }
    }
    return 1;
  }

  /** Writes, and completes once the connection can take more: the walk goes at the client's pace. */
  private static Future<Void> write(HttpServerResponse response, String type, String text) {
    if (response.closed()) {
      return Future.failedFuture("the client went away");
    }
    if (!response.headWritten()) {
      response.setChunked(true).putHeader("content-type", contentType(type));
    }
    response.write(text);
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    response.drainHandler(v -> drained.tryComplete());
    response.closeHandler(v -> drained.tryFail("the client went away"));
    return drained.future();
  }

  // ---- top accounts

  private void top(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    Period period = RequestParams.period(query);
    boolean consistent = RequestParams.flag(query, "consistent");
    int limit = RequestParams.integer(query, "limit", 10, 1, MAX_TOP);
    String by = RequestParams.text(query, "by");
    if (by != null && !by.equals("bytes") && !by.equals("messages")) {
      throw new ApiError(400, "invalid_parameter", "by must be bytes or messages");
    }
    boolean byMessages = "messages".equals(by);
    Comparator<Map.Entry<String, Usage>> order = Comparator.comparingLong(
        (Map.Entry<String, Usage> e) -> byMessages ? e.getValue().messages() : e.getValue().bytes())
        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder());
    PriorityQueue<Map.Entry<String, Usage>> smallestFirst = new PriorityQueue<>(order);
    Optional<Instant> through = store.countedThrough();
    export.walk(period.from(), period.to(), consistent, account -> {
      smallestFirst.add(Map.entry(account.accountId(), account.total()));
      if (smallestFirst.size() > limit) {
        smallestFirst.poll();
      }
      return Future.succeededFuture();
    }).onComplete(done -> {
      if (done.failed()) {
        log.warn("top accounts {}..{} failed: {}", period.from(), period.to(), done.cause().toString());
        ctx.response().putHeader("retry-after", "1");
        ApiError.send(ctx, 503, "unavailable", "the usage store did not answer; try again");
        return;
      }
      List<Map.Entry<String, Usage>> top = new ArrayList<>(smallestFirst);
      top.sort(order.reversed());
      JsonArray accounts = new JsonArray();
      for (Map.Entry<String, Usage> e : top) {
        accounts.add(new JsonObject().put("accountId", e.getKey()).put("bytes", e.getValue().bytes())
            .put("messages", e.getValue().messages()));
      }
      JsonObject body = new JsonObject()
          .put("from", period.from().toString()).put("to", period.to().toString())
          .put("by", byMessages ? "messages" : "bytes").put("accountsWithUsage", done.result().accounts());
      through.ifPresent(t -> body.put("countedThrough", t.toString()));
      ctx.response().putHeader("content-type", "application/json").end(body.put("accounts", accounts).encode());
    });
  }
}
