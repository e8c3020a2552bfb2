package io.logmeter.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * HTTP ingest: {@code POST /v1/logs} with one message {@code {"accountId","logData"}} (answered
 * {@code 202 {"messageId"}}) or a batch, a JSON array of up to 10 messages (answered {@code 202
 * {"messageIds":[…]}} with one id per message).
 *
 * <p>Open model ({@link Phases}): {@code rate} requests per second, after a warm-up of {@code
 * warmUp} seconds ramping up to it, for {@code duration} measured seconds; {@code
 * batchPercent}% of them are batches of {@code batchSize} messages, the rest single messages. Half
 * of the messages go to the hot accounts, half to the cold ones: the same derived accounts {@link
 * UsageReadSimulation} reads, so running this first gives those reads data. Log lines are about
 * {@code logBytes} UTF-8 bytes and contain non-ASCII characters, so billable bytes differ from
 * characters.
 *
 * <p>Parameters ({@code -Dname=value}): {@code baseUrl}, {@code apiKey}, {@code rate} (requests per
 * second, default 20), {@code warmUp} (seconds, default 5), {@code duration} (seconds, default 30),
 * {@code batchPercent} (default 20), {@code batchSize} (1 to 10, default 10), {@code logBytes}
 * (default 200), {@code hotAccounts} (default 10) or {@code hotAccountIds}, {@code accounts} (cold
 * accounts, default 1000), {@code p99Ms} (p99 of the measured phase, default 100: each request
 * waits for its publish to the topic, or to the queue in local mode), {@code maxFailedPercent} (of
 * all requests, default 0).
 */
public class IngestSimulation extends Simulation {

  private final String baseUrl = Params.baseUrl();
  private final String apiKey = Params.apiKey();
  private final Phases phases = Phases.fromParams(20, 100);
  private final double batchPercent = Params.decimal("batchPercent", 20, 0, 100);
  private final int batchSize = Params.integer("batchSize", 10, 1, 10);
  private final int logBytes = Params.integer("logBytes", 200, 1, 200_000);
  private final Accounts accounts = Accounts.fromParams(1_000);

  /** Makes each log line unique within a run. */
  private final AtomicLong sequence = new AtomicLong();

  private static final String[] WORDS = {
    "GET", "POST", "/index.html", "/api/v2/items", "200", "201", "404", "503", "user=anna",
    "user=jörg", "région=eu-west", "latency_ms=12", "cache=hit", "cache=miss", "retry=0", "ok",
    "timeout", "upstream", "réponse", "größe=1024"
  };

  /** A log line of about {@code logBytes} UTF-8 bytes, as a JSON string literal's content. */
  private String logLine() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder line = new StringBuilder(logBytes + 32);
    line.append("seq=").append(sequence.incrementAndGet());
    int bytes = line.length();
    while (bytes < logBytes) {
      String word = WORDS[random.nextInt(WORDS.length)];
      line.append(' ').append(word);
      bytes += 1 + word.getBytes(StandardCharsets.UTF_8).length;
    }
    return line.toString(); // the words need no JSON escaping
  }

  private String message() {
    return "{\"accountId\":\"" + accounts.random(0.5) + "\",\"logData\":\"" + logLine() + "\"}";
  }

  private Iterator<Map<String, Object>> singles() {
    return Stream.generate(() -> Map.<String, Object>of("body", message())).iterator();
  }

  private Iterator<Map<String, Object>> batches() {
    return Stream.generate(
            () -> {
              StringBuilder body = new StringBuilder("[");
              for (int i = 0; i < batchSize; i++) {
                body.append(i == 0 ? "" : ",").append(message());
              }
              return Map.<String, Object>of("body", body.append(']').toString());
            })
        .iterator();
  }

  private final ChainBuilder single =
      feed(singles())
          .exec(
              http("ingest single")
                  .post("/v1/logs")
                  .body(StringBody("#{body}"))
                  .asJson()
                  .check(status().is(202), jsonPath("$.messageId").ofString().notNull()));

  private final ChainBuilder batch =
      feed(batches())
          .exec(
              http("ingest batch")
                  .post("/v1/logs")
                  .body(StringBody("#{body}"))
                  .asJson()
                  .check(
                      status().is(202),
                      jmesPath("length(messageIds)").ofInt().is(batchSize)));

  private final ChainBuilder mix =
      batchPercent <= 0
          ? single
          : batchPercent >= 100
              ? batch
              : randomSwitch()
                  .on(
                      percent(batchPercent).then(batch),
                      percent(100.0 - batchPercent).then(single));

  {
    System.out.println(
        Params.describe(
            "IngestSimulation",
            Stream.concat(
                    Stream.of(
                        "baseUrl", baseUrl,
                        "apiKey", apiKey == null ? "none" : "set",
                        "batchPercent", batchPercent,
                        "batchSize", batchSize,
                        "logBytes", logBytes,
                        "hotAccounts", accounts.hotCount(),
                        "accounts", accounts.coldCount()),
                    Stream.of(phases.describe()))
                .toArray()));

    setUp(phases.population("ingest", mix))
        .protocols(Protocols.http(baseUrl, apiKey))
        .maxDuration(phases.maxDuration())
        .assertions(phases.assertions());
  }
}
