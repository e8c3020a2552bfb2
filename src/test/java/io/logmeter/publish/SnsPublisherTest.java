package io.logmeter.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * How SNS's answers become the ids HTTP ingest returns. There is no SNS emulator here, so the
 * client is a stand-in that answers as SNS documents it: this checks the mapping, not SNS.
 */
class SnsPublisherTest {

  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:logmeter-ingest";

  /** Answers Publish with a fixed id, and PublishBatch refusing the entries whose message is "refuse". */
  private static final class Topic implements SnsAsyncClient {
    final List<PublishBatchRequest> batches = new ArrayList<>();

    @Override
    public CompletableFuture<PublishResponse> publish(Consumer<PublishRequest.Builder> request) {
      PublishRequest r = PublishRequest.builder().applyMutation(request).build();
      assertThat(r.topicArn()).isEqualTo(TOPIC);
      return CompletableFuture.completedFuture(PublishResponse.builder().messageId("sns-" + r.message()).build());
    }

    @Override
    public CompletableFuture<PublishBatchResponse> publishBatch(Consumer<PublishBatchRequest.Builder> request) {
      PublishBatchRequest r = PublishBatchRequest.builder().applyMutation(request).build();
      batches.add(r);
      PublishBatchResponse.Builder response = PublishBatchResponse.builder();
      List<PublishBatchResultEntry> ok = new ArrayList<>();
      List<BatchResultErrorEntry> failed = new ArrayList<>();
      // SNS lists results in no particular order: answer in reverse.
      for (int i = r.publishBatchRequestEntries().size() - 1; i >= 0; i--) {
        var entry = r.publishBatchRequestEntries().get(i);
        if (entry.message().equals("refuse")) {
          failed.add(BatchResultErrorEntry.builder().id(entry.id()).code("InternalError").senderFault(false).build());
        } else {
          ok.add(PublishBatchResultEntry.builder().id(entry.id()).messageId("sns-" + entry.message()).build());
        }
      }
      return CompletableFuture.completedFuture(response.successful(ok).failed(failed).build());
    }

    @Override
    public String serviceName() {
      return "sns";
    }

    @Override
    public void close() {
    }
  }

  @Test
  void oneLogIsOnePublishAndItsIdIsSnsMessageId() {
    assertThat(new SnsPublisher(new Topic(), TOPIC).publish(List.of("a")).join()).containsExactly("sns-a");
  }

  @Test
  void aBatchIsOnePublishBatchWithIdsInTheOrderOfTheLogs() {
    Topic topic = new Topic();

    List<String> ids = new SnsPublisher(topic, TOPIC).publish(List.of("a", "b", "c")).join();

    assertThat(ids).containsExactly("sns-a", "sns-b", "sns-c");
    assertThat(topic.batches).hasSize(1);
  }

  @Test
  void entriesTheTopicRefusedAreNullSoThatTheClientResendsOnlyThose() {
    List<String> ids = new SnsPublisher(new Topic(), TOPIC).publish(List.of("a", "refuse", "c")).join();

    assertThat(ids).containsExactly("sns-a", null, "sns-c");
  }

  @Test
  void aBatchRefusedWhollyFails() {
    assertThatThrownBy(() -> new SnsPublisher(new Topic(), TOPIC).publish(List.of("refuse", "refuse")).join())
        .hasCauseInstanceOf(PublishFailedException.class);
  }
}
