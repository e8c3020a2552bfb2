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

  /** Marks a compact key line that is a {@link #shorten shortened} key, where no compact form reads back. */
  private static final String SHORTENED = "=";

  /**
   * A raw key as a line of a page's key table: its stamp in milliseconds from {@code hour}, the index
   * of its instance in {@code instances} (added there when new) and its sequence, in base 36,
   * separated by dots: {@code 2lo1t.0.3f}, about 10 characters against 36 shortened. A key without
   * that form, or whose form would not read back exactly, is its {@link #shorten shortened} self
   * behind {@code =}.
   */
  public static String compact(String key, java.time.Instant hour, java.util.List<String> instances) {
    String shortened = shorten(key);
    if (!shortened.startsWith(WHOLE)) {
      int lastDash = shortened.lastIndexOf('-');
      int firstDash = shortened.indexOf('-', STAMP_LENGTH - 1);
      if (firstDash == STAMP_LENGTH && lastDash > firstDash + 1) {
        try {
          long millis = Instant.from(STAMP.parse(shortened.substring(0, STAMP_LENGTH))).toEpochMilli();
          String instance = shortened.substring(firstDash + 1, lastDash);
          long sequence = Long.parseLong(shortened.substring(lastDash + 1));
          int index = instances.indexOf(instance);
          boolean added = index < 0;
          if (added) {
            index = instances.size();
            instances.add(instance);
          }
          String line = Long.toString(millis - hour.toEpochMilli(), 36) + '.' + index + '.'
              + Long.toString(sequence, 36);
          if (uncompact(line, hour, instances).equals(key) && !instance.contains(" ")) {
            return line;
          }
          if (added) {
            instances.remove(instances.size() - 1);
          }
        } catch (RuntimeException e) {
          // No compact form: kept shortened below.
        }
      }
    }
    return SHORTENED + shortened;
  }

  /** The key {@link #compact} made the line of. */
  public static String uncompact(String line, java.time.Instant hour, java.util.List<String> instances) {
    if (line.startsWith(SHORTENED)) {
      return expand(line.substring(SHORTENED.length()));
    }
    String[] parts = line.split("\\.", 3);
    Instant stamp = hour.plusMillis(Long.parseLong(parts[0], 36));
    return key(RAW, stamp, instances.get(Integer.parseInt(parts[1])), Long.parseLong(parts[2], 36));
  }
}
