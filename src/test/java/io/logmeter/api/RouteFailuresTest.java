package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each route answers when a store it reads fails: a store that does not answer is a 503 the
 * client may retry after a second; one that throws is a bug, a 500.
 */
@ExtendWith(VertxExtension.class)
class RouteFailuresTest extends RouteTest {

  private static final String KEY = "key-with-every-scope";
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String LOG = "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"x\"}";

  /** A route, and which of the fakes' faults its answer depends on. */
  record Call(String operationId, String uri, String body, Function<Fakes, Faults> store, String storeName) {

    @Override
    public String toString() {
      return storeName + " under " + (body == null ? "GET " : "POST ") + uri;
    }
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    ApiKeys keys = ApiRig.keys(Map.of(KEY, Set.of(ApiKeys.USAGE_READ, ApiKeys.LOGS_READ, ApiKeys.LOGS_WRITE)));
    serve(vertx, test, keys);
    fakes.usage.count(ACCOUNT, "2026-11-21", 19, 1);
    fakes.logs.add(ACCOUNT, "m-1", "2026-11-21T10:00:00Z", "GET / 200");
  }

  static Stream<Call> everyStoreARouteReads() {
    Function<Fakes, Faults> usage = fakes -> fakes.usage.faults;
    Function<Fakes, Faults> index = fakes -> fakes.logs.index;
    Function<Fakes, Faults> topic = fakes -> fakes.topic.faults;
    String account = "/v1/accounts/" + ACCOUNT;
    return Stream.of(
        new Call("getUsage", account + "/usage?consistent=true", null, usage, "the usage store"),
        new Call("getUsage", account + "/usage?from=2026-11-01", null, usage, "the usage store"),
        new Call("getDailyUsage", account + "/usage/daily?from=2026-11-01&to=2026-11-30", null, usage, "the usage store"),
        new Call("exportUsage", "/v1/usage?from=2026-11-01&to=2026-11-30", null, usage, "the usage store"),
        new Call("topUsage", "/v1/usage/top?from=2026-11-01&to=2026-11-30", null, usage, "the usage store"),
        new Call("listLogs", account + "/logs", null, index, "the log index"),
        new Call("getLog", account + "/logs/m-1", null, index, "the log index"),
        new Call("postLogs", "/v1/logs", LOG, topic, "the ingest topic"));
  }

  static Stream<Call> everyStoreARouteReadsAndTheCacheAndArchive() {
    Function<Fakes, Faults> archive = fakes -> fakes.logs.archive;
    String account = "/v1/accounts/" + ACCOUNT;
    return Stream.concat(everyStoreARouteReads(), Stream.of(
        new Call("getUsage", account + "/usage", null, fakes -> fakes.usage.faults, "the cache's loads"),
        new Call("listLogs", account + "/logs", null, archive, "the archive"),
        new Call("getLog", account + "/logs/m-1", null, archive, "the archive")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStoreARouteReadsAndTheCacheAndArchive")
  void aStoreThatDoesNotAnswerIsA503ToRetryInASecond(Call call, VertxTestContext test) {
    call.store().apply(fakes).outage(new TimeoutException("no answer within 10 s"));
    api.allowed(call.operationId(), send(call)).onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.status()).as(answer.body()).isEqualTo(503);
      assertThat(answer.json().getString("error")).isEqualTo("unavailable");
      assertThat(answer.header("Retry-After")).isEqualTo("1");
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStoreARouteReads")
  void aStoreThatThrowsIsAnInternalError(Call call, VertxTestContext test) {
    call.store().apply(fakes).bug(new IllegalStateException("a bug in the store"));
    api.allowed(call.operationId(), send(call)).onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.status()).as(answer.body()).isEqualTo(500);
      assertThat(answer.header("content-type")).isEqualTo("application/json");
      assertThat(answer.json().getString("error")).isEqualTo("internal");
      assertThat(answer.json().getString("message")).isEqualTo("internal error");
      assertThat(answer.header("Retry-After")).isNull();
      test.completeNow();
    })));
  }

  /** Damage a retry would meet again is no outage: not a 503 that has clients retry for ever. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("theRoutesThatReadTheArchive")
  void anArchivedRecordThatIsNotJsonIsAnInternalErrorNotAnOutage(String uri, VertxTestContext test) {
    fakes.logs.damage(ACCOUNT);
    api.allowed(uri.endsWith("/logs") ? "listLogs" : "getLog", api.get(uri, KEY)).onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.status()).as(answer.body()).isEqualTo(500);
      assertThat(answer.json().getString("error")).isEqualTo("internal");
      assertThat(answer.header("Retry-After")).isNull();
      test.completeNow();
    })));
  }

  static Stream<String> theRoutesThatReadTheArchive() {
    return Stream.of("/v1/accounts/" + ACCOUNT + "/logs", "/v1/accounts/" + ACCOUNT + "/logs/m-1");
  }

  private Future<ApiRig.Answer> send(Call call) {
    return call.body() == null ? api.get(call.uri(), KEY)
        : api.send(HttpMethod.POST, call.uri(), KEY, Map.of("Content-Type", "application/json"), Buffer.buffer(call.body()));
  }
}
