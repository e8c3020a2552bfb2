package io.logmeter.loadtest;

import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Usage reads as billing dashboards and support tools make them: a few hot accounts read all the
 * time (served from the cache), many cold accounts read rarely (mostly cache misses), date ranges
 * and daily rows (always read from DynamoDB), and a few strongly consistent reads.
 *
 * <p>Open model ({@link Phases}): {@code rate} new virtual users per second, each sending one
 * request, so the offered load does not drop when the service slows down; a warm-up of {@code
 * warmUp} seconds ramps up to the rate, then {@code duration} seconds are measured. Mix of
 * requests: 55% total of a hot account, 15% total of a cold account, 5% consistent total of a hot
 * account, 15% date range and 10% daily rows (each of a hot account half the time).
 *
 * <p>Parameters ({@code -Dname=value}): {@code baseUrl}, {@code apiKey}, {@code rate} (requests per
 * second, default 50), {@code warmUp} (seconds, default 5), {@code duration} (seconds, default 30),
 * {@code hotAccounts} (default 10) or {@code
 * hotAccountIds}, {@code accounts} (cold accounts, default 100000), {@code maxRangeDays} (longest
 * date range, default 31), {@code p99Ms} (p99 of the measured phase, default 50), {@code
 * maxFailedPercent} (of all requests, default 0).
 */
public class UsageReadSimulation extends Simulation {

  private final String baseUrl = Params.baseUrl();
  private final String apiKey = Params.apiKey();
  private final Phases phases = Phases.fromParams(50, 50);
  private final int maxRangeDays = Params.integer("maxRangeDays", 31, 1, 366);
  private final Accounts accounts = Accounts.fromParams(100_000);

  /** An endless feeder of records made by {@code record}. */
  private static Iterator<Map<String, Object>> feeder(Supplier<Map<String, Object>> record) {
    return Stream.generate(record).iterator();
  }

  /** A date range ending at most a year ago and spanning 1 to {@code maxRangeDays} days. */
  private Map<String, Object> rangeRecord() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate from = today.minusDays(random.nextInt(366));
    LocalDate to = from.plusDays(random.nextInt(maxRangeDays));
    if (to.isAfter(today)) {
      to = today;
    }
    return Map.of(
        "accountId", accounts.random(0.5),
        "from", from.toString(),
        "to", to.toString(),
        "days", (int) ChronoUnit.DAYS.between(from, to) + 1);
  }

  private static ChainBuilder total(
      String name, Iterator<Map<String, Object>> ids, boolean consistent) {
    var request = http(name).get("/v1/accounts/#{accountId}/usage");
    if (consistent) {
      request = request.queryParam("consistent", "true");
    }
    return feed(ids)
        .exec(
            request.check(
                status().is(200),
                jsonPath("$.accountId").isEL("#{accountId}"),
                jsonPath("$.bytes").ofLong().gte(0L),
                jsonPath("$.messages").ofLong().gte(0L),
                jsonPath("$.consistent").ofBoolean().is(consistent)));
  }

  private final ChainBuilder hotTotal =
      total("usage total hot", feeder(() -> Map.of("accountId", accounts.randomHot())), false);

  private final ChainBuilder coldTotal =
      total("usage total cold", feeder(() -> Map.of("accountId", accounts.randomCold())), false);

  private final ChainBuilder consistentTotal =
      total("usage total consistent", feeder(() -> Map.of("accountId", accounts.randomHot())), true);

  private final ChainBuilder range =
      feed(feeder(this::rangeRecord))
          .exec(
              http("usage range")
                  .get("/v1/accounts/#{accountId}/usage")
                  .queryParam("from", "#{from}")
                  .queryParam("to", "#{to}")
                  .check(
                      status().is(200),
                      jsonPath("$.accountId").isEL("#{accountId}"),
                      jsonPath("$.from").isEL("#{from}"),
                      jsonPath("$.to").isEL("#{to}"),
                      jsonPath("$.bytes").ofLong().gte(0L)));

  private final ChainBuilder daily =
      feed(feeder(this::rangeRecord))
          .exec(
              http("usage daily")
                  .get("/v1/accounts/#{accountId}/usage/daily")
                  .queryParam("from", "#{from}")
                  .queryParam("to", "#{to}")
                  .check(
                      status().is(200),
                      jsonPath("$.accountId").isEL("#{accountId}"),
                      jmesPath("length(days)").ofInt().isEL("#{days}"),
                      jmesPath("days[0].date").isEL("#{from}")));

  private final ChainBuilder mix =
      randomSwitch()
          .on(
              percent(55.0).then(hotTotal),
              percent(15.0).then(coldTotal),
              percent(5.0).then(consistentTotal),
              percent(15.0).then(range),
              percent(10.0).then(daily));

  {
    System.out.println(
        Params.describe(
            "UsageReadSimulation",
            Stream.concat(
                    Stream.of(
                        "baseUrl", baseUrl,
                        "apiKey", apiKey == null ? "none" : "set",
                        "hotAccounts", accounts.hotCount(),
                        "accounts", accounts.coldCount()),
                    Stream.of(phases.describe()))
                .toArray()));

    setUp(phases.population("usage reads", mix))
        .protocols(Protocols.http(baseUrl, apiKey))
        .maxDuration(phases.maxDuration())
        .assertions(phases.assertions());
  }
}
