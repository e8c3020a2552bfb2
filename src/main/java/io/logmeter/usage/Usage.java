package io.logmeter.usage;

/** Billable bytes and message count. */
public record Usage(long bytes, long messages) {

  public static final Usage ZERO = new Usage(0, 0);

  public Usage plus(long moreBytes, long moreMessages) {
    return new Usage(bytes + moreBytes, messages + moreMessages);
  }
}
