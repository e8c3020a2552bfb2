package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import io.logmeter.message.SnsEnvelope;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Publishers call SNS ({@code Publish} and {@code PublishBatch}) on a real topic, served by moto,
 * whose SQS subscriptions deliver to logmeter: one with the envelope (as provisioning subscribes),
 * one with raw message delivery, each consumed by an instance with tables of its own. Usage is
 * exact on both, the envelope's id is the idempotency key, and the caveat of raw delivery shows: an
 * SNS duplicate is recognised only under the envelope. {@code POST /v1/logs} in serve mode
 * publishes to that topic, and usage alerts go to an alert topic whose subscriber gets each once.
 */
class SnsEndToEndTest {

  private static final String LOG_DATA = "an SNS-delivered log line, 40 b"; // 31 bytes
  private static TestStack stack;
  private static MotoServer moto;
  private static SnsClient sns;
  private static SqsClient sqs;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    moto = MotoServer.start();
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    sns = SnsClient.builder().endpointOverride(URI.create(moto.endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(credentials).build();
    sqs = SqsClient.builder().endpointOverride(URI.create(moto.endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(credentials).build();
  }

  @AfterAll
  static void stop() throws Exception {
    stack.stopServices();
    sns.close();
    sqs.close();
    moto.close();
  }

  @Test
  void logsPublishedThroughSnsAreBilledExactlyOnceAndAlertsArriveOnce() throws Exception {
    String topic = sns.createTopic(t -> t.name("logmeter-ingest-" + UUID.randomUUID())).topicArn();
    String alertTopic = sns.createTopic(t -> t.name("logmeter-alerts-" + UUID.randomUUID())).topicArn();
    String alertReader = subscribe(alertTopic, "alert-reader-" + UUID.randomUUID(), false);
    String tap = subscribe(topic, "tap-" + UUID.randomUUID(), false);

    Names enveloped = Names.fresh();
    int portA = TestStack.freePort();
    stack.start(stack.config(enveloped, portA).put("sqsEndpoint", moto.endpoint).put("snsEndpoint", moto.endpoint)
        .put("publishToQueue", false).put("topicArn", topic).put("alertTopicArn", alertTopic)
        .put("alertThresholdsBytes", "1000").put("alertRefreshMillis", 300));
    subscribe(topic, sqs.getQueueUrl(r -> r.queueName(enveloped.queue())).queueUrl(), false);
    Names raw = Names.fresh();
    int portB = TestStack.freePort();
    stack.start(stack.config(raw, portB).put("sqsEndpoint", moto.endpoint));
    subscribe(topic, sqs.getQueueUrl(r -> r.queueName(raw.queue())).queueUrl(), true);

    List<String> accounts = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
        UUID.randomUUID().toString());
    Map<String, Long> messages = new HashMap<>();
    List<String> snsIds = new ArrayList<>();
    // 40 to the first account (1,240 bytes: it crosses the 1,000-byte alert), 15 and 5 to the others.
    List<String> sends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sends.add(accounts.get(0));
    }
    for (int i = 0; i < 15; i++) {
      sends.add(accounts.get(1));
    }
    for (int i = 0; i < 5; i++) {
      sends.add(accounts.get(2));
    }
    for (int i = 0; i < sends.size(); i++) {
      messages.merge(sends.get(i), 1L, Long::sum);
    }
    for (int i = 0; i < 30; i++) {
      String payload = Messages.raw(sends.get(i), LOG_DATA);
      snsIds.add(sns.publish(p -> p.topicArn(topic).message(payload)).messageId());
    }
    for (int from = 30; from < 50; from += 10) {
      List<PublishBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < from + 10; i++) {
        entries.add(PublishBatchRequestEntry.builder().id("e" + i).message(Messages.raw(sends.get(i), LOG_DATA)).build());
      }
      var answer = sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(entries));
      assertThat(answer.failed()).isEmpty();
      answer.successful().forEach(ok -> snsIds.add(ok.messageId()));
    }
    // The last ten through logmeter's own HTTP ingest, which publishes to the topic in serve mode.
    for (int i = 50; i < 60; i++) {
      HttpResponse<String> posted = IdentifierRulesTest.post(stack, portA, Messages.raw(sends.get(i), LOG_DATA));
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      snsIds.add(new JsonObject(posted.body()).getString("messageId"));
    }

