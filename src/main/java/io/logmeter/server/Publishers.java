package io.logmeter.server;

import io.logmeter.alerts.AlertPublisher;
import io.logmeter.publish.LogPublisher;
import io.logmeter.publish.PublishFailedException;
import io.logmeter.publish.QueuePublisher;
import io.logmeter.publish.SnsPublisher;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** Where HTTP ingest and the usage alerts publish, chosen from the configuration. */
final class Publishers {

  private Publishers() {
  }

  /**
   * The ingest topic in production; the queue itself where there is no SNS (local mode). Until the
   * queue is known ({@code queueUrl} completes once the resources answer) a request is answered
   * 503 at once, never left waiting.
   */
  static LogPublisher logs(Config config, AwsClients aws, Future<String> queueUrl) {
    if (config.publishing().topicArn() != null) {
      return new SnsPublisher(aws.sns(), config.publishing().topicArn());
    }
    if (config.publishing().publishToQueue()) {
      Future<QueuePublisher> queue = queueUrl.map(url -> new QueuePublisher(aws.sqs(), url, Clock.systemUTC()));
      return payloads -> queue.succeeded() ? queue.result().publish(payloads)
          : CompletableFuture.failedFuture(new PublishFailedException("the ingest queue is not ready yet"));
    }
    return payloads -> CompletableFuture.failedFuture(
        new PublishFailedException("no ingest topic configured (LOGMETER_TOPIC_ARN)"));
  }

  /** Alerts go to their topic in production, to a queue of their own in local mode (its URL asked once). */
  static AlertPublisher alerts(Config config, AwsClients aws) {
    Config.Alerts alerts = config.alerts();
    if (alerts.alertTopicArn() != null) {
      return (id, alert) -> aws.sns().publish(p -> p.topicArn(alerts.alertTopicArn()).message(alert)
          .subject("logmeter usage alert")).thenApply(r -> null);
    }
    if (config.publishing().publishToQueue()) {
      AtomicReference<CompletableFuture<String>> url = new AtomicReference<>();
      return (id, alert) -> {
        CompletableFuture<String> queue = url.updateAndGet(known -> known != null && !known.isCompletedExceptionally()
            ? known
            : aws.sqs().getQueueUrl(q -> q.queueName(alerts.alertQueueName())).thenApply(r -> r.queueUrl()));
        return queue.thenCompose(q -> aws.sqs().sendMessage(s -> s.queueUrl(q).messageBody(alert)))
            .thenApply(r -> null);
      };
    }
    return (id, alert) -> CompletableFuture.failedFuture(new IllegalStateException("no alert topic configured"));
  }
}
