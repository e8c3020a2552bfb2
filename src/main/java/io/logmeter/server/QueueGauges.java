package io.logmeter.server;

import io.logmeter.retry.AwsErrors;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The ingest queue's backlog and the dead-letter queue's depth as gauges
 * ({@code logmeter_queue_messages{queue, state}}), read from SQS every {@value #PERIOD_MILLIS} ms:
 * what the console's operations view and a first look need, without a second monitoring stack.
 * SQS's numbers are approximate, as SQS says. Two requests per period per instance. A gauge is -1
 * until its first answer.
 */
final class QueueGauges {

  static final long PERIOD_MILLIS = 15_000;
  private static final String DESCRIPTION = "messages in the queue, waiting (visible) or received and not yet deleted "
      + "(in_flight); SQS's approximate counts";
  private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);

  private final SqsAsyncClient sqs;
  private final Map<String, String> urls;
  private final Map<String, AtomicLong[]> depths = Map.of("ingest", cells(), "dlq", cells());

  private QueueGauges(SqsAsyncClient sqs, Map<String, String> urls, MeterRegistry registry) {
    this.sqs = sqs;
    this.urls = urls;
    depths.forEach((queue, cells) -> {
      Gauge.builder("logmeter.queue.messages", cells[0], AtomicLong::get).tag("queue", queue).tag("state", "visible")
          .description(DESCRIPTION).register(registry);
      Gauge.builder("logmeter.queue.messages", cells[1], AtomicLong::get).tag("queue", queue)
          .tag("state", "in_flight").description(DESCRIPTION).register(registry);
    });
  }

  /** Starts reading the depths of the ingest queue and of its DLQ, {@code dlqName}. */
  static void start(Vertx vertx, SqsAsyncClient sqs, String queueUrl, String dlqName, MeterRegistry registry) {
    sqs.getQueueUrl(q -> q.queueName(dlqName)).whenComplete((dlq, failure) -> {
      if (failure != null) {
        log.warn("no depth gauges for the DLQ {} ({})", dlqName, AwsErrors.code(failure));
      }
      Map<String, String> urls = failure == null ? Map.of("ingest", queueUrl, "dlq", dlq.queueUrl())
          : Map.of("ingest", queueUrl);
      QueueGauges gauges = new QueueGauges(sqs, urls, registry);
      gauges.read();
      vertx.setPeriodic(PERIOD_MILLIS, id -> gauges.read());
    });
  }

  private void read() {
    urls.forEach((queue, url) -> sqs.getQueueAttributes(a -> a.queueUrl(url).attributeNames(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .whenComplete((answer, failure) -> {
          if (failure != null) {
            log.debug("depth of {} not read: {}", queue, AwsErrors.code(failure));
            return;
          }
          AtomicLong[] cells = depths.get(queue);
          cells[0].set(number(answer.attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)));
          cells[1].set(number(answer.attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
        }));
  }

  private static long number(String value) {
    return value == null ? -1 : Long.parseLong(value);
  }

  private static AtomicLong[] cells() {
    return new AtomicLong[] {new AtomicLong(-1), new AtomicLong(-1)};
  }
}
