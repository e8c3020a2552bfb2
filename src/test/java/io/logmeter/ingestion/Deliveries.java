package io.logmeter.ingestion;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * SQS deliveries as the poller holds them, built one way for every test: received now, due for an
 * extension now, with a body that is {@code {}} (malformed: most parts of the pipeline never look
 * inside) unless the test gives one.
 */
final class Deliveries {

  private Deliveries() {
  }

  /** A delivery of SQS message {@code id}, whose receipt handle is {@code r-id}. */
  static Builder delivery(String id) {
    return new Builder(id);
  }

  /** {@code count} deliveries, {@code m0} to {@code m<count-1>}, each of a body {@code bodyBytes} long. */
  static List<Delivery> deliveries(int count, int bodyBytes) {
    return IntStream.range(0, count).mapToObj(n -> delivery("m" + n).bodyBytes(bodyBytes).build()).toList();
  }

  /** A message a test received from a real queue, held as the poller would hold it. */
  static Delivery received(Message message) {
    return new Delivery(message, Instant.now(), System.nanoTime());
  }

  static final class Builder {
    private final String id;
    private String body = "{}";
    private final Map<MessageSystemAttributeName, String> attributes = new HashMap<>();

    private Builder(String id) {
      this.id = id;
    }

    Builder body(String body) {
      this.body = body;
      return this;
    }

    /** A body of {@code bytes} ASCII characters. */
    Builder bodyBytes(int bytes) {
      return body("x".repeat(bytes));
    }

    /** SQS's ApproximateReceiveCount, as a number or not: without it, a delivery counts as the first. */
    Builder receiveCount(String count) {
      attributes.put(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, count);
      return this;
    }

    Builder receiveCount(int count) {
      return receiveCount(Integer.toString(count));
    }

    Delivery build() {
      return received(Message.builder().messageId(id).receiptHandle("r-" + id).body(body).attributes(attributes)
          .build());
    }
  }
}
