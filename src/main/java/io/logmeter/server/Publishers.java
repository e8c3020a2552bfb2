package io.logmeter.server;

import io.logmeter.alerts.AlertPublisher;
import io.logmeter.publish.LogPublisher;
import io.logmeter.publish.PublishFailedException;
import io.logmeter.publish.QueuePublisher;
import io.logmeter.publish.SnsPublisher;
import io.logmeter.retry.AwsErrors;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Where HTTP ingest and the usage alerts publish, chosen from the configuration. */
final class Publishers {

  private Publishers() {
  }

  /**
   * The ingest topic in production; the queue itself where there is no SNS (local mode), its URL
   * asked of SQS at the first publish (and again after a failure, such as a queue not created yet:
   * answered 503).
   */
  static LogPublisher logs(Config config, AwsClients aws) {
    if (config.publishing().topicArn() != null) {
      return new SnsPublisher(aws.sns(), config.publishing().topicArn());
    }
    if (config.publishing().publishToQueue()) {
      Supplier<CompletableFuture<QueuePublisher>> queue = once(() -> Resources.queueUrl(aws, config.stack())
          .thenApply(url -> new QueuePublisher(aws.sqs(), url, Clock.systemUTC())));
      return payloads -> queue.get()
          .exceptionally(failure -> {
            throw new PublishFailedException("the ingest queue is not known yet (" + AwsErrors.code(failure) + ")");
          })
          .thenCompose(publisher -> publisher.publish(payloads));
    }
    return payloads -> CompletableFuture.failedFuture(
        new PublishFailedException("no ingest topic configured (LOGMETER_TOPIC_ARN)"));
  }

  /** Alerts go to their topic in production, to a queue of their own in local mode. */
  static AlertPublisher alerts(Config config, AwsClients aws) {
    Config.Alerts alerts = config.alerts();
    if (alerts.alertTopicArn() != null) {
      return (id, alert) -> aws.sns().publish(p -> p.topicArn(alerts.alertTopicArn()).message(alert)
          .subject("logmeter usage alert")).thenApply(r -> null);
    }
    if (config.publishing().publishToQueue()) {
      Supplier<CompletableFuture<String>> url = once(() -> aws.sqs()
          .getQueueUrl(q -> q.queueName(alerts.alertQueueName())).thenApply(r -> r.queueUrl()));
      return (id, alert) -> url.get().thenCompose(q -> aws.sqs().sendMessage(s -> s.queueUrl(q).messageBody(alert)))
          .thenApply(r -> null);
    }
    return (id, alert) -> CompletableFuture.failedFuture(new IllegalStateException("no alert topic configured"));
  }

  /**
   * {@code lookup}'s answer, asked at the first use and kept; asked again at the first use after it
   * failed. Concurrent first uses may each ask; one answer is kept.
   */
  private static <T> Supplier<CompletableFuture<T>> once(Supplier<CompletableFuture<T>> lookup) {
    AtomicReference<CompletableFuture<T>> known = new AtomicReference<>();
    return () -> {
      CompletableFuture<T> current = known.get();
      if (current != null && !current.isCompletedExceptionally()) {
        return current;
      }
      CompletableFuture<T> asked = lookup.get();
      return known.compareAndSet(current, asked) ? asked : known.get();
    };
  }
}
