package io.logmeter.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;

/** Production: publish to the ingest topic, whose subscription delivers to the queue. */
public final class SnsPublisher implements LogPublisher {

  private final SnsAsyncClient sns;
  private final String topicArn;

  public SnsPublisher(SnsAsyncClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public CompletableFuture<List<String>> publish(List<String> payloads) {
    if (payloads.size() == 1) {
      return sns.publish(p -> p.topicArn(topicArn).message(payloads.get(0))).thenApply(r -> List.of(r.messageId()));
    }
    List<PublishBatchRequestEntry> entries = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      entries.add(PublishBatchRequestEntry.builder().id(Integer.toString(i)).message(payloads.get(i)).build());
    }
    return sns.publishBatch(p -> p.topicArn(topicArn).publishBatchRequestEntries(entries)).thenApply(response -> {
      if (response.successful().isEmpty()) {
        throw new PublishFailedException("none of " + payloads.size() + " published: "
            + response.failed().get(0).code());
      }
      String[] ids = new String[payloads.size()];
      for (PublishBatchResultEntry ok : response.successful()) {
        ids[Integer.parseInt(ok.id())] = ok.messageId();
      }
      return java.util.Arrays.asList(ids);
    });
  }
}
