package io.logmeter.message;

/** Billable size of a string: its length encoded as UTF-8, computed without encoding it. */
public final class Utf8 {

  private Utf8() {
  }

  /** The UTF-8 length of {@code s}, or -1 if it holds an unpaired surrogate (not encodable). */
  public static long encodedLength(String s) {
    long bytes = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 4;
          i++;
        } else {
          return -1;
        }
      } else if (Character.isLowSurrogate(c)) {
        return -1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
