package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.logs.LogIndex;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw records listed and read back, on a real HTTP server over an in-memory index and archive:
 * the pages, the cursor handed out and taken back, one record by id. Every answer is checked
 * against the OpenAPI contract.
 */
@ExtendWith(VertxExtension.class)
class LogRoutesTest extends RouteTest {

  private static final String KEY = "key-that-reads-logs";
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String OTHER_ACCOUNT = "0b6c1e2a-4d5f-4a7e-9f3d-2f0d3a8e5c1b";
  /** "2026-11-21T10#1#2" in unpadded base64url: the fake's cursor after two records. */
  private static final String AFTER_TWO = "MjAyNi0xMS0yMVQxMCMxIzI";

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    serve(vertx, test, ApiRig.keys(Map.of(KEY, Set.of(ApiKeys.LOGS_READ))));
  }

  @Test
  void recordsComeAPageAtATimeAndTheNextCursorLeadsOn(VertxTestContext test) {
    JsonObject newest = fakes.logs.add(ACCOUNT, "m-3", "2026-11-21T10:30:00Z", "GET /c 200");
    JsonObject middle = fakes.logs.add(ACCOUNT, "m-2", "2026-11-21T10:20:00Z", "héllo wörld");
    JsonObject oldest = fakes.logs.add(ACCOUNT, "m-1", "2026-11-21T10:10:00Z", "GET /a 200");
    String logs = "/v1/accounts/" + ACCOUNT + "/logs?limit=2";
    api.json("listLogs", api.get(logs, KEY)).compose(first -> {
      test.verify(() -> assertThat(first).isEqualTo(new JsonObject().put("accountId", ACCOUNT)
          .put("records", new JsonArray().add(newest).add(middle)).put("nextCursor", AFTER_TWO)));
      return api.json("listLogs", api.get(logs + "&cursor=" + AFTER_TWO, KEY));
    }).onComplete(test.succeeding(last -> test.verify(() -> {
      assertThat(last).isEqualTo(new JsonObject().put("accountId", ACCOUNT).put("records", new JsonArray().add(oldest))
          .putNull("nextCursor"));
      assertThat(fakes.logs.cursorsGiven).containsExactly(Optional.empty(),
          Optional.of(new LogIndex.Cursor("2026-11-21T10", 1, 2)));
      test.completeNow();
    })));
  }

  @Test
  void aPageHoldsTwentyRecordsUnlessToldOtherwise(VertxTestContext test) {
    for (int i = 21; i > 0; i--) {
      fakes.logs.add(ACCOUNT, "m-" + i, "2026-11-21T10:" + (i < 10 ? "0" : "") + i + ":00Z", "line " + i);
    }
    api.json("listLogs", api.get("/v1/accounts/" + ACCOUNT.toUpperCase() + "/logs", KEY))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertThat(page.getString("accountId")).isEqualTo(ACCOUNT);
          assertThat(page.getJsonArray("records")).hasSize(20);
          assertThat(page.getJsonArray("records").getJsonObject(0).getString("messageId")).isEqualTo("m-21");
          assertThat(page.getString("nextCursor")).as("2026-11-21T10#1#20").isEqualTo("MjAyNi0xMS0yMVQxMCMxIzIw");
          test.completeNow();
        })));
  }

  @Test
  void anAccountWithoutRecordsHasOneEmptyLastPage(VertxTestContext test) {
    api.json("listLogs", api.get("/v1/accounts/" + OTHER_ACCOUNT + "/logs", KEY))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertThat(page).isEqualTo(new JsonObject().put("accountId", OTHER_ACCOUNT).put("records", new JsonArray())
              .putNull("nextCursor"));
          test.completeNow();
        })));
  }

  @Test
  void oneRecordIsFoundByItsIdInItsAccountAndInTheHourItIsToldOf(VertxTestContext test) {
    String id = "a1:b2.c_3-D";
    JsonObject record = fakes.logs.add(ACCOUNT, id, "2026-11-21T10:20:00Z", "GET /index.html 200");
    String path = "/v1/accounts/" + ACCOUNT.toUpperCase() + "/logs/" + id;
    Checkpoint answered = test.checkpoint(4);
    api.json("getLog", api.get(path, KEY)).onComplete(test.succeeding(found -> test.verify(() -> {
      assertThat(found).isEqualTo(record);
      answered.flag();
    })));
    api.json("getLog", api.get(path + "?at=2026-11-21T10:59:59.999Z", KEY))
        .onComplete(test.succeeding(found -> test.verify(() -> {
          assertThat(found).isEqualTo(record);
          assertThat(fakes.logs.hoursGiven).contains(Optional.of(Instant.parse("2026-11-21T10:59:59.999Z")));
          answered.flag();
        })));
    notFound(api.get(path + "?at=2026-11-21T09:20:00Z", KEY), test, answered);
    notFound(api.get("/v1/accounts/" + OTHER_ACCOUNT + "/logs/" + id, KEY), test, answered);
  }

  private void notFound(Future<ApiRig.Answer> answer, VertxTestContext test, Checkpoint answered) {
    api.allowed("getLog", answer).onComplete(test.succeeding(missing -> test.verify(() -> {
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().getString("error")).isEqualTo("not_found");
      answered.flag();
    })));
  }
}
