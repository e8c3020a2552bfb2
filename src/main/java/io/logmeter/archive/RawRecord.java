package io.logmeter.archive;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The fields of an archived record that billing depends on, as the reconciliation and the fold read
 * them back; {@code logData} is not needed.
 */
public record RawRecord(String messageId, String accountId, Instant eventTime, long bytes) {

  /** The UTC day the message is billed to. */
  public LocalDate day() {
    return LocalDate.ofInstant(eventTime, ZoneOffset.UTC);
  }
}
