package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service with {@code ledger=fold}, end to end on the emulators: two instances drain one queue
 * of raw messages, SNS envelopes delivered twice, messages of an earlier day and malformed bodies;
 * the owner is stopped while messages keep coming; every account's usage, cached or consistent,
 * daily, in the export and in the top accounts, is exact on both instances, and says through when
 * it counts.
 */
class FoldServiceTest {

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
  void twoInstancesCountEveryMessageOnceAcrossAnOwnerStopped() throws Exception {
    Names names = Names.fresh();
    int portA = TestStack.freePort();
    int portB = TestStack.freePort();
    Service a = stack.start(fold(names, portA));
    Service b = stack.start(fold(names, portB));
    String queueUrl = names.queueUrl(stack);
    Random random = new Random(11);
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      accounts.add(UUID.randomUUID().toString());
    }
    Map<String, long[]> expected = new HashMap<>();
    Instant yesterday = Instant.now().minus(Duration.ofDays(1));

    Instant firstSent = Instant.now();
    stack.sendAll(queueUrl, bodies(random, accounts, expected, 1200, yesterday));
    TestStack.await(Duration.ofSeconds(20), "an owner", () -> owner(portA) + owner(portB) == 1);
    int ownerPort = owner(portA) == 1 ? portA : portB;
    int otherPort = ownerPort == portA ? portB : portA;
    // The owner goes while the second half arrives: the other instance takes over and folds the rest.
    List<String> second = bodies(random, accounts, expected, 1200, yesterday);
    Thread sender = new Thread(() -> stack.sendAll(queueUrl, second));
    sender.start();
    stack.stop(ownerPort == portA ? a : b);
    sender.join();
    stack.awaitQueueEmpty(queueUrl, Duration.ofSeconds(60));
    Instant acknowledged = Instant.now();

    TestStack.await(Duration.ofSeconds(30), "countedThrough past the last acknowledgement", () ->
        !countedThrough(otherPort, accounts.get(0)).isBefore(acknowledged));
    for (String account : accounts) {
      long[] want = expected.getOrDefault(account, new long[2]);
      JsonObject consistent = stack.getJson(otherPort, "/v1/accounts/" + account + "/usage?consistent=true");
      assertThat(consistent.getLong("bytes")).as("bytes of %s", account).isEqualTo(want[0]);
      assertThat(consistent.getLong("messages")).as("messages of %s", account).isEqualTo(want[1]);
      assertThat(Instant.parse(consistent.getString("countedThrough"))).isAfterOrEqualTo(acknowledged);
      TestStack.await(Duration.ofSeconds(5), "cached usage of " + account, () -> cached(otherPort, account, want));
    }
    assertThat(stack.getJson(otherPort, "/v1/accounts/6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f/usage?consistent=true")
        .getLong("messages")).as("malformed bodies billed to no one").isZero();

    LocalDate from = LocalDate.ofInstant(yesterday, ZoneOffset.UTC);
    LocalDate to = LocalDate.now(ZoneOffset.UTC).plusDays(1);
    HttpResponse<String> export = stack.get(otherPort, "/v1/usage?from=" + from + "&to=" + to);
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("counted-through")).isPresent();
    Map<String, Long> exported = new HashMap<>();
    for (String line : export.body().split("\n")) {
      JsonObject row = new JsonObject(line);
      exported.merge(row.getString("accountId"), row.getLong("bytes"), Long::sum);
    }
    Map<String, Long> wanted = new HashMap<>();
    expected.forEach((account, sums) -> wanted.put(account, sums[0]));
    assertThat(exported).isEqualTo(wanted);
    JsonObject top = stack.getJson(otherPort, "/v1/usage/top?from=" + from + "&to=" + to + "&limit=1");
    assertThat(top.getString("countedThrough")).isNotNull();
    String heaviest = wanted.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertThat(top.getJsonArray("accounts").getJsonObject(0).getString("accountId")).isEqualTo(heaviest);
    assertThat(stack.queueDepth(stack.sqs.getQueueUrl(r -> r.queueName(names.dlq())).queueUrl())).isZero();

    // The logs of the hour not written yet are listed from the fold's periods, page after page, each
    // message once; those of yesterday, late for the fold, from the ledger's pages.
    String account = accounts.get(0);
    List<String> listedIds = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = stack.getJson(otherPort, "/v1/accounts/" + account + "/logs?limit=7"
          + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      page.getJsonArray("records").forEach(r -> listedIds.add(((JsonObject) r).getString("messageId")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    assertThat(listedIds).as("every message of %s listed once", account).doesNotHaveDuplicates()
        .hasSize((int) expected.get(account)[1]);
    String newest = listedIds.get(0);
    JsonObject one = stack.getJson(otherPort, "/v1/accounts/" + account + "/logs/" + newest);
    assertThat(one.getString("messageId")).isEqualTo(newest);
    assertThat(one.getString("logData")).startsWith("line ");
  }

  private static JsonObject fold(Names names, int port) {
    return stack.config(names, port).put("ledger", "fold").put("foldQueueName", names.queue() + "-fold")
        .put("foldPeriodMillis", 200).put("foldLeaseSeconds", 6);
  }

  private static int owner(int port) {
    return (int) stack.metricIfUp(port, "logmeter_fold_owner");
  }

  private static boolean cached(int port, String account, long[] want) {
    try {
      JsonObject cached = stack.getJson(port, "/v1/accounts/" + account + "/usage");
      return cached.getLong("bytes") == want[0] && cached.getLong("messages") == want[1];
    } catch (Exception e) {
      return false;
    }
  }

  private static Instant countedThrough(int port, String account) {
    try {
      return Instant.parse(stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true")
          .getString("countedThrough"));
    } catch (Exception e) {
      return Instant.EPOCH;
    }
  }

  /**
   * {@code n} messages: raw ones (billed to the hour they are sent in), SNS envelopes of now, a tenth
   * of them delivered twice, some of yesterday (late: their hour was written long ago), and the
   * malformed bodies, never billed.
   */
  private static List<String> bodies(Random random, List<String> accounts, Map<String, long[]> expected, int n,
      Instant yesterday) {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String account = accounts.get(random.nextInt(accounts.size()));
      String logData = "line " + i + " " + "x".repeat(random.nextInt(200));
      long[] sums = expected.computeIfAbsent(account, k -> new long[2]);
      sums[0] += logData.getBytes(StandardCharsets.UTF_8).length;
      sums[1]++;
      int kind = random.nextInt(10);
      if (kind < 5) {
        bodies.add(Messages.raw(account, logData));
      } else {
        Instant time = kind == 9 ? yesterday.plusSeconds(random.nextInt(3600)) : Instant.now();
        String body = Messages.envelope(UUID.randomUUID().toString(), time, account, logData);
        bodies.add(body);
        if (kind == 8) {
          bodies.add(body);
        }
      }
    }
    bodies.addAll(Messages.malformed());
    java.util.Collections.shuffle(bodies, random);
    return bodies;
  }
}
