package io.logmeter.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.server.Service;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bulk export against a real service on the emulators: 3,000 accounts with usage on days in
 * three calendar months, each account's line checked against its own per-account GET and against
 * the ground truth, in NDJSON, in CSV, per day and per month; and the walk's memory bounded by its
 * page size, not by the number of accounts.
 */
class UsageExportTest {

  private static final int ACCOUNTS = 3000;
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static final LocalDate FROM = TODAY.minusDays(50);

  private static TestStack stack;
  private static Service service;
  private static int port;
  /** Ground truth: per account, per day, bytes and messages. */
  private static final Map<String, TreeMap<LocalDate, long[]>> truth = new TreeMap<>();
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    Names names = Names.fresh();
    port = TestStack.freePort();
    service = stack.start(stack.config(names, port));
    List<String> bodies = new ArrayList<>();
    int[] offsets = {0, 1, 20, 35, 49, 60}; // 60 days back is outside the range: exported by no line
    for (int i = 0; i < ACCOUNTS; i++) {
      String account = UUID.randomUUID().toString();
      for (int k = 0; k <= i % 4; k++) {
        int back = offsets[(i + k) % offsets.length];
        LocalDate day = TODAY.minusDays(back);
        String logData = "line " + i + "/" + k + " ✓";
        bodies.add(Messages.envelope(UUID.randomUUID().toString(), day.atStartOfDay(ZoneOffset.UTC).toInstant()
            .plusSeconds(3600L * (i % 24)), account, logData));
        if (!day.isBefore(FROM)) {
          long[] usage = truth.computeIfAbsent(account, a -> new TreeMap<>()).computeIfAbsent(day, d -> new long[2]);
          usage[0] += logData.getBytes(StandardCharsets.UTF_8).length;
          usage[1]++;
        }
      }
    }
    stack.sendAll(names.queueUrl(stack), bodies);
    TestStack.await(Duration.ofSeconds(120), bodies.size() + " messages counted",
        () -> stack.metricIfUp(port, "logmeter_messages_accepted_total") == bodies.size());
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stop(service);
  }

  @Test
  void everyAccountIsExportedOnceWithExactlyItsOwnUsage() throws Exception {
    HttpResponse<String> export = get("/v1/usage?from=" + FROM + "&to=" + TODAY, "application/x-ndjson");
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    List<String> order = new ArrayList<>();
    Map<String, JsonObject> lines = new TreeMap<>();
    for (String line : export.body().split("\n")) {
      JsonObject json = new JsonObject(line);
      order.add(json.getString("accountId"));
      assertThat(lines.put(json.getString("accountId"), json)).as("listed once").isNull();
    }
    assertThat(lines.keySet()).isEqualTo(truth.keySet());
    assertThat(order).as("sorted by account").isSorted();
    for (Map.Entry<String, JsonObject> e : lines.entrySet()) {
      long[] expected = sum(truth.get(e.getKey()));
      assertThat(new long[] {e.getValue().getLong("bytes"), e.getValue().getLong("messages")})
          .as(e.getKey()).containsExactly(expected);
    }
    // And the same numbers as each account's own GET, read independently.
    Map<String, long[]> own = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> reads = new ArrayList<>();
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(16);
    for (String account : lines.keySet()) {
      window.acquire();
      reads.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/accounts/" + account
              + "/usage?from=" + FROM + "&to=" + TODAY)).build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, f) -> window.release())
          .thenAccept(r -> {
            JsonObject json = new JsonObject(r.body());
            own.put(account, new long[] {json.getLong("bytes"), json.getLong("messages")});
          }));
    }
    CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    for (Map.Entry<String, JsonObject> e : lines.entrySet()) {
      assertThat(own.get(e.getKey())).as("GET of " + e.getKey())
          .containsExactly(e.getValue().getLong("bytes"), e.getValue().getLong("messages"));
    }
  }

  @Test
  void csvPerDayAndPerMonthAddUpToTheSameUsage() throws Exception {
    HttpResponse<String> days = get("/v1/usage?from=" + FROM + "&to=" + TODAY + "&granularity=day", "text/csv");
    assertThat(days.statusCode()).isEqualTo(200);
    assertThat(days.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
    String[] rows = days.body().split("\n");
    assertThat(rows[0]).isEqualTo("accountId,from,to,bytes,messages");
    Map<String, TreeMap<LocalDate, long[]>> exported = new TreeMap<>();
    for (int i = 1; i < rows.length; i++) {
      String[] f = rows[i].split(",");
      assertThat(f[1]).as("a day per line").isEqualTo(f[2]);
      exported.computeIfAbsent(f[0], a -> new TreeMap<>()).put(LocalDate.parse(f[1]),
          new long[] {Long.parseLong(f[3]), Long.parseLong(f[4])});
    }
    assertThat(exported.keySet()).isEqualTo(truth.keySet());
    for (String account : truth.keySet()) {
      assertThat(exported.get(account).keySet()).isEqualTo(truth.get(account).keySet());
      truth.get(account).forEach((day, usage) -> assertThat(exported.get(account).get(day)).containsExactly(usage));
    }

    HttpResponse<String> months = get("/v1/usage?from=" + FROM + "&to=" + TODAY + "&granularity=month", null);
    Map<String, long[]> perAccount = new TreeMap<>();
    for (String line : months.body().split("\n")) {
      JsonObject json = new JsonObject(line);
      LocalDate from = LocalDate.parse(json.getString("from"));
      LocalDate to = LocalDate.parse(json.getString("to"));
      assertThat(from.withDayOfMonth(1)).as("one month per line").isEqualTo(to.withDayOfMonth(1));
      assertThat(from).isAfterOrEqualTo(FROM);
      assertThat(to).isBeforeOrEqualTo(TODAY);
      long[] sum = perAccount.computeIfAbsent(json.getString("accountId"), a -> new long[2]);
      sum[0] += json.getLong("bytes");
      sum[1] += json.getLong("messages");
    }
    assertThat(perAccount.keySet()).isEqualTo(truth.keySet());
    perAccount.forEach((account, sum) -> assertThat(sum).as(account).containsExactly(sum(truth.get(account))));
  }

  @Test
  void theWalkHoldsAPagePerMonthWhateverTheNumberOfAccounts() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      UsageStore store = new UsageStore(service.aws().dynamo(), service.config().stack().usageTable());
      int pageKeys = 40; // far fewer than the ~190 accounts of each of the 16 index partitions of a month
      UsageExport export = new UsageExport(service.aws().dynamo(), service.config().stack().usageTable(), store,
          (from, to) -> new java.util.TreeSet<>(), context, pageKeys, 4);
      List<String> walked = new ArrayList<>();
      CompletableFuture<UsageExport.Walk> done = new CompletableFuture<>();
      context.runOnContext(v -> export.walk(FROM, TODAY, false, account -> {
        walked.add(account.accountId());
        assertThat(account.total().messages()).isEqualTo(sum(truth.get(account.accountId()))[1]);
        return Future.succeededFuture();
      }).onComplete(r -> {
        if (r.succeeded()) {
          done.complete(r.result());
        } else {
          done.completeExceptionally(r.cause());
        }
      }));
      UsageExport.Walk walk = done.get(120, TimeUnit.SECONDS);
      assertThat(walked).isEqualTo(new ArrayList<>(truth.keySet()));
      long months = ChronoUnit.MONTHS.between(FROM.withDayOfMonth(1), TODAY.withDayOfMonth(1)) + 1;
      assertThat(walk.accounts()).isEqualTo(ACCOUNTS - accountsOnlyOutsideTheRange());
      assertThat(walk.maxHeldKeys()).as("keys held at once").isLessThanOrEqualTo((int) months * pageKeys);
      assertThat(walk.indexQueries()).as("pages were cut short and read on").isGreaterThan(16 * months);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEmptyPeriodExportsNothingAndBadRequestsGetTheirErrors() throws Exception {
    LocalDate past = LocalDate.of(2001, 1, 1);
    HttpResponse<String> empty = get("/v1/usage?from=" + past + "&to=" + past.plusDays(3), "text/csv");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEqualTo("accountId,from,to,bytes,messages\n");
    assertThat(get("/v1/usage?from=" + past + "&to=" + past.plusDays(3), null).body()).isEmpty();
    assertThat(get("/v1/usage?from=" + past, null).statusCode()).isEqualTo(400);
    assertThat(get("/v1/usage?from=" + past + "&to=" + past.plusDays(400), null).body()).contains("range_too_large");
    assertThat(get("/v1/usage?from=" + past + "&to=" + past + "&granularity=week", null).body())
        .contains("invalid_parameter");
    HttpResponse<String> xml = get("/v1/usage?from=" + past + "&to=" + past, "application/xml");
    assertThat(xml.statusCode()).isEqualTo(406);
    assertThat(new JsonObject(xml.body()).getString("error")).isEqualTo("not_acceptable");
    JsonObject top = new JsonObject(get("/v1/usage/top?from=" + FROM + "&to=" + TODAY + "&limit=5", null).body());
    assertThat(top.getLong("accountsWithUsage")).isEqualTo(truth.size());
    List<Map.Entry<String, long[]>> expected = new ArrayList<>();
    truth.forEach((account, days) -> expected.add(Map.entry(account, sum(days))));
    expected.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
        : a.getKey().compareTo(b.getKey()));
    for (int i = 0; i < 5; i++) {
      JsonObject row = top.getJsonArray("accounts").getJsonObject(i);
      assertThat(row.getString("accountId")).isEqualTo(expected.get(i).getKey());
      assertThat(row.getLong("bytes")).isEqualTo(expected.get(i).getValue()[0]);
    }
  }

  private static long accountsOnlyOutsideTheRange() {
    return ACCOUNTS - truth.size();
  }

  private static long[] sum(TreeMap<LocalDate, long[]> days) {
    long[] sum = new long[2];
    days.values().forEach(u -> {
      sum[0] += u[0];
      sum[1] += u[1];
    });
    return sum;
  }

  private static HttpResponse<String> get(String pathAndQuery, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(120));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
