package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline end to end against the real emulators: messages in through the SQS API, usage out
 * through HTTP, raw records and rejections checked in S3.
 */
class PipelineTest {

  private static final String[] SAMPLES = {"plain ascii line ", "héllo wörld ", "日本語のログ ", "emoji 🎉🚀 ",
      "Ünïcödé ", "𝄞 clef ", "\"quoted\" \\ back\\slash ", "tab\tand\nnewline "};
  private static TestStack stack;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.shared();
  }

  @AfterEach
  void stopServices() throws Exception {
    stack.stopServices();
  }

  @Test
  void countsEveryAccountExactlyWithDuplicatesAndMalformedBodiesMixedIn() throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port));
    String queueUrl = names.queueUrl(stack);
    Random random = new Random(7);
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      accounts.add(UUID.randomUUID().toString());
    }
    Map<String, long[]> expected = new HashMap<>();
    Map<String, Map<LocalDate, long[]>> expectedDays = new HashMap<>();
    Set<String> envelopeIds = new HashSet<>();
    List<String> bodies = new ArrayList<>();
    LocalDate firstDay = LocalDate.of(2026, 11, 1);
    for (int i = 0; i < 2000; i++) {
      String account = accounts.get(random.nextInt(accounts.size()));
      String logData = logData(random);
      long bytes = logData.getBytes(StandardCharsets.UTF_8).length;
      add(expected, account, bytes);
      // Mixed case on the wire: the account is normalised to lowercase.
      String wireAccount = random.nextInt(4) == 0 ? account.toUpperCase() : account;
      if (random.nextBoolean()) {
        String id = UUID.randomUUID().toString();
        Instant time = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(random.nextInt(3 * 86_400));
        envelopeIds.add(id);
        expectedDays.computeIfAbsent(account, a -> new HashMap<>())
            .computeIfAbsent(LocalDate.ofInstant(time, ZoneOffset.UTC), d -> new long[2]);
        add(expectedDays.get(account), LocalDate.ofInstant(time, ZoneOffset.UTC), bytes);
        String body = Messages.envelope(id, time, wireAccount, logData);
        bodies.add(body);
        if (random.nextInt(10) == 0) {
          bodies.add(body); // SNS delivered it twice
        }
      } else {
        bodies.add(Messages.raw(wireAccount, logData));
      }
    }
    List<String> malformed = Messages.malformed();
    bodies.addAll(malformed);
    java.util.Collections.shuffle(bodies, random);

    long started = System.nanoTime();
    stack.sendAll(queueUrl, bodies);
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(60));
    System.out.printf("%d deliveries sent and processed in %d ms%n", bodies.size(),
        (System.nanoTime() - started) / 1_000_000);

    for (String account : accounts) {
      long[] want = expected.getOrDefault(account, new long[2]);
      JsonObject cached = stack.getJson(port, "/v1/accounts/" + account + "/usage");
      JsonObject consistent = stack.getJson(port, "/v1/accounts/" + account.toUpperCase() + "/usage?consistent=true");
      assertThat(consistent.getLong("bytes")).as("bytes of %s", account).isEqualTo(want[0]);
      assertThat(consistent.getLong("messages")).as("messages of %s", account).isEqualTo(want[1]);
      TestStack.await(Duration.ofSeconds(5), "cached usage of " + account,
          () -> sameUsage(port, account, want));
      assertThat(cached.getString("accountId")).isEqualTo(account);

      JsonObject daily = stack.getJson(port, "/v1/accounts/" + account + "/usage/daily?from=2026-11-01&to=2026-11-03");
      JsonArray days = daily.getJsonArray("days");
      assertThat(days).hasSize(3);
      for (int d = 0; d < 3; d++) {
        JsonObject row = days.getJsonObject(d);
        long[] day = expectedDays.getOrDefault(account, Map.of()).getOrDefault(LocalDate.parse(row.getString("date")),
            new long[2]);
        assertThat(row.getLong("bytes")).as("%s on %s", account, row.getString("date")).isEqualTo(day[0]);
        assertThat(row.getLong("messages")).isEqualTo(day[1]);
      }
    }

    Set<String> archivedIds = new HashSet<>();
    for (JsonObject record : stack.records(names, "raw/")) {
      archivedIds.add(record.getString("messageId"));
    }
    assertThat(archivedIds).containsAll(envelopeIds);
    assertThat(archivedIds).hasSize((int) expected.values().stream().mapToLong(v -> v[1]).sum());

    List<String> rejectedBodies = new ArrayList<>();
    for (JsonObject record : stack.records(names, "rejected/")) {
      rejectedBodies.add(record.getString("body"));
      assertThat(record.getString("reason")).isNotBlank();
    }
    assertThat(rejectedBodies).containsExactlyInAnyOrderElementsOf(malformed);
    // The malformed bodies that name an account are never billed to it.
    assertThat(stack.getJson(port, "/v1/accounts/6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f/usage?consistent=true")
        .getLong("messages")).isZero();
    assertThat(stack.queueDepth(stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl())).isZero();
  }

  @Test
  void theSameSnsMessageDeliveredAsTwoSqsMessagesIsCountedOnce() throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port));
    String queueUrl = names.queueUrl(stack);
    String account = UUID.randomUUID().toString();
    String body = Messages.envelope(UUID.randomUUID().toString(), Instant.parse("2026-11-21T08:00:00Z"), account,
        "twice delivered");

    stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(20));
    stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(20));

    JsonObject usage = stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
    assertThat(usage.getLong("messages")).isEqualTo(1);
    assertThat(usage.getLong("bytes")).isEqualTo(15);
    assertThat(stack.metric(port, "logmeter_messages_duplicates_total")).isEqualTo(1.0);
  }

  @Test
  void twoInstancesSharingTheTablesServeEachOthersWritesWithinTheRefreshBound() throws Exception {
    Names names = Names.fresh();
    Names other = new Names(names.queue() + "-b", names.dlq() + "-b", names.bucket(), names.ledger(), names.usage(),
        names.logs());
    int portA = TestStack.freePort();
    int portB = TestStack.freePort();
    long refreshMillis = 500;
    stack.start(stack.config(names, portA).put("cacheRefreshMillis", refreshMillis));
    stack.start(stack.config(other, portB).put("cacheRefreshMillis", refreshMillis));
    String account = UUID.randomUUID().toString();
    assertThat(stack.getJson(portB, "/v1/accounts/" + account + "/usage").getLong("bytes")).isZero();
    assertThat(stack.getJson(portA, "/v1/accounts/" + account + "/usage").getLong("bytes")).isZero();

    assertThat(staleness(names, portA, portB, account, 5, 50, refreshMillis))
        .as("A's writes seen by B").isLessThan(Duration.ofMillis(2 * refreshMillis + 1500));
    assertThat(staleness(other, portB, portA, account, 3, 80, refreshMillis))
        .as("B's writes seen by A").isLessThan(Duration.ofMillis(2 * refreshMillis + 1500));
    assertThat(usageOf(portA, account, "")).isEqualTo(80);
    assertThat(usageOf(portB, account, "")).isEqualTo(80);
  }

  /**
   * Sends {@code messages} to the writer's queue and measures how long after their commit the
   * reader's cache shows the new total. The bound is two refresh intervals plus a DynamoDB read;
   * the assertions allow for a loaded machine.
   */
  private static Duration staleness(Names writerNames, int writer, int reader, String account, int messages,
      long total, long refreshMillis) throws Exception {
    String queue = writerNames.queueUrl(stack);
    for (int i = 0; i < messages; i++) {
      stack.sqs.sendMessage(r -> r.queueUrl(queue).messageBody(Messages.raw(account, "0123456789")));
    }
    TestStack.await(Duration.ofSeconds(20), "the writer's commit",
        () -> usageOf(writer, account, "?consistent=true") == total);
    long committed = System.nanoTime();
    TestStack.await(Duration.ofSeconds(10), "the reader's cache", () -> usageOf(reader, account, "") == total);
    return Duration.ofNanos(System.nanoTime() - committed);
  }

  private static boolean sameUsage(int port, String account, long[] want) {
    try {
      JsonObject cached = stack.getJson(port, "/v1/accounts/" + account + "/usage");
      return cached.getLong("bytes") == want[0] && cached.getLong("messages") == want[1];
    } catch (Exception e) {
      return false;
    }
  }

  private static long usageOf(int port, String account, String query) {
    try {
      return stack.getJson(port, "/v1/accounts/" + account + "/usage" + query).getLong("bytes");
    } catch (Exception e) {
      return -1;
    }
  }

  private static String logData(Random random) {
    StringBuilder text = new StringBuilder();
    int parts = random.nextInt(30);
    for (int i = 0; i < parts; i++) {
      text.append(SAMPLES[random.nextInt(SAMPLES.length)]);
    }
    return text.toString();
  }

  private static <K> void add(Map<K, long[]> sums, K key, long bytes) {
    long[] sum = sums.computeIfAbsent(key, k -> new long[2]);
    sum[0] += bytes;
    sum[1]++;
  }
}
