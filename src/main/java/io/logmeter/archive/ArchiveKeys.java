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

  private ArchiveKeys() {
  }

  public static String key(String area, Instant receivedAt, String instanceId, long sequence) {
    return area + PARTITION.format(receivedAt) + STAMP.format(receivedAt) + '-' + instanceId + '-'
        + String.format("%06d", sequence) + ".ndjson";
  }
}
