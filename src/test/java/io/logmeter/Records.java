package io.logmeter;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RecordLocation;
import io.logmeter.message.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Accepted log messages as the tests need them, {@link LogRecord}s and their archived copies
 * ({@link ArchivedRecord}), built one way: what a test does not set has a plain default, and the
 * billed bytes are always what {@code logData} encodes to in UTF-8, as the parser bills them.
 */
public final class Records {

  public static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  public static final Instant EVENT_TIME = Instant.parse("2026-11-21T10:15:00Z");

  private Records() {
  }

  /** A record of message {@code messageId}: of {@link #ACCOUNT}, at {@link #EVENT_TIME}, logging "hello". */
  public static Builder record(String messageId) {
    return new Builder(messageId);
  }

  public static final class Builder {
    private final String messageId;
    private String accountId = ACCOUNT;
    private Instant eventTime = EVENT_TIME;
    private String logData = "hello";
    private String objectKey = "raw/test.ndjson";
    private long offset;
    private int length = 600;

    private Builder(String messageId) {
      this.messageId = messageId;
    }

    public Builder account(String accountId) {
      this.accountId = accountId;
      return this;
    }

    public Builder at(Instant eventTime) {
      this.eventTime = eventTime;
      return this;
    }

    /** At an ISO-8601 instant, such as {@code 2026-11-21T10:00:00Z}. */
    public Builder at(String eventTime) {
      return at(Instant.parse(eventTime));
    }

    public Builder logData(String logData) {
      this.logData = logData;
      return this;
    }

    /** Billed {@code bytes}: a log of that many ASCII characters. */
    public Builder bytes(int bytes) {
      return logData("x".repeat(bytes));
    }

    /** Archived at {@code offset} of {@code objectKey}, {@code length} bytes long. */
    public Builder in(String objectKey, long offset, int length) {
      this.objectKey = objectKey;
      this.offset = offset;
      this.length = length;
      return this;
    }

    public LogRecord build() {
      return new LogRecord(messageId, accountId, eventTime, logData.getBytes(StandardCharsets.UTF_8).length, logData);
    }

    public ArchivedRecord archived() {
      return new ArchivedRecord(build(), new RecordLocation(objectKey, offset, length));
    }
  }
}
