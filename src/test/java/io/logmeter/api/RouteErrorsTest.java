package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error a request of the client's making gets, by route: its status, its JSON body and its
 * code (docs/api.md, "Errors"), checked against the OpenAPI contract where the operation is known.
 */
@ExtendWith(VertxExtension.class)
class RouteErrorsTest extends RouteTest {

  private static final String KEY = "key-with-every-scope";
  private static final String USAGE_KEY = "key-that-reads-usage";
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String USAGE = "/v1/accounts/" + ACCOUNT + "/usage";
  private static final String DAILY = "/v1/accounts/" + ACCOUNT + "/usage/daily";
  private static final String LOGS = "/v1/accounts/" + ACCOUNT + "/logs";
  private static final String LOG = "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"x\"}";

  /** A request, and the error it gets. */
  record Refusal(String operationId, HttpMethod method, String uri, String key, Map<String, String> headers,
      Buffer body, int status, String code) {

    @Override
    public String toString() {
      String request = method + " " + (uri.length() > 90 ? uri.substring(0, 90) + "…" : uri);
      String shown = body == null ? "" : " " + body.toString(StandardCharsets.UTF_8);
      return request + (shown.length() > 60 ? shown.substring(0, 60) + "…" : shown) + " → " + status + " " + code;
    }
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    ApiKeys keys = ApiRig.keys(Map.of(KEY, Set.of(ApiKeys.USAGE_READ, ApiKeys.LOGS_READ, ApiKeys.LOGS_WRITE),
        USAGE_KEY, Set.of(ApiKeys.USAGE_READ)));
    serve(vertx, test, keys);
  }

