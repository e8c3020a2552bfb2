package io.logmeter.ingestion;

import io.logmeter.message.MessageParser;
import io.logmeter.message.Parsed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** One SQS delivery held in flight: the message, what it parsed to, and when to extend its lease. */
final class Delivery {

  final String sqsMessageId;
  final String receiptHandle;
  final String body;
  final int size;
  final Instant receivedAt;
  final Parsed parsed;
  /** SQS's ApproximateReceiveCount: 1 at the first delivery. */
  final int receiveCount;
  /** When, by {@link System#nanoTime()}, it was received. */
  final long receivedAtNanos;
  /** When, by {@link System#nanoTime()}, its visibility must be extended if it is still held. */
  long extendAtNanos;
  /** An extension of it is under way: the keeper does not ask for another before it ends. */
  boolean extending;
  /** SQS refused to extend it (past its 12-hour cap, say): it is left to reappear. */
  boolean extensionRefused;
  /** Past its hold limit or refused an extension: the keeper leaves it alone from now on. */
  boolean extendedNoMore;

  Delivery(Message message, Instant receivedAt, long extendAtNanos) {
    this.sqsMessageId = message.messageId();
    this.receiptHandle = message.receiptHandle();
    this.body = message.body() == null ? "" : message.body();
    this.size = body.getBytes(StandardCharsets.UTF_8).length;
    this.receivedAt = receivedAt;
    this.extendAtNanos = extendAtNanos;
    this.receivedAtNanos = System.nanoTime();
    String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
    this.parsed = MessageParser.parse(sqsMessageId, body, sent == null ? -1 : parseLong(sent));
    String received = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    this.receiveCount = received == null ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, parseLong(received)));
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