    for (String account : accounts) {
      awaitMessages(portA, account, messages.get(account));
      awaitMessages(portB, account, messages.get(account));
      assertThat(usage(portA, account).getLong("bytes")).isEqualTo(messages.get(account) * LOG_DATA.length());
      assertThat(usage(portB, account).getLong("bytes")).isEqualTo(messages.get(account) * LOG_DATA.length());
    }

    // The envelope's MessageId, which Publish, PublishBatch and POST /v1/logs answer, is the key under the
    // envelope; raw delivery drops it, so the same id finds nothing there.
    for (int i = 0; i < snsIds.size(); i += 7) {
      String id = snsIds.get(i);
      String account = sends.get(i);
      JsonObject record = stack.getJson(portA, "/v1/accounts/" + account + "/logs/" + id);
      assertThat(record.getString("messageId")).isEqualTo(id);
      assertThat(stack.get(portB, "/v1/accounts/" + account + "/logs/" + id).statusCode()).isEqualTo(404);
    }

    // What SNS delivers fits the bound HTTP ingest refuses by, and carries the publish's id.
    List<Message> tapped = receiveAll(tap, 60);
    assertThat(tapped).hasSize(60);
    for (Message m : tapped) {
      JsonObject envelope = new JsonObject(m.body());
      assertThat(snsIds).contains(envelope.getString("MessageId"));
      assertThat((long) m.body().getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(SnsEnvelope.deliveredBytes(envelope.getString("Message")));
    }

    // An SNS duplicate: the same notification delivered once more. Recognised under the envelope;
    // under raw delivery it is a new SQS message with a new id, and counted again.
    String duplicatedAccount = new JsonObject(new JsonObject(tapped.get(0).body()).getString("Message"))
        .getString("accountId");
    sqs.sendMessage(r -> r.queueUrl(sqs.getQueueUrl(q -> q.queueName(enveloped.queue())).queueUrl())
        .messageBody(tapped.get(0).body()));
    sqs.sendMessage(r -> r.queueUrl(sqs.getQueueUrl(q -> q.queueName(raw.queue())).queueUrl())
        .messageBody(new JsonObject(tapped.get(0).body()).getString("Message")));
    awaitMessages(portB, duplicatedAccount, messages.get(duplicatedAccount) + 1);
    TestStack.await(Duration.ofSeconds(20), "the duplicate recognised",
        () -> stack.metricIfUp(portA, "logmeter_messages_duplicates_total") >= 1);
    assertThat(usage(portA, duplicatedAccount).getLong("messages")).isEqualTo(messages.get(duplicatedAccount));

    // One alert, for the one account that crossed, published once to the alert topic.
    TestStack.await(Duration.ofSeconds(20), "the alert published",
        () -> depth(alertReader) >= 1);
    TestStack.holds(Duration.ofSeconds(1), "one alert, no second", () -> depth(alertReader) == 1);
    List<Message> alerts = receiveAll(alertReader, 1);
    assertThat(alerts).hasSize(1);
    JsonObject alert = new JsonObject(new JsonObject(alerts.get(0).body()).getString("Message"));
    assertThat(alert.getString("accountId")).isEqualTo(accounts.get(0));
    assertThat(alert.getLong("thresholdBytes")).isEqualTo(1000);
  }

  /** Subscribes the queue (created if it is a name) to the topic; returns its URL. */
  private static String subscribe(String topic, String queue, boolean rawDelivery) {
    String url = queue.startsWith("http") ? queue : sqs.createQueue(q -> q.queueName(queue)).queueUrl();
    String arn = sqs.getQueueAttributes(a -> a.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(s -> s.topicArn(topic).protocol("sqs").endpoint(arn)
        .attributes(Map.of("RawMessageDelivery", Boolean.toString(rawDelivery))));
    return url;
  }

  private static List<Message> receiveAll(String queueUrl, int expected) {
    List<Message> all = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (all.size() < expected && System.nanoTime() < deadline) {
      all.addAll(sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
          .visibilityTimeout(60)).messages());
    }
    // Nothing beyond what was expected either.
    all.addAll(sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
    return all;
  }

  private static long depth(String queueUrl) {
    return Long.parseLong(sqs.getQueueAttributes(a -> a.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static void awaitMessages(int port, String account, long messages) throws InterruptedException {
    TestStack.await(Duration.ofSeconds(30), messages + " messages of " + account + " on :" + port, () -> {
      try {
        return usage(port, account).getLong("messages") == messages;
      } catch (Exception e) {
        return false;
      }
    });
  }

  private static JsonObject usage(int port, String account) throws Exception {
    return stack.getJson(port, "/v1/accounts/" + account + "/usage?consistent=true");
  }
}
