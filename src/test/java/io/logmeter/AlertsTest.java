package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;

/** Usage alerts: one per account and threshold, with two instances racing to send it. */
class AlertsTest {

  @AfterEach
  void stop() throws Exception {
    TestStack.shared().stopServices();
  }

  /** With either ledger: with the fold, the owner tells of each period and its instance checks the totals. */
  @ParameterizedTest
  @ValueSource(strings = {"pages", "fold"})
  void eachThresholdCrossedIsAlertedExactlyOnceAcrossInstances(String ledger) throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    String alertQueue = "alerts-" + UUID.randomUUID().toString().substring(0, 8);
    int port = TestStack.freePort();
    for (int instance = 0; instance < 2; instance++) {
      stack.start(stack.config(names, instance == 0 ? port : TestStack.freePort())
          .put("alertThresholdsBytes", "100,1000").put("alertQueueName", alertQueue).put("alertRefreshMillis", 300)
          .put("batchMaxAgeMillis", 50).put("ledger", ledger).put("foldQueueName", names.queue() + "-fold")
          .put("foldPeriodMillis", 200));
    }
    String loud = UUID.randomUUID().toString();
    String quiet = UUID.randomUUID().toString();
    String queueUrl = names.queueUrl(stack);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      bodies.add(Messages.raw(loud, "x".repeat(50)));
    }
    bodies.add(Messages.raw(quiet, "y".repeat(99)));
    // Paced over about 0.6 s, not sent at once: many small commits on both instances, so that either
    // may be the one whose commit crosses a threshold.
    for (String body : bodies) {
      stack.sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
      Thread.sleep(20);
    }
    TestStack.await(Duration.ofSeconds(30), "1500 bytes counted", () -> {
      try {
        return stack.getJson(port, "/v1/accounts/" + loud + "/usage?consistent=true").getLong("bytes") == 1500;
      } catch (Exception e) {
        return false;
      }
    });

    // Both thresholds alerted, and then, for a period of many refreshes, no second alert of either.
    String alertUrl = stack.sqs.getQueueUrl(r -> r.queueName(alertQueue)).queueUrl();
    TestStack.await(Duration.ofSeconds(30), "an alert per threshold", () -> stack.visible(alertUrl) >= 2);
    TestStack.holds(Duration.ofSeconds(2), "two alerts, none again", () -> stack.queueDepth(alertUrl) == 2);
    List<JsonObject> alerts = new ArrayList<>();
    TestStack.await(Duration.ofSeconds(10), "the two alerts received", () -> {
      for (Message m : stack.sqs.receiveMessage(r -> r.queueUrl(alertUrl).maxNumberOfMessages(10)).messages()) {
        alerts.add(new JsonObject(m.body()));
      }
      return alerts.size() >= 2;
    });

    assertThat(alerts).extracting(a -> a.getLong("thresholdBytes")).containsExactlyInAnyOrder(100L, 1000L);
    assertThat(alerts).allSatisfy(alert -> {
      assertThat(alert.getString("accountId")).isEqualTo(loud);
      assertThat(alert.getLong("totalBytes")).isGreaterThanOrEqualTo(alert.getLong("thresholdBytes"));
      assertThat(alert.getString("time")).isNotBlank();
      assertThat(alert.getString("alertId")).isEqualTo("usage-" + loud + "-" + alert.getLong("thresholdBytes"));
    });
  }
}
