package io.logmeter.api;

import io.logmeter.TestStack;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API verticle on a real HTTP server on a free port of 127.0.0.1, and a client of it that
 * checks answers against the OpenAPI contract.
 */
final class ApiRig {

  /** A response, read whole. */
  record Answer(int status, MultiMap headers, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name);
    }
  }

  private static final int CONNECT_MILLIS = 5_000;

  private final HttpClient client;
  /** Where every request is made and read: see {@link #send}. */
  private final Context context;
  private final int port;
  private final Contract contract;

  private ApiRig(HttpClient client, Context context, int port, Contract contract) {
    this.client = client;
    this.context = context;
    this.port = port;
    this.contract = contract;
  }

  /** Deploys an {@link ApiVerticle} serving from {@code services}; closed with {@code vertx}. */
  static Future<ApiRig> deploy(Vertx vertx, ApiServices services, Contract contract) {
    return deploy(vertx, services, contract, 3);
  }

  /** Another process may take the free port before the verticle listens on it: then it tries another. */
  private static Future<ApiRig> deploy(Vertx vertx, ApiServices services, Contract contract, int tries) {
    int port = TestStack.freePort();
    return vertx.deployVerticle(new ApiVerticle("127.0.0.1", port, services))
        .map(id -> new ApiRig(vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(CONNECT_MILLIS)),
            vertx.getOrCreateContext(), port, contract))
        .recover(failure -> tries > 1 ? deploy(vertx, services, contract, tries - 1) : Future.failedFuture(failure));
  }

  /** API keys as {@code LOGMETER_API_KEYS} configures them: each key given with the scopes its entry grants. */
  static ApiKeys keys(Map<String, Set<String>> scopesByKey) {
    List<String> entries = new ArrayList<>();
    scopesByKey.forEach((key, scopes) -> entries.add("key" + entries.size() + ":"
        + String.join("+", new TreeSet<>(scopes)) + ":" + HexFormat.of().formatHex(ApiKeys.sha256(key))));
    return ApiKeys.from(String.join(",", entries), false);
  }

  /** The answer, once the contract allows it for the operation (whatever its status). */
  Future<Answer> allowed(String operationId, Future<Answer> answer) {
    return answer.compose(a -> contract.allows(operationId, a.status(), a.header("content-type"), a.body()).map(a));
  }

  /** The JSON body of a 200 answer the contract allows. */
  Future<JsonObject> json(String operationId, Future<Answer> answer) {
    return answer.compose(a -> {
      if (a.status() != 200) {
        return Future.failedFuture(new AssertionError(operationId + " answered " + a.status() + ": " + a.body()));
      }
      return allowed(operationId, Future.succeededFuture(a)).map(Answer::json);
    });
  }

  Future<Answer> get(String uri, String key) {
    return send(HttpMethod.GET, uri, key, Map.of(), null);
  }

  /** A request as given: {@code uri} is sent unchanged, {@code key} (if not null) as a bearer key. */
  Future<Answer> send(HttpMethod method, String uri, String key, Map<String, String> headers, Buffer body) {
    // A server that stopped answering fails the request in seconds, by name, not the whole test at its timeout.
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
        .setConnectTimeout(CONNECT_MILLIS).setIdleTimeout(10_000);
    headers.forEach(options::putHeader);
    if (key != null) {
      options.putHeader("Authorization", "Bearer " + key);
    }
    // The whole exchange runs on the client's event loop. Called from the test's thread, a step could
    // find the step before it already done and run on that thread, late: a response whose body had
    // already ended by the time body() was asked for was never read, and the test waited out its 30 s
    // with every timer of the request gone (a thread dump showed both event loops idle). A connection
    // not had (within 5 s) is asked for once more: nothing has been sent yet.
    Promise<Answer> answer = Promise.promise();
    context.runOnContext(v -> client.request(options)
        .recover(failure -> client.request(options))
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(read -> new Answer(response.statusCode(), response.headers(),
            read.toString(StandardCharsets.UTF_8))))
        .onComplete(answer));
    return answer.future();
  }
}
