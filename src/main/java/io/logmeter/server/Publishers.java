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
      Config.Stack stack = config.stack();
      Supplier<CompletableFuture<String>> url = stack.queueUrl() != null
          ? () -> CompletableFuture.completedFuture(stack.queueUrl()) : queueUrl(aws, stack.queueName());
      return payloads -> url.get()
          .exceptionally(failure -> {
            throw new PublishFailedException("the ingest queue is not known yet (" + AwsErrors.code(failure) + ")");
          })
          .thenCompose(queue -> new QueuePublisher(aws.sqs(), queue, Clock.systemUTC()).publish(payloads));
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
      Supplier<CompletableFuture<String>> url = queueUrl(aws, alerts.alertQueueName());
      return (id, alert) -> url.get().thenCompose(q -> aws.sqs().sendMessage(s -> s.queueUrl(q).messageBody(alert)))
          .thenApply(r -> null);
    }
    return (id, alert) -> CompletableFuture.failedFuture(new IllegalStateException("no alert topic configured"));
  }

  /** A queue's URL, asked of SQS at the first use, and again at the first use after a failure. */
  private static Supplier<CompletableFuture<String>> queueUrl(AwsClients aws, String name) {
    AtomicReference<CompletableFuture<String>> url = new AtomicReference<>();
    return () -> url.updateAndGet(known -> known != null && !known.isCompletedExceptionally() ? known
        : aws.sqs().getQueueUrl(q -> q.queueName(name)).thenApply(r -> r.queueUrl()));
  }
}
