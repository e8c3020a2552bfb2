package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.server.Launcher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API against a running service and the real emulators; every response checked against the contract. */
class ApiTest {

  private static TestStack stack;
  private static int port;
  private static Contract contract;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    port = TestStack.freePort();
    stack.start(stack.config(Names.fresh(), port));
    contract = new Contract();
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServices();
    contract.close();
  }

  @Test
  void logsPostedOverHttpAreCountedAndReadBackNewestFirstPageByPage() throws Exception {
    String account = UUID.randomUUID().toString();
    HttpResponse<String> single = post("/v1/logs", new JsonObject().put("accountId", account.toUpperCase())
        .put("logData", "first ✓").encode());
    assertThat(single.statusCode()).isEqualTo(202);
    matches("postLogs", single);
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 4; i++) {
      batch.add(new JsonObject().put("accountId", account).put("logData", "line " + i));
    }
    HttpResponse<String> many = post("/v1/logs", batch.encode());
    assertThat(many.statusCode()).isEqualTo(202);
    matches("postLogs", many);
    List<String> ids = new ArrayList<>();
    ids.add(new JsonObject(single.body()).getString("messageId"));
    new JsonObject(many.body()).getJsonArray("messageIds").forEach(id -> ids.add((String) id));

    TestStack.await(Duration.ofSeconds(30), "5 messages counted", () -> messages(account) == 5);
    TestStack.await(Duration.ofSeconds(10), "5 messages indexed", () -> listAll(account, 10).size() == 5);

    HttpResponse<String> usage = stack.get(port, "/v1/accounts/" + account + "/usage?consistent=true");
    matches("getUsage", usage);
    assertThat(new JsonObject(usage.body()).getLong("bytes")).isEqualTo("first ✓".getBytes(
        java.nio.charset.StandardCharsets.UTF_8).length + 4 * 6);

    HttpResponse<String> one = stack.get(port, "/v1/accounts/" + account + "/logs/" + ids.get(0));
    assertThat(one.statusCode()).isEqualTo(200);
    matches("getLog", one);
    assertThat(new JsonObject(one.body()).getString("logData")).isEqualTo("first ✓");
    assertThat(new JsonObject(one.body()).getString("accountId")).isEqualTo(account);
    // Told its event time, the search goes straight to its hour; an hour without it has no such record.
    String eventTime = new JsonObject(one.body()).getString("eventTime");
    HttpResponse<String> atItsTime = stack.get(port, "/v1/accounts/" + account + "/logs/" + ids.get(0) + "?at=" + eventTime);
    assertThat(atItsTime.statusCode()).isEqualTo(200);
    matches("getLog", atItsTime);
    assertThat(new JsonObject(atItsTime.body()).getString("logData")).isEqualTo("first ✓");
    String hourBefore = Instant.parse(eventTime).minusSeconds(3600).toString();
    expectError(stack.get(port, "/v1/accounts/" + account + "/logs/" + ids.get(0) + "?at=" + hourBefore), 404,
        "not_found", "getLog");
    expectError(stack.get(port, "/v1/accounts/" + account + "/logs/" + ids.get(0) + "?at=yesterday"), 400,
        "invalid_parameter", "getLog");

    List<JsonObject> pagedByTwo = listAll(account, 2);
    assertThat(pagedByTwo).extracting(r -> r.getString("messageId")).containsExactlyInAnyOrderElementsOf(ids);
    for (int i = 1; i < pagedByTwo.size(); i++) {
      assertThat(Instant.parse(pagedByTwo.get(i - 1).getString("eventTime")))
          .isAfterOrEqualTo(Instant.parse(pagedByTwo.get(i).getString("eventTime")));
    }

    String stranger = UUID.randomUUID().toString();
    HttpResponse<String> notTheirs = stack.get(port, "/v1/accounts/" + stranger + "/logs/" + ids.get(0));
    assertThat(notTheirs.statusCode()).isEqualTo(404);
    matches("getLog", notTheirs);
    HttpResponse<String> none = stack.get(port, "/v1/accounts/" + stranger + "/logs");
    matches("listLogs", none);
    assertThat(new JsonObject(none.body()).getJsonArray("records")).isEmpty();
    assertThat(new JsonObject(none.body()).getValue("nextCursor")).isNull();
  }

  @Test
  void dailyUsageAndOperationalEndpointsMatchTheContract() throws Exception {
    String account = UUID.randomUUID().toString();
    HttpResponse<String> daily = stack.get(port, "/v1/accounts/" + account + "/usage/daily?from=2026-11-01&to=2026-11-03");
    matches("getDailyUsage", daily);
    assertThat(new JsonObject(daily.body()).getJsonArray("days")).hasSize(3);
    matches("getUsage", stack.get(port, "/v1/accounts/" + account + "/usage?from=2026-11-01"));
    matches("live", stack.get(port, "/health/live"));
    matches("ready", stack.get(port, "/health/ready"));
    HttpResponse<String> spec = stack.get(port, "/openapi.yaml");
    assertThat(spec.statusCode()).isEqualTo(200);
    assertThat(spec.body()).startsWith("openapi: 3.1.0");
  }

  @Test
  void badRequestsGetTheirStatusAndAJsonError() throws Exception {
    String account = UUID.randomUUID().toString();
    expectError(stack.get(port, "/v1/accounts/not-a-uuid/usage"), 400, "invalid_account_id", "getUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/usage?from=2026-13-01"), 400, "invalid_date",
        "getUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/usage?from=2026-02-30"), 400, "invalid_date",
        "getUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/usage?from=2026-11-02&to=2026-11-01"), 400,
        "invalid_range", "getUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/usage?consistent=yes"), 400, "invalid_parameter",
        "getUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/usage/daily?from=2026-11-01"), 400,
        "missing_parameter", "getDailyUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/usage/daily?from=2020-01-01&to=2026-01-01"), 400,
        "range_too_large", "getDailyUsage");
    expectError(stack.get(port, "/v1/accounts/" + account + "/logs?limit=0"), 400, "invalid_parameter", "listLogs");
    expectError(stack.get(port, "/v1/accounts/" + account + "/logs?cursor=bm90LWEtY3Vyc29y"), 400,
        "invalid_cursor", "listLogs");
    expectError(stack.get(port, "/v1/accounts/" + account + "/logs/" + "x".repeat(129)), 400,
        "invalid_message_id", "getLog");
    expectError(stack.get(port, "/v1/accounts/" + account + "/logs/" + UUID.randomUUID()), 404, "not_found",
        "getLog");
    expectError(stack.get(port, "/nowhere"), 404, "not_found", null);
    expectError(send(HttpRequest.newBuilder(uri("/v1/accounts/" + account + "/usage"))
        .DELETE().build()), 405, "method_not_allowed", null);

    String valid = new JsonObject().put("accountId", account).put("logData", "x").encode();
    expectError(send(HttpRequest.newBuilder(uri("/v1/logs")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(valid)).build()), 415, "unsupported_media_type", "postLogs");
    expectError(post("/v1/logs", "{not json"), 400, "invalid_json", "postLogs");
    expectError(post("/v1/logs", "42"), 400, "invalid_json", "postLogs");
    expectError(post("/v1/logs", valid + " {}"), 400, "invalid_json", "postLogs");
    expectError(post("/v1/logs", "[]"), 400, "invalid_batch", "postLogs");
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add(new JsonObject(valid));
    }
    expectError(post("/v1/logs", eleven.encode()), 400, "invalid_batch", "postLogs");
    expectError(post("/v1/logs", "{\"accountId\":\"nope\",\"logData\":\"x\"}"), 400, "invalid_account_id",
        "postLogs");
    expectError(post("/v1/logs", "{\"accountId\":\"" + account + "\",\"logData\":5}"), 400, "invalid_log_data",
        "postLogs");
    expectError(post("/v1/logs", "{\"accountId\":\"" + account + "\",\"logData\":\"\\ud800\"}"), 400,
        "invalid_log_data", "postLogs");
    expectError(post("/v1/logs", new JsonObject().put("accountId", account).put("logData", "x".repeat(300_000))
        .encode()), 413, "payload_too_large", "postLogs");
  }

  @Test
  void apiKeysAreRequiredAndScoped() throws Exception {
    String readUsage = "lm_" + UUID.randomUUID();
    String writeLogs = "lm_" + UUID.randomUUID();
    String keys = "billing:usage:read:" + hash(readUsage) + ",ingest:logs:write:" + hash(writeLogs);
    int securedPort = TestStack.freePort();
    stack.start(stack.config(Names.fresh(), securedPort).put("authDisabled", false).put("apiKeys", keys));
    String usage = "http://127.0.0.1:" + securedPort + "/v1/accounts/" + UUID.randomUUID() + "/usage";

    HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(usage)).build());
    expectError(anonymous, 401, "unauthorized", "getUsage");
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"logmeter\"");
    expectError(send(HttpRequest.newBuilder(URI.create(usage)).header("Authorization", "Bearer wrong").build()), 401,
        "unauthorized", "getUsage");
    HttpResponse<String> allowed = send(HttpRequest.newBuilder(URI.create(usage))
        .header("Authorization", "Bearer " + readUsage).build());
    assertThat(allowed.statusCode()).isEqualTo(200);
    expectError(send(HttpRequest.newBuilder(URI.create(usage.replace("/usage", "/logs")))
        .header("Authorization", "Bearer " + readUsage).build()), 403, "forbidden", "listLogs");
    HttpResponse<String> posted = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + securedPort + "/v1/logs"))
        .header("Authorization", "Bearer " + writeLogs).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"accountId\":\"" + UUID.randomUUID() + "\",\"logData\":\"k\"}"))
        .build());
    assertThat(posted.statusCode()).isEqualTo(202);
    assertThat(stack.get(securedPort, "/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void serveRefusesToStartWithoutKeysUnlessToldExplicitly() {
    JsonObject config = stack.config(Names.fresh(), TestStack.freePort()).put("authDisabled", false);
    assertThatThrownBy(() -> Launcher.launch(config, Map.of())).hasStackTraceContaining("no API keys configured");
    assertThatThrownBy(() -> Launcher.launch(config.copy().put("apiKeys", "broken"), Map.of()))
        .hasStackTraceContaining("API key entry 1 is not name:scope+scope:sha256hex");
  }

  static String hash(String key) {
    return HexFormat.of().formatHex(ApiKeys.sha256(key));
  }

  private List<JsonObject> listAll(String account, int limit) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    try {
      do {
        HttpResponse<String> page = stack.get(port, "/v1/accounts/" + account + "/logs?limit=" + limit
            + (cursor == null ? "" : "&cursor=" + cursor));
        matches("listLogs", page);
        JsonObject body = new JsonObject(page.body());
        body.getJsonArray("records").forEach(r -> all.add((JsonObject) r));
        assertThat(body.getJsonArray("records").size()).isLessThanOrEqualTo(limit);
        cursor = body.getString("nextCursor");
      } while (cursor != null);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return all;
  }

  private long messages(String account) {
    try {
      return stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true").getLong("messages");
    } catch (Exception e) {
      return -1;
    }
  }

  private static void expectError(HttpResponse<String> response, int status, String code, String operationId) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getString("message")).isNotBlank();
    if (operationId != null) {
      matches(operationId, response);
    }
  }

  /** The response is one the OpenAPI contract allows for this operation. */
  static void matches(String operationId, HttpResponse<String> response) {
    contract.check(operationId, response.statusCode(), response.headers().firstValue("content-type").orElse(null),
        response.body());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return stack.http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
