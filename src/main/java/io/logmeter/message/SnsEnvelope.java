package io.logmeter.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The body SNS delivers to a subscribed queue (without raw message delivery) for one publish. */
public final class SnsEnvelope {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** SNS stamps milliseconds, always three digits: {@code 2026-11-21T10:00:00.000Z}. */
  private static final DateTimeFormatter SNS_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** SNS's limit on one published message, and on the sum of a batch's. */
  public static final int MAX_PUBLISH_BYTES = 262_144;
  /**
   * What logmeter's queues take (their {@code MaximumMessageSize}, set when they are created): the
   * limit every SQS queue has supported, which SNS's delivery of the whole envelope must fit.
   */
  public static final int MAX_QUEUE_MESSAGE_BYTES = 262_144;
  /**
   * Room for what SNS puts around the Message: ids, the topic's and the subscription's ARNs (up to
   * 256 characters each), the 344-character signature, the certificate and unsubscribe URLs. About
   * 1.3 KiB at the longest; the bound leaves room.
   */
  public static final int ENVELOPE_OVERHEAD_BYTES = 2_048;

  private SnsEnvelope() {
  }

  /**
   * The size of the body SNS delivers for {@code message}, at most: the message escaped once more
   * as a JSON string (a backslash or a quote doubles, a control character already escaped grows by
   * one), plus the envelope's other fields.
   */
  public static long deliveredBytes(String message) {
    try {
      return JSON.writeValueAsBytes(message).length + (long) ENVELOPE_OVERHEAD_BYTES;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a string always encodes", e);
    }
  }

  public static String wrap(String messageId, String topicArn, Instant timestamp, String message) {
    ObjectNode envelope = JSON.createObjectNode()
        .put("Type", "Notification")
        .put("MessageId", messageId)
        .put("TopicArn", topicArn)
        .put("Message", message)
        .put("Timestamp", SNS_TIME.format(timestamp));
    return envelope.toString();
  }
}
