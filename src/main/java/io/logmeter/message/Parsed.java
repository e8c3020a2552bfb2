package io.logmeter.message;

/** What a queue message turned out to be: a billable record, or a rejection with its reason. */
public sealed interface Parsed {

  record Accepted(LogRecord record) implements Parsed {
  }

  /**
   * @param reason a stable machine-readable code, used as a metric tag
   * @param detail a human-readable explanation
   */
  record Rejected(String reason, String detail) implements Parsed {
  }
}
