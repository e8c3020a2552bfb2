package io.logmeter.reconcile;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The fields of an archived record that billing depends on; {@code logData} is not needed. */
record RawRecord(String messageId, String accountId, Instant eventTime, long bytes) {

  /** The UTC day the message is billed to. */
  LocalDate day() {
    return LocalDate.ofInstant(eventTime, ZoneOffset.UTC);
  }
}
