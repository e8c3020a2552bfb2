package io.logmeter.message;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One accepted log message: who sent it, when, and how many billable bytes it carries.
 *
 * @param messageId the idempotency key: the SNS MessageId, or the SQS MessageId for raw delivery
 * @param accountId a lowercase UUID
 * @param eventTime the SNS Timestamp, or the SQS SentTimestamp; stable across redeliveries
 * @param bytes     the length of {@code logData} encoded as UTF-8
 */
public record LogRecord(String messageId, String accountId, Instant eventTime, long bytes, String logData) {

  /** The UTC day this message is billed to. */
  public LocalDate day() {
    return LocalDate.ofInstant(eventTime, ZoneOffset.UTC);
  }
}
