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
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private SnsEnvelope() {
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
