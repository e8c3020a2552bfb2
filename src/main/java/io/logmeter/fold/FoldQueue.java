package io.logmeter.fold;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fold queue: flushes send a {@link FoldPointer} to it once their archive object is durable;
 * the owner receives them, and deletes them once a period that folded them is published. The URL is
 * asked of SQS by name at the first call, and again after a failure. Confined to the caller's context.
 */
public final class FoldQueue {

  /** What a receive takes at most: SQS's limit. */
  static final int RECEIVE_MAX = 10;

  private final SqsAsyncClient sqs;
  private final Context context;
  private final String name;
  private Future<String> url;

  public FoldQueue(SqsAsyncClient sqs, Context context, String name) {
    this.sqs = sqs;
    this.context = context;
    this.name = name;
  }

  public Future<Void> send(FoldPointer pointer) {
    return url().compose(queue -> Future.fromCompletionStage(sqs.sendMessage(s -> s.queueUrl(queue)
        .messageBody(pointer.encode())), context)).mapEmpty();
  }

  /** One long poll of up to {@code max} pointers ({@link #RECEIVE_MAX} at most), each held for {@code visibilitySeconds}. */
  Future<List<Message>> receive(int max, int waitSeconds, int visibilitySeconds) {
    return url().compose(queue -> Future.fromCompletionStage(sqs.receiveMessage(r -> r.queueUrl(queue)
        .maxNumberOfMessages(max).waitTimeSeconds(waitSeconds).visibilityTimeout(visibilitySeconds)), context))
        .map(received -> received.messages());
  }

  /** Deletes folded pointers; a delete that fails leaves a pointer to be folded again, harmlessly. */
  Future<Void> delete(List<Message> messages) {
    return inBatches(messages, (queue, batch) -> {
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(batch.get(i).receiptHandle()).build());
      }
      return sqs.deleteMessageBatch(d -> d.queueUrl(queue).entries(entries));
    });
  }

  /** Makes pointers received visible again at once, for the next owner; a release that fails leaves them to their timeout. */
  Future<Void> release(List<Message> messages) {
    return inBatches(messages, (queue, batch) -> {
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
            .receiptHandle(batch.get(i).receiptHandle()).visibilityTimeout(0).build());
      }
      return sqs.changeMessageVisibilityBatch(c -> c.queueUrl(queue).entries(entries));
    });
  }

  /** One call per ten messages, SQS's batch limit. */
  private Future<Void> inBatches(List<Message> messages, BiFunction<String, List<Message>, CompletableFuture<?>> call) {
    List<Future<?>> calls = new ArrayList<>();
    for (int from = 0; from < messages.size(); from += RECEIVE_MAX) {
      List<Message> batch = messages.subList(from, Math.min(messages.size(), from + RECEIVE_MAX));
      calls.add(url().compose(queue -> Future.fromCompletionStage(call.apply(queue, batch), context)));
    }
    return Future.join(calls).mapEmpty();
  }

  private Future<String> url() {
    if (url == null || url.failed()) {
      url = Future.fromCompletionStage(sqs.getQueueUrl(q -> q.queueName(name)), context).map(r -> r.queueUrl());
    }
    return url;
  }
}
