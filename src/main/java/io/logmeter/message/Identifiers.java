package io.logmeter.message;

import java.time.Instant;

/**
 * The one rule for each identifier and time that reaches a DynamoDB key, shared by ingestion, HTTP
 * ingest and the read API, so that whatever is billed can also be read back, listed and paged.
 */
public final class Identifiers {

  /** The longest message id: every id SNS and SQS hand out (36-character UUIDs) fits, with room. */
  public static final int MAX_MESSAGE_ID = 128;
  /** The first and the last instant with a four-digit year: the range whose days sort as text. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private Identifiers() {
  }

  /**
   * The canonical 8-4-4-4-12 form, in ASCII hexadecimal digits of either case. Not
   * {@code Character.digit}, which also takes Arabic-Indic or fullwidth digits: those would be
   * billed under a key no query of the canonical form reads.
   */
  public static boolean isUuid(String s) {
    if (s == null || s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !isAsciiHex(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * 1 to {@value #MAX_MESSAGE_ID} characters of {@code [A-Za-z0-9_.:-]}: no control character, no
   * surrogate, nothing a URL path must escape, and short enough for every key it becomes part of.
   */
  public static boolean isMessageId(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_MESSAGE_ID) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isAsciiLetterOrDigit(c) || c == '_' || c == '.' || c == ':' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Years 0001 to 9999: each day key then has the fixed width that sorting and ranges rely on. */
  public static boolean isEventTime(Instant t) {
    return t != null && !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
  }

  private static boolean isAsciiHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
