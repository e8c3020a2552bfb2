package io.logmeter.publish;

import io.logmeter.message.SnsEnvelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Local mode, where there is no SNS: sends each payload straight to the ingest queue wrapped in the
 * envelope the topic's subscription would deliver, with a fresh message id and the current time.
 */
public final class QueuePublisher implements LogPublisher {

  private static final String LOCAL_TOPIC = "arn:aws:sns:us-east-1:000000000000:logmeter-ingest";

  private final SqsAsyncClient sqs;
  private final String queueUrl;
  private final Clock clock;

  public QueuePublisher(SqsAsyncClient sqs, String queueUrl, Clock clock) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<List<String>> publish(List<String> payloads) {
    List<String> ids = new ArrayList<>(payloads.size());
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
          .messageBody(SnsEnvelope.wrap(id, LOCAL_TOPIC, clock.instant(), payloads.get(i))).build());
    }
    return sqs.sendMessageBatch(s -> s.queueUrl(queueUrl).entries(entries)).thenApply(response -> {
      if (response.successful().isEmpty()) {
        throw new PublishFailedException("none of " + payloads.size() + " sent: " + response.failed().get(0).code());
      }
      List<String> sent = new ArrayList<>(ids);
      response.failed().forEach(failed -> sent.set(Integer.parseInt(failed.id()), null));
      return sent;
    });
  }
}
