package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The billing export and the top accounts, on a real HTTP server over in-memory usage: the lines
 * of each media type and granularity, and the ranking. The export's media types are not JSON, so
 * its lines are compared as written out here; the top accounts' answers are checked against the
 * OpenAPI contract.
 */
@ExtendWith(VertxExtension.class)
class ExportRoutesTest extends RouteTest {

  private static final String KEY = "key-that-reads-usage";
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String FIRST_ACCOUNT = "0b6c1e2a-4d5f-4a7e-9f3d-2f0d3a8e5c1b";
  private static final String LAST_ACCOUNT = "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b";

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    serve(vertx, test, ApiRig.keys(Map.of(KEY, Set.of(ApiKeys.USAGE_READ))));
    fakes.usage.count(ACCOUNT, "2026-11-21", 19, 1).count(ACCOUNT, "2026-12-02", 13, 1)
        .count(FIRST_ACCOUNT, "2026-11-30", 50, 1);
  }

  @Test
  void theExportIsALinePerAccountInAccountOrderAsNdjsonByDefault(VertxTestContext test) {
    api.get("/v1/usage?from=2026-11-01&to=2026-11-30", KEY).onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("content-type")).isEqualTo("application/x-ndjson");
      assertThat(lines(answer.body())).containsExactly(
          new JsonObject().put("accountId", FIRST_ACCOUNT).put("from", "2026-11-01").put("to", "2026-11-30")
              .put("bytes", 50).put("messages", 1),
          new JsonObject().put("accountId", ACCOUNT).put("from", "2026-11-01").put("to", "2026-11-30")
              .put("bytes", 19).put("messages", 1));
      assertThat(answer.body()).endsWith("}\n");
      assertThat(fakes.usage.reads).containsExactly("walk 2026-11-01..2026-11-30 consistent=false");
      test.completeNow();
    })));
  }

  @Test
  void csvIsServedWhenAskedForWithALinePerAccountAndMonthClippedToTheRange(VertxTestContext test) {
    api.send(HttpMethod.GET, "/v1/usage?from=2026-11-15&to=2026-12-10&granularity=month&consistent=true", KEY,
        Map.of("Accept", "text/html;q=0.9, text/csv"), null).onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(200);
          assertThat(answer.header("content-type")).isEqualTo("text/csv; charset=utf-8");
          assertThat(answer.body()).isEqualTo("accountId,from,to,bytes,messages\n"
              + FIRST_ACCOUNT + ",2026-11-15,2026-11-30,50,1\n"
              + ACCOUNT + ",2026-11-15,2026-11-30,19,1\n"
              + ACCOUNT + ",2026-12-01,2026-12-10,13,1\n");
          assertThat(fakes.usage.reads).containsExactly("walk 2026-11-15..2026-12-10 consistent=true");
          test.completeNow();
        })));
  }

  @Test
  void dayGranularityGivesALinePerAccountAndDayWithUsage(VertxTestContext test) {
    api.get("/v1/usage?from=2026-11-01&to=2026-12-31&granularity=day", KEY)
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(lines(answer.body())).extracting(line -> line.getString("accountId") + " " + line.getString("from")
              + ".." + line.getString("to") + " " + line.getLong("bytes")).containsExactly(
              FIRST_ACCOUNT + " 2026-11-30..2026-11-30 50",
              ACCOUNT + " 2026-11-21..2026-11-21 19",
              ACCOUNT + " 2026-12-02..2026-12-02 13");
          test.completeNow();
        })));
  }

  @Test
  void aPeriodWithoutUsageExportsNothingButTheCsvHeader(VertxTestContext test) {
    Checkpoint answered = test.checkpoint(2);
    api.get("/v1/usage?from=2001-01-01&to=2001-01-31", KEY).onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("content-type")).isEqualTo("application/x-ndjson");
      assertThat(answer.body()).isEmpty();
      answered.flag();
    })));
    api.send(HttpMethod.GET, "/v1/usage?from=2001-01-01&to=2001-01-31", KEY, Map.of("Accept", "text/csv"), null)
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(200);
          assertThat(answer.body()).isEqualTo("accountId,from,to,bytes,messages\n");
          answered.flag();
        })));
  }

  @Test
  void anExportThatFailsAfterItsFirstLineIsCutShortRatherThanEnded(VertxTestContext test) {
    String export = "/v1/usage?from=2026-11-01&to=2026-12-31";
    api.get(export, KEY).compose(whole -> {
      test.verify(() -> assertThat(lines(whole.body())).hasSize(2));
      fakes.usage.walkFailsAfter(1);
      return api.get(export, KEY);
    }).onComplete(test.failing(cut -> test.verify(() -> {
      assertThat(cut).as("the body never ends").isInstanceOf(HttpClosedException.class);
      test.completeNow();
    })));
  }

  @Test
  void theTopAccountsComeLargestFirstWithTiesToTheSmallerId(VertxTestContext test) {
    fakes.usage.count(LAST_ACCOUNT, "2026-11-02", 32, 5);
    Checkpoint answered = test.checkpoint(2);
    api.json("topUsage", api.get("/v1/usage/top?from=2026-11-01&to=2026-12-31&limit=2", KEY))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertThat(body).isEqualTo(new JsonObject().put("from", "2026-11-01").put("to", "2026-12-31").put("by", "bytes")
              .put("accountsWithUsage", 3).put("accounts", new JsonArray()
                  .add(new JsonObject().put("accountId", FIRST_ACCOUNT).put("bytes", 50).put("messages", 1))
                  .add(new JsonObject().put("accountId", ACCOUNT).put("bytes", 32).put("messages", 2))));
          answered.flag();
        })));
    api.json("topUsage", api.get("/v1/usage/top?from=2026-11-01&to=2026-11-30&by=messages&consistent=true", KEY))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertThat(body.getString("by")).isEqualTo("messages");
          assertThat(body.getJsonArray("accounts").stream().map(a -> ((JsonObject) a).getString("accountId")))
              .as("one message each for the last two: the smaller id first")
              .containsExactly(LAST_ACCOUNT, FIRST_ACCOUNT, ACCOUNT);
          assertThat(fakes.usage.reads).contains("walk 2026-11-01..2026-11-30 consistent=true");
          answered.flag();
        })));
  }

  private static List<JsonObject> lines(String ndjson) {
    return Arrays.stream(ndjson.split("\n")).filter(line -> !line.isEmpty()).map(JsonObject::new).toList();
  }
}