  static Stream<Refusal> badParameters() {
    return Stream.of(
        get("getUsage", "/v1/accounts/not-a-uuid/usage", "invalid_account_id"),
        get("getUsage", "/v1/accounts/6f1c9a528a8e4a539d8f1c2b3a4d5e6f/usage", "invalid_account_id"),
        get("getUsage", USAGE + "?from=2026-13-01", "invalid_date"),
        get("getUsage", USAGE + "?to=2026-02-29", "invalid_date"),
        get("getUsage", USAGE + "?from=2026-1-01", "invalid_date"),
        get("getUsage", USAGE + "?from=2026-11-02&to=2026-11-01", "invalid_range"),
        get("getUsage", USAGE + "?consistent=yes", "invalid_parameter"),
        get("getUsage", USAGE + "?consistent=true&consistent=true", "invalid_parameter"),
        get("getUsage", USAGE + "?from=2026-11-01&from=2026-11-02", "invalid_parameter"),
        get("getDailyUsage", "/v1/accounts/ACCOUNT/usage/daily?from=2026-11-01&to=2026-11-30", "invalid_account_id"),
        get("getDailyUsage", DAILY, "missing_parameter"),
        get("getDailyUsage", DAILY + "?from=2026-11-01", "missing_parameter"),
        get("getDailyUsage", DAILY + "?to=2026-11-30", "missing_parameter"),
        get("getDailyUsage", DAILY + "?from=2026-11-01&to=2026-11-31", "invalid_date"),
        get("getDailyUsage", DAILY + "?from=2026-12-01&to=2026-11-30", "invalid_range"),
        get("getDailyUsage", DAILY + "?from=2024-01-01&to=2025-01-01", "range_too_large"),
        get("getDailyUsage", DAILY + "?from=2026-11-01&to=2026-11-30&consistent=1", "invalid_parameter"),
        get("getDailyUsage", DAILY + "?from=2026-11-01&to=2026-11-30&to=2026-11-30", "invalid_parameter"),
        get("exportUsage", "/v1/usage", "missing_parameter"),
        get("exportUsage", "/v1/usage?from=2026-11-01", "missing_parameter"),
        get("exportUsage", "/v1/usage?from=2026-11-01&to=2026-11-00", "invalid_date"),
        get("exportUsage", "/v1/usage?from=2026-11-02&to=2026-11-01", "invalid_range"),
        get("exportUsage", "/v1/usage?from=2020-01-01&to=2026-01-01", "range_too_large"),
        get("exportUsage", "/v1/usage?from=2026-11-01&to=2026-11-30&granularity=week", "invalid_parameter"),
        get("exportUsage", "/v1/usage?from=2026-11-01&to=2026-11-30&granularity=day&granularity=day", "invalid_parameter"),
        get("exportUsage", "/v1/usage?from=2026-11-01&to=2026-11-30&consistent=TRUE", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?to=2026-11-30", "missing_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-31-12", "invalid_date"),
        get("topUsage", "/v1/usage/top?from=2026-12-01&to=2026-11-30", "invalid_range"),
        get("topUsage", "/v1/usage/top?from=2025-01-01&to=2026-01-02", "range_too_large"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&limit=0", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&limit=101", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&limit=ten", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&limit=99999999999", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&limit=5&limit=5", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&by=size", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&by=bytes&by=messages", "invalid_parameter"),
        get("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30&consistent=no", "invalid_parameter"),
        get("listLogs", "/v1/accounts/x/logs", "invalid_account_id"),
        get("listLogs", LOGS + "?limit=0", "invalid_parameter"),
        get("listLogs", LOGS + "?limit=101", "invalid_parameter"),
        get("listLogs", LOGS + "?limit=-1", "invalid_parameter"),
        get("listLogs", LOGS + "?cursor=bm90LWEtY3Vyc29y", "invalid_cursor"), // "not-a-cursor"
        get("listLogs", LOGS + "?cursor=MjAyNi0xMy00MFQ5OSMxIzI", "invalid_cursor"), // "2026-13-40T99#1#2": no such hour
        get("listLogs", LOGS + "?cursor=MjAyNi0xMS0yMVQxMCMx", "invalid_cursor"), // "2026-11-21T10#1": a part short
        get("listLogs", LOGS + "?cursor=!!!", "invalid_cursor"),
        get("listLogs", LOGS + "?cursor=MjAyNi0xMS0yMVQxMCMxIzI&cursor=MjAyNi0xMS0yMVQxMCMxIzI", "invalid_parameter"),
        get("getLog", "/v1/accounts/nope/logs/m-1", "invalid_account_id"),
        get("getLog", LOGS + "/" + "x".repeat(129), "invalid_message_id"),
        get("getLog", LOGS + "/a%20b", "invalid_message_id"),
        get("getLog", LOGS + "/m%C3%A9", "invalid_message_id"),
        get("getLog", LOGS + "/m-1?at=yesterday", "invalid_parameter"),
        get("getLog", LOGS + "/m-1?at=2026-11-21", "invalid_parameter"),
        get("getLog", LOGS + "/m-1?at=%2B10000-01-01T00:00:00Z", "invalid_parameter"));
  }

  static Stream<Refusal> badBodies() {
    String batchOfEleven = "[" + (LOG + ",").repeat(10) + LOG + "]";
    return Stream.of(
        post("{not json", "invalid_json"),
        post("42", "invalid_json"),
        post("null", "invalid_json"),
        post("\"a log\"", "invalid_json"),
        post("", "invalid_json"),
        post(LOG + " {}", "invalid_json"),
        post("[" + LOG + ",\"x\"]", "invalid_json"),
        post("[]", "invalid_batch"),
        post(batchOfEleven, "invalid_batch"),
        post("{\"accountId\":\"nope\",\"logData\":\"x\"}", "invalid_account_id"),
        post("{\"logData\":\"x\"}", "invalid_account_id"),
        post("{\"accountId\":42,\"logData\":\"x\"}", "invalid_account_id"),
        post("[" + LOG + ",{\"accountId\":\"" + ACCOUNT + "0\",\"logData\":\"x\"}]", "invalid_account_id"),
        post("{\"accountId\":\"" + ACCOUNT + "\"}", "invalid_log_data"),
        post("{\"accountId\":\"" + ACCOUNT + "\",\"logData\":null}", "invalid_log_data"),
        post("{\"accountId\":\"" + ACCOUNT + "\",\"logData\":5}", "invalid_log_data"),
        post("{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"\\ud800\"}", "invalid_log_data"),
        postAs("text/plain", LOG, 415, "unsupported_media_type"),
        postAs(null, LOG, 415, "unsupported_media_type"),
        postAs("application/x-www-form-urlencoded", LOG, 415, "unsupported_media_type"),
        postAs("application/json", "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"" + "x".repeat(270_000) + "\"}",
            413, "payload_too_large"),
        new Refusal("postLogs", HttpMethod.POST, "/v1/logs", null, Map.of("Content-Type", "application/json"),
            Buffer.buffer("x".repeat(300_000)), 413, "payload_too_large"));
  }

  static Stream<Refusal> badRequests() {
    Map<String, String> none = Map.of();
    return Stream.of(
        new Refusal("getUsage", HttpMethod.GET, USAGE, null, none, null, 401, "unauthorized"),
        new Refusal("getUsage", HttpMethod.GET, USAGE, "not-a-key", none, null, 401, "unauthorized"),
        new Refusal("getUsage", HttpMethod.GET, USAGE, null, Map.of("Authorization", "Basic " + KEY), null, 401,
            "unauthorized"),
        new Refusal("getUsage", HttpMethod.GET, "/v1/accounts/not-a-uuid/usage", null, none, null, 401, "unauthorized"),
        new Refusal("postLogs", HttpMethod.POST, "/v1/logs", null, Map.of("Content-Type", "application/json"),
            Buffer.buffer(LOG), 401, "unauthorized"),
        new Refusal("listLogs", HttpMethod.GET, LOGS, USAGE_KEY, none, null, 403, "forbidden"),
        new Refusal("postLogs", HttpMethod.POST, "/v1/logs", USAGE_KEY, Map.of("Content-Type", "application/json"),
            Buffer.buffer(LOG), 403, "forbidden"),
        get("getUsage", "/v1/accounts/%zz/usage", 400, "bad_request"),
        get("getUsage", USAGE + "?from=%E0%A4%A", 400, "bad_request"),
        get("exportUsage", "/v1/usage?from=2026-11-01&to=%", 400, "bad_request"),
        get(null, "/nowhere", 404, "not_found"),
        get(null, USAGE + "/weekly", 404, "not_found"),
        new Refusal(null, HttpMethod.GET, "/v1/accounts", null, none, null, 404, "not_found"),
        new Refusal(null, HttpMethod.GET, "/v1/logs", KEY, none, null, 405, "method_not_allowed"),
        new Refusal(null, HttpMethod.DELETE, USAGE, KEY, none, null, 405, "method_not_allowed"),
        new Refusal(null, HttpMethod.POST, "/v1/usage/top", KEY, none, null, 405, "method_not_allowed"),
        new Refusal(null, HttpMethod.PUT, LOGS + "/m-1", KEY, none, null, 405, "method_not_allowed"),
        new Refusal("exportUsage", HttpMethod.GET, "/v1/usage?from=2026-11-01&to=2026-11-30", KEY,
            Map.of("Accept", "text/html"), null, 406, "not_acceptable"),
        new Refusal("exportUsage", HttpMethod.GET, "/v1/usage?from=2026-11-01&to=2026-11-30", KEY,
            Map.of("Accept", "application/xml, text/plain;q=0.5"), null, 406, "not_acceptable"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badParameters")
  void aBadParameterIsRefusedWithItsCode(Refusal refusal, VertxTestContext test) {
    expect(refusal, test);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void aBadBodyIsRefusedWithItsCodeAndNothingIsPublished(Refusal refusal, VertxTestContext test) {
    expect(refusal, test);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void aRequestWithoutTheRightKeyMethodPathOrMediaTypeIsRefused(Refusal refusal, VertxTestContext test) {
    expect(refusal, test);
  }

  private void expect(Refusal refusal, VertxTestContext test) {
    api.send(refusal.method(), refusal.uri(), refusal.key(), refusal.headers(), refusal.body())
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).as(answer.body()).isEqualTo(refusal.status());
          assertThat(answer.header("content-type")).isEqualTo("application/json");
          assertThat(answer.json().getString("error")).isEqualTo(refusal.code());
          assertThat(answer.json().getString("message")).isNotBlank();
          assertThat(answer.header("WWW-Authenticate"))
              .isEqualTo(refusal.status() == 401 ? "Bearer realm=\"logmeter\"" : null);
          assertThat(fakes.topic.published).isEmpty();
          if (refusal.operationId() == null) {
            test.completeNow();
          } else {
            contract.allows(refusal.operationId(), answer.status(), answer.header("content-type"), answer.body())
                .onComplete(test.succeedingThenComplete());
          }
        })));
  }

  private static Refusal get(String operationId, String uri, String code) {
    return get(operationId, uri, 400, code);
  }

  private static Refusal get(String operationId, String uri, int status, String code) {
    return new Refusal(operationId, HttpMethod.GET, uri, KEY, Map.of(), null, status, code);
  }

  private static Refusal post(String json, String code) {
    return postAs("application/json; charset=utf-8", json, 400, code);
  }

  private static Refusal postAs(String contentType, String body, int status, String code) {
    return new Refusal("postLogs", HttpMethod.POST, "/v1/logs", KEY,
        contentType == null ? Map.of() : Map.of("Content-Type", contentType), Buffer.buffer(body), status, code);
  }
}
