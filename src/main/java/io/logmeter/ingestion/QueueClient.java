package io.logmeter.ingestion;

import io.logmeter.retry.AwsErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/** The SQS calls of the pipeline, in batches of ten. Confined to the ingest verticle's context. */
final class QueueClient {

  /** A stale receipt handle: the message was received again since. Real SQS reports success instead. */
  private static final String STALE = "ReceiptHandleIsInvalid";

  private final SqsAsyncClient sqs;
  private final Context context;
  private final String queueUrl;
  /** Deliveries whose release is under way: not to be extended any more. */
  private final Set<Delivery> givingBack = new HashSet<>();
  /** The latest extension round; a release waits for it. */
  private Future<?> extensions = Future.succeededFuture();

  QueueClient(SqsAsyncClient sqs, Context context, String queueUrl) {
    this.sqs = sqs;
    this.context = context;
    this.queueUrl = queueUrl;
  }

  /** One long poll for up to ten messages. */
  Future<ReceiveMessageResponse> receive(int waitSeconds, int visibilitySeconds) {
    return Future.fromCompletionStage(sqs.receiveMessage(r -> r.queueUrl(queueUrl)
        .maxNumberOfMessages(InFlight.RECEIVE_MAX)
        .waitTimeSeconds(waitSeconds)
        .visibilityTimeout(visibilitySeconds)
        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP,
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)), context);
  }

  /** Deletes the deliveries; returns those whose delete failed and may succeed if tried again. */
  Future<List<Delivery>> delete(List<Delivery> deliveries) {
    return inBatches(deliveries, batch -> {
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(batch.get(i).receiptHandle).build());
      }
      return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
          .thenApply(response -> retryable(batch, response.failed()));
    });
  }

  /**
   * Sets the visibility of the deliveries; returns those that failed and may succeed if tried again.
   * A timeout of 0 gives them back, and must be the last word: it waits for an extension still
   * under way (SQS would otherwise apply that after it and hide the messages for a whole timeout
   * again), and extensions asked for meanwhile leave the deliveries being given back alone.
   */
  Future<List<Delivery>> changeVisibility(List<Delivery> deliveries, int seconds) {
    if (seconds > 0) {
      List<Delivery> kept = new ArrayList<>(deliveries.size());
      for (Delivery d : deliveries) {
        if (!givingBack.contains(d)) {
          kept.add(d);
        }
      }
      Future<List<Delivery>> extension = setVisibility(kept, seconds);
      // Give-backs wait for every extension under way, not only the latest round's.
      extensions = extensions.isComplete() ? extension : Future.join(extensions, extension);
      return extension;
    }
    givingBack.addAll(deliveries);
    return extensions.<List<Delivery>>transform(previous -> setVisibility(deliveries, 0))
        .onComplete(done -> deliveries.forEach(givingBack::remove));
  }

  private Future<List<Delivery>> setVisibility(List<Delivery> deliveries, int seconds) {
    return inBatches(deliveries, batch -> {
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(batch.get(i).receiptHandle).visibilityTimeout(seconds).build());
      }
      return sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries))
          .thenApply(response -> {
            for (BatchResultErrorEntry entry : response.failed()) {
              // Refused for what was asked (InvalidParameterValue past the 12-hour cap), not for being stale.
              if (!gone(entry) && Boolean.TRUE.equals(entry.senderFault())) {
                batch.get(Integer.parseInt(entry.id())).extensionRefused = true;
              }
            }
            return retryable(batch, response.failed());
          });
    });
  }

  private interface BatchCall {
    CompletableFuture<List<Delivery>> send(List<Delivery> batch);
  }

  private Future<List<Delivery>> inBatches(List<Delivery> deliveries, BatchCall call) {
    List<Future<List<Delivery>>> calls = new ArrayList<>();
    for (int from = 0; from < deliveries.size(); from += InFlight.RECEIVE_MAX) {
      List<Delivery> batch = deliveries.subList(from, Math.min(deliveries.size(), from + InFlight.RECEIVE_MAX));
      calls.add(Future.fromCompletionStage(call.send(batch), context)
          .recover(failure -> AwsErrors.isTransient(failure)
              ? Future.succeededFuture(batch) : Future.failedFuture(failure)));
    }
    return Future.all(calls).map(all -> {
      List<Delivery> failed = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        failed.addAll(all.<List<Delivery>>resultAt(i));
      }
      return failed;
    });
  }

  private static List<Delivery> retryable(List<Delivery> batch, List<BatchResultErrorEntry> failed) {
    List<Delivery> again = new ArrayList<>();
    for (BatchResultErrorEntry entry : failed) {
      if (!gone(entry) && !Boolean.TRUE.equals(entry.senderFault())) {
        again.add(batch.get(Integer.parseInt(entry.id())));
      }
    }
    return again;
  }

  /** The receipt is stale or the message no longer in flight: nothing more to do with it. */
  private static boolean gone(BatchResultErrorEntry entry) {
    return STALE.equals(entry.code()) || "MessageNotInflight".equals(entry.code());
  }
}
