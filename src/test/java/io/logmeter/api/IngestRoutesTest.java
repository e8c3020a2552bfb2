package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP ingest on a real HTTP server over an in-memory topic: what is published, and the ids
 * answered. Every answer is checked against the OpenAPI contract.
 */
@ExtendWith(VertxExtension.class)
class IngestRoutesTest extends RouteTest {

  private static final String KEY = "key-that-writes-logs";
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    serve(vertx, test, ApiRig.keys(Map.of(KEY, Set.of(ApiKeys.LOGS_WRITE))));
  }

  @Test
  void oneLogIsPublishedAsAccountAndDataOnlyAndAnsweredWithItsId(VertxTestContext test) {
    post("{\"accountId\":\"" + ACCOUNT.toUpperCase() + "\",\"logData\":\"héllo ✓\",\"level\":\"info\"}")
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(202);
          assertThat(answer.json()).isEqualTo(new JsonObject().put("messageId", "msg-1"));
          assertThat(fakes.topic.published).hasSize(1);
          assertThat(fakes.topic.published.get(0)).extracting(JsonObject::new)
              .containsExactly(new JsonObject().put("accountId", ACCOUNT).put("logData", "héllo ✓"));
          test.completeNow();
        })));
  }

  @Test
  void aBatchIsPublishedTogetherInOrder(VertxTestContext test) {
    post("[{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"a\"},{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"b\"}]")
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(202);
          assertThat(answer.json()).isEqualTo(new JsonObject("{\"messageIds\":[\"msg-1\",\"msg-2\"]}"));
          assertThat(fakes.topic.published).singleElement().satisfies(batch -> assertThat(batch)
              .extracting(payload -> new JsonObject(payload).getString("logData")).containsExactly("a", "b"));
          test.completeNow();
        })));
  }

  @Test
  void aBatchTheTopicTookInPartSaysWhichToSendAgain(VertxTestContext test) {
    fakes.topic.refuse(Set.of(1));
    String log = "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"x\"}";
    post("[" + log + "," + log + "," + log + "]").onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.status()).isEqualTo(202);
      assertThat(answer.json()).isEqualTo(new JsonObject("{\"messageIds\":[\"msg-1\",null,\"msg-2\"],\"failed\":[1]}"));
      test.completeNow();
    })));
  }

  @Test
  void aBatchWithOneBadLogIsRefusedWholeNamingTheLog(VertxTestContext test) {
    String good = "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"x\"}";
    post("[" + good + ",{\"accountId\":\"" + ACCOUNT + "\",\"logData\":7}," + good + "]")
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(400);
          assertThat(answer.json().getString("error")).isEqualTo("invalid_log_data");
          assertThat(answer.json().getString("message")).isEqualTo("[1].logData is not a string");
          assertThat(fakes.topic.published).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  void aLogThatWouldOutgrowTheQueueOnceEnvelopedIsRefused(VertxTestContext test) {
    // Escaped again in SNS's envelope: 70,000 backslashes, 140,000 bytes here, become 280,000 bytes there.
    post("{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"" + "\\\\".repeat(70_000) + "\"}")
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(413);
          assertThat(answer.json().getString("error")).isEqualTo("payload_too_large");
          assertThat(answer.json().getString("message")).startsWith("the log would be ").contains("once SNS has enveloped");
          assertThat(fakes.topic.published).isEmpty();
          test.completeNow();
        })));
  }

  /**
   * Ten logs of 10,000 CJK characters each, in a UTF-16 body of about 200 KB (under the body's limit):
   * published as UTF-8, at 3 bytes a character, they add up to more than one publish takes.
   */
  @Test
  void logsThatAddUpToMoreThanOnePublishAreRefused(VertxTestContext test) {
    String log = "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"" + "中".repeat(10_000) + "\"}";
    Buffer utf16 = Buffer.buffer(("[" + (log + ",").repeat(9) + log + "]").getBytes(StandardCharsets.UTF_16BE));
    assertThat(utf16.length()).isLessThan(256 * 1024);
    api.allowed("postLogs", api.send(HttpMethod.POST, "/v1/logs", KEY, Map.of("Content-Type", "application/json"), utf16))
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertThat(answer.status()).isEqualTo(413);
          assertThat(answer.json().getString("error")).isEqualTo("payload_too_large");
          assertThat(answer.json().getString("message")).startsWith("the logs add up to ");
          assertThat(fakes.topic.published).isEmpty();
          test.completeNow();
        })));
  }

  private Future<ApiRig.Answer> post(String json) {
    return api.allowed("postLogs", api.send(HttpMethod.POST, "/v1/logs", KEY,
        Map.of("Content-Type", "application/json; charset=utf-8"), Buffer.buffer(json)));
  }
}
