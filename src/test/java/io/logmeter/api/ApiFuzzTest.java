package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed paths, account ids, message ids, dates, query strings, headers, API keys and bodies,
 * and huge ones, sent over a raw socket so that even what no HTTP client library would send gets
 * through, to a service that requires API keys. Each generated request is a valid one with exactly
 * one thing wrong, so its answer is known: the status and the error code are checked exactly, the
 * body against the OpenAPI contract, and the read times out after 5 s: never a 500, never a hang.
 */
class ApiFuzzTest {

  private static final String[] BAD_ACCOUNTS = {"not-a-uuid", "6f1c9a52-8a8e-4a53-9d8f", "6f1c9a528a8e4a539d8f1c2b3a4d5e6f",
      "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6fa", "6g1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", "{6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f}",
      " 6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", "null", "-1", "0", "é", "🎉", "'", "\"", "<script>", "%00", "x".repeat(300),
      "99999999999999999999", ";", "*", "\\"};
  private static final String[] BAD_DATES = {"2026-13-01", "2026-02-30", "2025-02-29", "0000-00-00", "+10000-01-01",
      "2026-1-1", "20261101", "2026-11-01T00:00:00Z", "yesterday", "", " 2026-11-01", "2026-11-01 ", "٢٠٢٦-١١-٠١",
      "x".repeat(500)};
  private static final String[] BAD_FLAGS = {"yes", "1", "TRUE", "", "truee", "null"};
  private static final String[] BAD_LIMITS = {"0", "101", "-1", "abc", "1e3", "", "9999999999", " 5", "5.0"};
  private static final String[] BAD_CURSORS = {"", "not base64!!", "bm90LWEtY3Vyc29y", "x".repeat(2000), "%2F%2F",
      "MjAyNi0xMS0wMVQwMDowMDowMC4wMDBa"};
  private static final String[] BAD_MESSAGE_IDS = {"x".repeat(129), "a b", "é", "<script>", "a%00b", "'", "🎉",
      "a+b", "a,b", "{}"};
  private static final String[] BAD_AUTHORIZATIONS = {null, "Bearer", "Bearer ", "Basic abc", "Bearer wrong",
      "bearer ", "Bearer " + "k".repeat(5000), "Token abc"};
  private static final String[] NOT_JSON = {"", "{", "}", "[", "nul", "{\"accountId\":", "\u0000\u0001\u0002",
      "[".repeat(5000) + "]".repeat(5000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)};

