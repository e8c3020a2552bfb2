package io.logmeter.archive;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Object keys partitioned by receive time so that Athena can project {@code dt} and {@code hr}:
 * {@code raw/dt=YYYY-MM-DD/hr=HH/<receive-time>-<instance>-<seq>.ndjson}.
 */
public final class ArchiveKeys {

  public static final String RAW = "raw/";
  public static final String REJECTED = "rejected/";

  private static final DateTimeFormatter PARTITION =
      DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH'/'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
  private static final int STAMP_LENGTH = "yyyyMMddTHHmmssSSSZ".length();
  private static final String SUFFIX = ".ndjson";
  private static final String WHOLE = "/";

  private ArchiveKeys() {
  }

  public static String key(String area, Instant receivedAt, String instanceId, long sequence) {
    return area + PARTITION.format(receivedAt) + STAMP.format(receivedAt) + '-' + instanceId + '-'
        + String.format("%06d", sequence) + SUFFIX;
  }

  /**
   * A key in as few characters as {@link #expand} reads back exactly: a raw key of the shape
   * {@link #key} makes loses its {@code raw/dt=…/hr=…/} prefix, which its stamp repeats, and its
   * {@code .ndjson} suffix; any other key is kept whole behind a {@code /}, which a shortened key,
   * the last segment of its key, cannot start with.
   */
  public static String shorten(String key) {
    if (key.startsWith(RAW) && key.endsWith(SUFFIX)) {
      String name = key.substring(key.lastIndexOf('/') + 1, key.length() - SUFFIX.length());
      if (name.length() >= STAMP_LENGTH && expand(name).equals(key)) {
        return name;
      }
    }
    return WHOLE + key;
  }

  /** The key {@link #shorten} was given. */
  public static String expand(String shortened) {
    if (shortened.startsWith(WHOLE)) {
      return shortened.substring(WHOLE.length());
    }
    if (shortened.length() < STAMP_LENGTH) {
      throw new IllegalArgumentException("not a shortened archive key: " + shortened);
    }
    return RAW + "dt=" + shortened.substring(0, 4) + '-' + shortened.substring(4, 6) + '-' + shortened.substring(6, 8)
        + "/hr=" + shortened.substring(9, 11) + '/' + shortened + SUFFIX;
  }
}
