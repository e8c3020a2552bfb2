package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the per-account usage routes answer, on a real HTTP server over in-memory stores: the
 * numbers, the ranges and the cache. Every answer is checked against the OpenAPI contract.
 */
@ExtendWith(VertxExtension.class)
class UsageRoutesTest extends RouteTest {

  private static final String KEY = "key-that-reads-usage";
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String STRANGER = "0b6c1e2a-4d5f-4a7e-9f3d-2f0d3a8e5c1b";

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    ApiKeys keys = ApiRig.keys(Map.of(KEY, Set.of(ApiKeys.USAGE_READ)));
    serve(vertx, test, keys);
    fakes.usage.count(ACCOUNT, "2026-11-21", 19, 1).count(ACCOUNT, "2026-12-02", 13, 1);
  }

  @Test
  void theTotalComesFromTheCacheUnlessAConsistentReadIsAsked(VertxTestContext test) {
    String usage = "/v1/accounts/" + ACCOUNT.toUpperCase() + "/usage";
    api.json("getUsage", api.get(usage, KEY)).compose(first -> {
      test.verify(() -> assertThat(first).isEqualTo(new JsonObject().put("accountId", ACCOUNT).put("bytes", 32)
          .put("messages", 2).put("consistent", false)));
      fakes.usage.count(ACCOUNT, "2026-12-03", 100, 1);
      return api.json("getUsage", api.get(usage, KEY))
          .compose(cached -> api.json("getUsage", api.get(usage + "?consistent=true", KEY))
              .map(consistent -> new JsonArray().add(cached).add(consistent)));
    }).onComplete(test.succeeding(later -> test.verify(() -> {
      assertThat(later.getJsonObject(0).getLong("bytes")).as("from the cache").isEqualTo(32);
      assertThat(later.getJsonObject(1)).isEqualTo(new JsonObject().put("accountId", ACCOUNT).put("bytes", 132)
          .put("messages", 3).put("consistent", true));
      assertThat(fakes.usage.reads).containsExactly("total " + ACCOUNT + " consistent=false",
          "total " + ACCOUNT + " consistent=true");
      test.completeNow();
    })));
  }

  @Test
  void aRangeIsTheSumOfItsDaysAndABoundLeftOutIsTheBeginningOrTheEnd(VertxTestContext test) {
    Checkpoint answered = test.checkpoint(3);
    String usage = "/v1/accounts/" + ACCOUNT + "/usage";
    api.json("getUsage", api.get(usage + "?from=2026-11-01&to=2026-11-30", KEY))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertThat(body).isEqualTo(new JsonObject().put("accountId", ACCOUNT).put("from", "2026-11-01")
              .put("to", "2026-11-30").put("bytes", 19).put("messages", 1).put("consistent", false));
          answered.flag();
        })));
    api.json("getUsage", api.get(usage + "?from=2026-12-01", KEY))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertThat(body.getString("to")).isEqualTo("9999-12-31");
          assertThat(body.getLong("bytes")).isEqualTo(13);
          assertThat(fakes.usage.reads).contains("daily " + ACCOUNT + " 2026-12-01..9999-12-31 consistent=false");
          answered.flag();
        })));
    api.json("getUsage", api.get(usage + "?to=2026-12-31&consistent=true", KEY))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertThat(body.getString("from")).isEqualTo("1970-01-01");
          assertThat(body.getLong("messages")).isEqualTo(2);
          assertThat(body.getBoolean("consistent")).isTrue();
          assertThat(fakes.usage.reads).contains("daily " + ACCOUNT + " 1970-01-01..2026-12-31 consistent=true");
          answered.flag();
        })));
  }

  @Test
  void anAccountNeverSeenHasZeroUsage(VertxTestContext test) {
    String stranger = "/v1/accounts/" + STRANGER;
    Future.all(api.json("getUsage", api.get(stranger + "/usage", KEY)),
            api.json("getUsage", api.get(stranger + "/usage?from=2026-11-01&to=2026-11-30", KEY)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          for (int i = 0; i < 2; i++) {
            assertThat(both.<JsonObject>resultAt(i).getLong("bytes")).isZero();
            assertThat(both.<JsonObject>resultAt(i).getLong("messages")).isZero();
          }
          test.completeNow();
        })));
  }

  @Test
  void dailyListsEveryDayOfTheRangeWithZerosWhereNothingWasCounted(VertxTestContext test) {
    api.json("getDailyUsage", api.get("/v1/accounts/" + ACCOUNT + "/usage/daily?from=2026-11-20&to=2026-11-22", KEY))
        .onComplete(test.succeeding(body -> test.verify(() -> {
          assertThat(body).isEqualTo(new JsonObject("{\"accountId\":\"" + ACCOUNT + "\",\"from\":\"2026-11-20\","
              + "\"to\":\"2026-11-22\",\"bytes\":19,\"messages\":1,\"consistent\":false,\"days\":["
              + "{\"date\":\"2026-11-20\",\"bytes\":0,\"messages\":0},{\"date\":\"2026-11-21\",\"bytes\":19,\"messages\":1},"
              + "{\"date\":\"2026-11-22\",\"bytes\":0,\"messages\":0}]}"));
          assertThat(fakes.usage.reads).containsExactly("daily " + ACCOUNT + " 2026-11-20..2026-11-22 consistent=false");
          test.completeNow();
        })));
  }
}
