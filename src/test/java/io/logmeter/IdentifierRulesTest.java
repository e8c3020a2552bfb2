package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What reaches a DynamoDB key follows one rule everywhere: an account id is ASCII hexadecimal, a
 * message id 1 to 128 characters of {@code [A-Za-z0-9_.:-]}, an event time within years 0001 to
 * 9999. What ingestion bills can be read back, listed and paged; what breaks a rule is rejected
 * (archived, never billed) or answered 400, and is never counted under another account.
 */
class IdentifierRulesTest {

  private static TestStack stack;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.shared();
  }

  @AfterEach
  void stopServices() throws Exception {
    stack.stopServices();
  }

  /** The same UUID written in Arabic-Indic digits: {@code Character.digit} takes them, a key does not. */
  private static String arabicIndic(String uuid) {
    StringBuilder s = new StringBuilder();
    for (char c : uuid.toCharArray()) {
      s.append(c >= '0' && c <= '9' ? (char) ('\u0660' + (c - '0')) : c);
    }
    return s.toString();
  }

  /** Fullwidth forms of the digits and letters (U+FF10…): {@code Character.digit} takes these too. */
  private static String fullwidth(String uuid) {
    StringBuilder s = new StringBuilder();
    for (char c : uuid.toCharArray()) {
      s.append(c == '-' ? c : (char) (c + 0xFEE0));
    }
    return s.toString();
  }

  @Test
  void aUuidInOtherDigitsIsRejectedAndNeverCountedUnderTheAsciiAccount() throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port));
    String queueUrl = names.queueUrl(stack);
    String account = "1" + String.valueOf(Math.abs(new java.util.Random().nextLong())).substring(0, 7)
        + "-1111-2222-3333-444455556666";
    // Cached before the odd messages arrive: a commit under a look-alike must not reach this entry.
    assertThat(usage(port, account, "")).isZero();
    List<String> odd = List.of(arabicIndic(account), fullwidth(account), fullwidth("abcdef12-3456-7890-abcd-ef1234567890"));
    List<String> bodies = new ArrayList<>();
    for (String lookalike : odd) {
      bodies.add(Messages.envelope(UUID.randomUUID().toString(), Instant.now(), lookalike, "look-alike"));
      bodies.add(Messages.raw(lookalike, "look-alike"));
    }
    stack.sendAll(queueUrl, bodies);
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(30));

    assertThat(usage(port, account, "?consistent=true")).isZero();
    assertThat(usage(port, account, "")).isZero();
    assertThat(stack.records(names, "raw/")).isEmpty();
    List<JsonObject> rejected = stack.records(names, "rejected/");
    assertThat(rejected).hasSize(bodies.size());
    assertThat(rejected).allSatisfy(r -> assertThat(r.getString("reason")).isEqualTo("invalid_account_id"));

    for (String lookalike : odd) {
      String path = "/v1/accounts/" + URLEncoder.encode(lookalike, StandardCharsets.UTF_8) + "/usage";
      HttpResponse<String> read = stack.get(port, path);
      assertThat(read.statusCode()).as("GET %s", path).isEqualTo(400);
      assertThat(new JsonObject(read.body()).getString("error")).isEqualTo("invalid_account_id");
      HttpResponse<String> post = post(port, Messages.raw(lookalike, "x"));
      assertThat(post.statusCode()).as("POST for %s", lookalike).isEqualTo(400);
      assertThat(new JsonObject(post.body()).getString("error")).isEqualTo("invalid_account_id");
    }
  }

  @Test
  void eventTimesAndMessageIdsAreAcceptedToTheirEdgesAndRejectedPastThem() throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port));
    String queueUrl = names.queueUrl(stack);
    String account = UUID.randomUUID().toString();

    String longestId = "i".repeat(127) + "9";
    Map<String, Instant> accepted = Map.of(
        longestId, Instant.parse("2026-11-21T10:00:00Z"),
        "first-year", Instant.parse("0001-01-01T00:00:00Z"),
        "last-year", Instant.parse("9999-12-31T23:59:59.999Z"),
        "urn:sns.id_1-2", Instant.parse("2026-11-22T10:00:00Z"));
    List<String> bodies = new ArrayList<>();
    accepted.forEach((id, time) -> bodies.add(Messages.envelope(id, time, account, "edge " + id.length())));
    List<String> rejectedBodies = List.of(
        Messages.envelope("i".repeat(129), Instant.parse("2026-11-21T10:00:00Z"), account, "id too long"),
        Messages.envelope("control\u0001char", Instant.parse("2026-11-21T10:00:00Z"), account, "control"),
        // Escaped in the JSON text: SQS refuses a body that holds the lone surrogate itself.
        Messages.envelope("surrogate-here", Instant.parse("2026-11-21T10:00:00Z"), account, "surrogate")
            .replace("surrogate-here", "surrogate\\ud800"),
        Messages.envelope("space id", Instant.parse("2026-11-21T10:00:00Z"), account, "space"),
        envelopeAt("+12026-11-21T10:00:00Z", account),
        envelopeAt("-0001-11-21T10:00:00Z", account),
        envelopeAt("+10000-01-01T00:00:00Z", account));
    bodies.addAll(rejectedBodies);
    stack.sendAll(queueUrl, bodies);
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(30));

    Map<String, String> reasons = stack.records(names, "rejected/").stream()
        .collect(Collectors.toMap(r -> r.getString("body"), r -> r.getString("reason"), (a, b) -> a));
    // No flush was given up on the way (the archive is at-least-once: a retried flush archives again).
    assertThat(stack.metric(port, "logmeter_flush_failures_total")).isZero();
    assertThat(reasons).hasSize(rejectedBodies.size());
    for (int i = 0; i < rejectedBodies.size(); i++) {
      assertThat(reasons.get(rejectedBodies.get(i))).as("reason for rejected body %d", i)
          .isEqualTo(i < 4 ? "invalid_message_id" : "invalid_event_time");
    }

    // Billed only what follows the rules, and the total is the sum of its days.
    JsonObject total = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
    assertThat(total.getLong("messages")).isEqualTo(accepted.size());
    long days = 0;
    for (String range : List.of("from=0001-01-01&to=0001-01-01", "from=2026-11-21&to=2026-11-22",
        "from=9999-12-31&to=9999-12-31")) {
      days += stack.getJson(port, "/v1/accounts/" + account + "/usage?" + range).getLong("messages");
    }
    assertThat(days).isEqualTo(accepted.size());

    // Each accepted record can be fetched by its id, and paging one by one lists each once.
    for (String id : accepted.keySet()) {
      JsonObject record = stack.getJson(port, "/v1/accounts/" + account + "/logs/" + id);
      assertThat(record.getString("messageId")).isEqualTo(id);
    }
    List<String> listed = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = stack.getJson(port, "/v1/accounts/" + account + "/logs?limit=1"
          + (cursor == null ? "" : "&cursor=" + cursor));
      JsonArray records = page.getJsonArray("records");
      records.forEach(r -> listed.add(((JsonObject) r).getString("messageId")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(listed).containsExactly("last-year", "urn:sns.id_1-2", longestId, "first-year");
  }

  /**
   * SNS takes a payload of up to 256 KiB, but delivers it to the queue inside an envelope, where
   * JSON escapes it again: a body of backslashes doubles. HTTP ingest refuses what the queue could
   * not take once enveloped (413), never answering 202 for a message that would be lost, and takes
   * the largest that fits.
   */
  @Test
  void httpIngestRefusesALogThatWouldNotFitTheQueueOnceEnvelopedAndTakesOneThatFits() throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port));
    String account = UUID.randomUUID().toString();

    HttpResponse<String> refused = post(port, Messages.raw(account, "\\".repeat(120 * 1024)));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
    assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("payload_too_large");
    HttpResponse<String> refusedInBatch = post(port, "[" + Messages.raw(account, "fits") + ","
        + Messages.raw(account, "\"".repeat(70_000)) + "]");
    assertThat(refusedInBatch.statusCode()).as(refusedInBatch.body()).isEqualTo(413);

    HttpResponse<String> taken = post(port, Messages.raw(account, "\\".repeat(64_000)));
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(202);
    TestStack.await(Duration.ofSeconds(30), "the largest log billed", () -> {
      try {
        return usage(port, account, "?consistent=true") == 64_000;
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("messages"))
        .isEqualTo(1);
  }

  private static String envelopeAt(String timestamp, String account) {
    return new JsonObject(Messages.envelope(UUID.randomUUID().toString(), Instant.EPOCH, account, "odd time"))
        .put("Timestamp", timestamp).encode();
  }

  private static long usage(int port, String account, String query) throws Exception {
    return stack.getJson(port, "/v1/accounts/" + account + "/usage" + query).getLong("bytes");
  }

  static HttpResponse<String> post(int port, String body) throws Exception {
    return post(stack, port, body);
  }

  static HttpResponse<String> post(TestStack stack, int port, String body) throws Exception {
    return stack.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