  private static TestStack stack;
  private static int port;
  private static Contract contract;
  private static String allScopes;
  private static String usageOnly;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    port = TestStack.freePort();
    allScopes = "lm_" + UUID.randomUUID();
    usageOnly = "lm_" + UUID.randomUUID();
    String keys = "all:usage:read+logs:read+logs:write:" + sha256(allScopes) + ",billing:usage:read:" + sha256(usageOnly);
    stack.start(stack.config(Names.fresh(), port).put("authDisabled", false).put("apiKeys", keys));
    contract = new Contract();
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServices();
    contract.close();
  }

  /** A request with its one expected answer; {@code error} null for a success. */
  private record Case(String method, String target, List<String> headers, String body, int status, String error,
      String operationId) {
    String describe() {
      return method + " " + (target.length() > 200 ? target.substring(0, 200) + "…" : target) + " " + headers
          + (body.isEmpty() ? "" : " body " + (body.length() > 100 ? body.substring(0, 100) + "…" : body));
    }
  }

  @Test
  void everyRequestWithOneThingWrongGetsItsStatusAndErrorCode() throws Exception {
    Random random = new Random(20261202);
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < 800; i++) {
      Case c = generate(random);
      Answer answer = send(c.method() + " " + c.target() + " HTTP/1.1", c.headers(),
          c.body().getBytes(StandardCharsets.UTF_8));
      assertThat(answer.status).as("status of %s: %s", c.describe(), answer.body).isEqualTo(c.status());
      if (c.error() != null) {
        assertJsonError(answer, c.describe());
        assertThat(new JsonObject(answer.body).getString("error")).as("error of %s", c.describe()).isEqualTo(c.error());
      }
      if (c.operationId() != null) {
        contract.check(c.operationId(), answer.status, answer.contentType, answer.body);
      }
      seen.merge(c.status() + " " + (c.error() == null ? "ok" : c.error()), 1, Integer::sum);
    }
    // Every kind of answer came up: the generator reaches each check it claims to.
    assertThat(seen.keySet()).contains("200 ok", "202 ok", "400 invalid_account_id", "400 invalid_date",
        "400 invalid_range", "400 invalid_parameter", "400 missing_parameter", "400 range_too_large",
        "400 invalid_cursor", "400 invalid_message_id", "400 invalid_json", "400 invalid_batch",
        "400 invalid_log_data", "401 unauthorized", "403 forbidden", "404 not_found", "405 method_not_allowed",
        "406 not_acceptable", "413 payload_too_large", "415 unsupported_media_type");
  }

  private static Case generate(Random r) {
    String account = r.nextBoolean() ? UUID.randomUUID().toString() : UUID.randomUUID().toString().toUpperCase();
    return switch (r.nextInt(8)) {
      case 0 -> usage(r, account);
      case 1 -> daily(r, account);
      case 2 -> list(r, account);
      case 3 -> one(r, account);
      case 4 -> post(r, account);
      case 5 -> export(r);
      case 6 -> top(r);
      default -> elsewhere(r, account);
    };
  }

  /** The export streams NDJSON or CSV: its successes are checked by status here, by content in UsageExportTest. */
  private static Case export(Random r) {
    String path = "/v1/usage";
    LocalDate from = date(r);
    LocalDate to = from.plusDays(r.nextInt(366));
    String range = "?from=" + from + "&to=" + to;
    return switch (r.nextInt(9)) {
      case 0 -> get(path, "", r.nextBoolean() ? "?from=" + from : r.nextBoolean() ? "?to=" + to : "", 400,
          "missing_parameter", "exportUsage");
      case 1 -> get(path, "", "?from=" + encode(pick(r, BAD_DATES)) + "&to=" + to, 400, "invalid_date", "exportUsage");
      case 2 -> get(path, "", "?from=" + to.plusDays(1) + "&to=" + to, 400, "invalid_range", "exportUsage");
      case 3 -> get(path, "", "?from=" + from + "&to=" + from.plusDays(366 + r.nextInt(5000)), 400, "range_too_large",
          "exportUsage");
      case 4 -> get(path, "", range + "&granularity=" + encode(pick(r, new String[] {"week", "DAY", "", "days", "year"})),
          400, "invalid_parameter", "exportUsage");
      case 5 -> get(path, "", range + "&consistent=" + encode(pick(r, BAD_FLAGS)), 400, "invalid_parameter",
          "exportUsage");
      case 6 -> new Case("GET", path + range, List.of("Authorization: Bearer " + allScopes, "Accept: "
          + pick(r, new String[] {"application/xml", "text/html", "image/png", "text/plain"})), "", 406, "not_acceptable",
          "exportUsage");
      case 7 -> unauthorized(r, "GET", path + range, "exportUsage");
      default -> new Case("GET", path + range + (r.nextBoolean() ? "&granularity=" + pick(r, new String[] {"day", "month"})
          : ""), List.of("Authorization: Bearer " + usageOnly, "Accept: " + pick(r, new String[] {"text/csv",
          "application/x-ndjson", "*/*", "text/csv;q=0.9, application/json"})), "", 200, null, null);
    };
  }

  private static Case top(Random r) {
    String path = "/v1/usage/top";
    LocalDate from = date(r);
    String range = "?from=" + from + "&to=" + from.plusDays(r.nextInt(366));
    return switch (r.nextInt(6)) {
      case 0 -> get(path, "", "?from=" + from, 400, "missing_parameter", "topUsage");
      case 1 -> get(path, "", range + "&limit=" + encode(pick(r, BAD_LIMITS)), 400, "invalid_parameter", "topUsage");
      case 2 -> get(path, "", range + "&by=" + encode(pick(r, new String[] {"size", "BYTES", "", "accounts"})), 400,
          "invalid_parameter", "topUsage");
      case 3 -> get(path, "", "?from=" + encode(pick(r, BAD_DATES)) + "&to=" + from, 400, "invalid_date", "topUsage");
      case 4 -> unauthorized(r, "GET", path + range, "topUsage");
      default -> get(path, "", range + "&limit=" + (1 + r.nextInt(100)) + (r.nextBoolean() ? "&by=messages" : ""), 200,
          null, "topUsage");
    };
  }

  private static Case usage(Random r, String account) {
    String path = "/v1/accounts/{account}/usage";
    LocalDate from = date(r);
    LocalDate to = from.plusDays(r.nextInt(400));
    return switch (r.nextInt(8)) {
      case 0 -> get(path, badAccount(r), "", 400, "invalid_account_id", "getUsage");
      case 1 -> get(path, account, "?from=" + encode(pick(r, BAD_DATES)), 400, "invalid_date", "getUsage");
      case 2 -> get(path, account, "?from=" + from + "&to=" + encode(pick(r, BAD_DATES)), 400, "invalid_date", "getUsage");
      case 3 -> get(path, account, "?from=" + to.plusDays(1) + "&to=" + to, 400, "invalid_range", "getUsage");
      case 4 -> get(path, account, "?consistent=" + encode(pick(r, BAD_FLAGS)), 400, "invalid_parameter", "getUsage");
      case 5 -> get(path, account, "?from=" + from + "&from=" + to, 400, "invalid_parameter", "getUsage");
      case 6 -> unauthorized(r, "GET", path.replace("{account}", account), "getUsage");
      default -> get(path, account, r.nextBoolean() ? "" : "?from=" + from + "&to=" + to + "&consistent="
          + r.nextBoolean() + "&unknown=" + encode(pick(r, BAD_DATES)), 200, null, "getUsage");
    };
  }

  private static Case daily(Random r, String account) {
    String path = "/v1/accounts/{account}/usage/daily";
    LocalDate from = date(r);
    LocalDate to = from.plusDays(r.nextInt(366));
    String range = "?from=" + from + "&to=" + to;
    return switch (r.nextInt(8)) {
      case 0 -> get(path, badAccount(r), range, 400, "invalid_account_id", "getDailyUsage");
      case 1 -> get(path, account, r.nextBoolean() ? "?from=" + from : r.nextBoolean() ? "?to=" + to : "", 400,
          "missing_parameter", "getDailyUsage");
      case 2 -> get(path, account, "?from=" + encode(pick(r, BAD_DATES)) + "&to=" + to, 400, "invalid_date",
          "getDailyUsage");
      case 3 -> get(path, account, "?from=" + to.plusDays(1) + "&to=" + to, 400, "invalid_range", "getDailyUsage");
      case 4 -> get(path, account, "?from=" + from + "&to=" + from.plusDays(366 + r.nextInt(5000)), 400,
          "range_too_large", "getDailyUsage");
      case 5 -> get(path, account, range + "&consistent=" + encode(pick(r, BAD_FLAGS)), 400, "invalid_parameter",
          "getDailyUsage");
      case 6 -> unauthorized(r, "GET", path.replace("{account}", account) + range, "getDailyUsage");
      default -> get(path, account, range, 200, null, "getDailyUsage");
    };
  }

  private static Case list(Random r, String account) {
    String path = "/v1/accounts/{account}/logs";
    return switch (r.nextInt(6)) {
      case 0 -> get(path, badAccount(r), "", 400, "invalid_account_id", "listLogs");
      case 1 -> get(path, account, "?limit=" + encode(pick(r, BAD_LIMITS)), 400, "invalid_parameter", "listLogs");
      case 2 -> get(path, account, "?cursor=" + encode(pick(r, BAD_CURSORS)), 400, "invalid_cursor", "listLogs");
      case 3 -> new Case("GET", path.replace("{account}", account), List.of("Authorization: Bearer " + usageOnly), "", 403,
          "forbidden", "listLogs");
      case 4 -> unauthorized(r, "GET", path.replace("{account}", account), "listLogs");
      default -> get(path, account, "?limit=" + (1 + r.nextInt(100)), 200, null, "listLogs");
    };
  }

  private static Case one(Random r, String account) {
    String path = "/v1/accounts/{account}/logs/" + UUID.randomUUID();
    return switch (r.nextInt(5)) {
      case 0 -> get(path, badAccount(r), "", 400, "invalid_account_id", "getLog");
      case 1 -> get("/v1/accounts/{account}/logs/" + encode(pick(r, BAD_MESSAGE_IDS)), account, "", 400,
          "invalid_message_id", "getLog");
      case 2 -> new Case("GET", path.replace("{account}", account), List.of("Authorization: Bearer " + usageOnly), "", 403,
          "forbidden", "getLog");
      case 3 -> unauthorized(r, "GET", path.replace("{account}", account), "getLog");
      default -> get(path, account, "", 404, "not_found", "getLog");
    };
  }

  private static Case post(Random r, String account) {
    String valid = new JsonObject().put("accountId", account).put("logData", "fuzz ✓ " + r.nextInt()).encode();
    return switch (r.nextInt(12)) {
      case 0 -> posted(pick(r, NOT_JSON), 400, "invalid_json");
      case 1 -> posted(valid + pick(r, new String[] {" {}", "x", "]", " null", ",{}"}), 400, "invalid_json");
      case 2 -> posted(r.nextBoolean() ? "[]" : "[" + (valid + ",").repeat(10) + valid + "]", 400, "invalid_batch");
      case 3 -> posted(pick(r, new String[] {"42", "\"text\"", "null", "true", "[" + valid + ",7]", "[[]]"}), 400,
          "invalid_json");
      case 4 -> posted("{\"accountId\":" + pick(r, new String[] {"\"" + pick(r, BAD_ACCOUNTS).replace("\\", "\\\\")
          .replace("\"", "\\\"") + "\"", "null", "42", "[]", "{}"}) + ",\"logData\":\"x\"}", 400, "invalid_account_id");
      case 5 -> posted("{\"accountId\":\"" + account + "\",\"logData\":" + pick(r, new String[] {"null", "7", "[]", "{}",
          "true", "\"\\ud800\""}) + "}", 400, "invalid_log_data");
      case 6 -> posted(new JsonObject().put("accountId", account).put("logData", "x".repeat(300_000)).encode(), 413,
          "payload_too_large");
      case 7 -> new Case("POST", "/v1/logs", List.of("Authorization: Bearer " + allScopes, "Content-Type: "
          + pick(r, new String[] {"text/plain", "application/xml", "", "application/jsonx", "json"})), valid, 415,
          "unsupported_media_type", "postLogs");
      case 8 -> new Case("POST", "/v1/logs", List.of("Authorization: Bearer " + usageOnly,
          "Content-Type: application/json"), valid, 403, "forbidden", "postLogs");
      case 9 -> unauthorized(r, "POST", "/v1/logs", "postLogs", valid);
      default -> posted(r.nextBoolean() ? valid : "[" + valid + "," + valid + "]", 202, null);
    };
  }

  /** Paths that are not the API's, and methods its paths do not take. */
  private static Case elsewhere(Random r, String account) {
    return switch (r.nextInt(3)) {
      case 0 -> new Case(pick(r, new String[] {"DELETE", "PUT", "PATCH"}), "/v1/accounts/" + account + "/usage",
          List.of("Authorization: Bearer " + allScopes), "", 405, "method_not_allowed", "getUsage");
      case 1 -> new Case("GET", "/v1/logs", List.of("Authorization: Bearer " + allScopes), "", 405,
          "method_not_allowed", "postLogs");
      default -> new Case("GET", pick(r, new String[] {"/v1/accounts/" + account, "/v1/", "/v2/accounts/" + account
          + "/usage", "/v1/accounts/" + account + "/usage/weekly", "/health/", "/" + encode(pick(r, BAD_ACCOUNTS))}),
          List.of(), "", 404, "not_found", null);
    };
  }

  /** {@code pathFormat} has {@code {account}} where the (encoded) account goes. */
  private static Case get(String pathFormat, String account, String query, int status, String error, String operationId) {
    return new Case("GET", pathFormat.replace("{account}", account) + query, List.of("Authorization: Bearer " + allScopes), "",
        status, error, operationId);
  }

  private static Case posted(String body, int status, String error) {
    return new Case("POST", "/v1/logs", List.of("Authorization: Bearer " + allScopes,
        "Content-Type: application/json; charset=utf-8"), body, status, error, "postLogs");
  }

  private static Case unauthorized(Random r, String method, String target, String operationId) {
    return unauthorized(r, method, target, operationId, "");
  }

  private static Case unauthorized(Random r, String method, String target, String operationId, String body) {
    String authorization = pick(r, BAD_AUTHORIZATIONS);
    List<String> headers = new ArrayList<>();
    if (authorization != null) {
      headers.add("Authorization: " + authorization);
    }
    if (!body.isEmpty()) {
      headers.add("Content-Type: application/json");
    }
    return new Case(method, target, headers, body, 401, "unauthorized", operationId);
  }

  private static String badAccount(Random r) {
    return encode(pick(r, BAD_ACCOUNTS));
  }

  private static LocalDate date(Random r) {
    return LocalDate.of(2020, 1, 1).plusDays(r.nextInt(4000));
  }

  private static <T> T pick(Random r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  /** Percent-encodes a path segment or query value, so that it reaches the service as it is. */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String sha256(String key) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void oversizedAndUnreadableRequestsGetJsonErrorsToo() throws Exception {
    String account = UUID.randomUUID().toString();
    List<String> auth = List.of("Authorization: Bearer " + allScopes);
    expect(send("GET /v1/accounts/" + account + "/usage?cursor=" + "a".repeat(9000) + " HTTP/1.1", auth,
        new byte[0]), 414, "uri_too_long");
    List<String> big = new ArrayList<>(auth);
    big.add("X-Big: " + "b".repeat(20_000));
    expect(send("GET /v1/accounts/" + account + "/usage HTTP/1.1", big, new byte[0]), 431, "headers_too_large");
    expect(send("NONSENSE", List.of(), new byte[0]), 400, "bad_request");
    List<String> json = new ArrayList<>(auth);
    json.add("Content-Type: application/json");
    expect(send("POST /v1/logs HTTP/1.1", json, new byte[1024 * 1024]), 413, "payload_too_large");
    expect(send("GET /v1/accounts/%zz/usage HTTP/1.1", auth, new byte[0]), 400, "bad_request");
    expect(send("GET /v1/accounts/" + account + "/usage?from=%zz HTTP/1.1", auth, new byte[0]), 400, "bad_request");
    Answer fine = send("GET /v1/accounts/" + account + "/usage HTTP/1.1", auth, new byte[0]);
    assertThat(fine.status).isEqualTo(200);
    contract.check("getUsage", fine.status, fine.contentType, fine.body);
  }

  private static void expect(Answer answer, int status, String error) {
    assertThat(answer.status).as(answer.body).isEqualTo(status);
    assertJsonError(answer, "status " + status);
    assertThat(new JsonObject(answer.body).getString("error")).isEqualTo(error);
  }

  private static void assertJsonError(Answer answer, String request) {
    assertThat(answer.contentType).as("content type of %s", request).startsWith("application/json");
    JsonObject error = new JsonObject(answer.body);
    assertThat(error.getString("error")).as(request).isNotBlank();
    assertThat(error.getString("message")).as(request).isNotBlank();
  }

  private record Answer(int status, String contentType, String body) {
  }

  /** One request on its own connection; the read times out after 5 s, so a hang fails the test. */
  private static Answer send(String requestLine, List<String> headers, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      headers.forEach(h -> head.append(h).append("\r\n"));
      if (body.length > 0) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // The server may answer (413) and close before reading all of a huge body.
      }
      return parse(readAll(socket.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // reset after the answer: what was read is the answer
    }
    return all.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("a complete HTTP answer, got: %s", text).isPositive();
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    String type = "";
    for (String line : lines) {
      if (line.toLowerCase().startsWith("content-type:")) {
        type = line.substring(13).trim();
      }
    }
    String body = text.substring(end + 4);
    if (text.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")) {
      body = dechunk(body);
    }
    return new Answer(status, type, body);
  }

  private static String dechunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
