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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed paths, ids, dates, query strings, headers and bodies, and huge ones, sent over a raw
 * socket so that even what no HTTP client library would send gets through. Every answer must be a
 * JSON error with a 4xx status, promptly: never a 500, never a hang.
 */
class ApiFuzzTest {

  private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 401, 403, 404, 405, 413, 414, 415, 431);
  private static final String[] TOKENS = {"", "/", "//", "..", "%", "%zz", "%00", "%2F", "%ff%fe", "é", "🎉", "'",
      "\"", "<script>", " ", "%20", "\\", "?", "#", ";", "*", "-1", "0", "99999999999999999999", "null", "true",
      "2026-02-29", "2026-13-01", "0000-00-00", "+10000-01-01", "2026-1-1", "9999-12-31", "1970-01-01",
      "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", "6F1C9A52-8A8E-4A53-9D8F-1C2B3A4D5E6F", "6f1c9a52-8a8e-4a53-9d8f",
      "6f1c9a528a8e4a539d8f1c2b3a4d5e6f", "{}", "[]", "x".repeat(300)};
  private static final String[] PARAMS = {"from", "to", "consistent", "limit", "cursor", "unknown", ""};
  private static final String[] BODIES = {"", "{", "}", "[", "null", "true", "\"text\"", "{\"accountId\":[]}",
      "{\"accountId\":{},\"logData\":{}}", "[1,2,3]", "[[]]", "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\"}",
      "[".repeat(5000) + "]".repeat(5000), "{\"a\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001),
      "\u0000\u0001\u0002", "\uFEFF{}", "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":\"\\uD800\"}"};

  private static TestStack stack;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    port = TestStack.freePort();
    stack.start(stack.config(Names.fresh(), port));
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServices();
  }

  @Test
  void randomMalformedRequestsAllGetAJsonClientError() throws Exception {
    Random random = new Random(20261122);
    String[] prefixes = {"/v1/accounts/", "/v1/accounts/%s/usage", "/v1/accounts/%s/usage/daily",
        "/v1/accounts/%s/logs", "/v1/accounts/%s/logs/", "/v1/logs", "/v1/", "/health/", ""};
    for (int i = 0; i < 400; i++) {
      String prefix = prefixes[random.nextInt(prefixes.length)];
      String path = (prefix.contains("%s") ? String.format(prefix, token(random)) : prefix + token(random))
          .replace(" ", "%20").replace("#", "%23").replace("?", "%3F");
      StringBuilder query = new StringBuilder();
      for (int p = random.nextInt(4); p > 0; p--) {
        query.append(query.length() == 0 ? '?' : '&').append(PARAMS[random.nextInt(PARAMS.length)]).append('=')
            .append(token(random).replace(" ", "%20").replace("#", "%23").replace("&", "%26"));
      }
      String method = random.nextInt(4) == 0 ? "POST" : random.nextInt(8) == 0 ? "PUT" : "GET";
      List<String> headers = new ArrayList<>();
      if (random.nextBoolean()) {
        headers.add("Content-Type: " + new String[] {"application/json", "text/plain", "application/json; x=y",
            "", "application/xml"}[random.nextInt(5)]);
      }
      if (random.nextInt(5) == 0) {
        headers.add("Authorization: " + new String[] {"Bearer", "Bearer ", "Basic abc", "Bearer " + token(random)}
            [random.nextInt(4)]);
      }
      String body = method.equals("GET") ? "" : BODIES[random.nextInt(BODIES.length)];
      Answer answer = send(method + " " + path + query + " HTTP/1.1", headers, body.getBytes(StandardCharsets.UTF_8));
      assertClientErrorOrSuccess(answer, method + " " + path + query);
    }
  }

  @Test
  void oversizedAndUnreadableRequestsGetJsonErrorsToo() throws Exception {
    String account = UUID.randomUUID().toString();
    expect(send("GET /v1/accounts/" + account + "/usage?cursor=" + "a".repeat(9000) + " HTTP/1.1", List.of(),
        new byte[0]), 414);
    expect(send("GET /v1/accounts/" + account + "/usage HTTP/1.1", List.of("X-Big: " + "b".repeat(20_000)),
        new byte[0]), 431);
    expect(send("NONSENSE", List.of(), new byte[0]), 400);
    expect(send("POST /v1/logs HTTP/1.1", List.of("Content-Type: application/json"),
        new byte[1024 * 1024]), 413);
    expect(send("GET /v1/accounts/%zz/usage HTTP/1.1", List.of(), new byte[0]), 400);
    Answer fine = send("GET /v1/accounts/" + account + "/usage HTTP/1.1", List.of(), new byte[0]);
    assertThat(fine.status).isEqualTo(200);
  }

  private static String token(Random random) {
    StringBuilder token = new StringBuilder();
    for (int parts = 1 + random.nextInt(2); parts > 0; parts--) {
      token.append(TOKENS[random.nextInt(TOKENS.length)]);
    }
    return token.toString();
  }

  private static void assertClientErrorOrSuccess(Answer answer, String request) {
    if (answer.status == 200 || answer.status == 202) {
      return;
    }
    assertThat(CLIENT_ERRORS).as("status of %s: %s", request, answer.body).contains(answer.status);
    assertJsonError(answer, request);
  }

  private static void expect(Answer answer, int status) {
    assertThat(answer.status).as(answer.body).isEqualTo(status);
    assertJsonError(answer, "status " + status);
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
