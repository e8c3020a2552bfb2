package io.logmeter.ledger;

import io.logmeter.archive.RecordLocation;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One page of the ledger: the messages one write counted for one account and event hour, with
 * where each raw record lies. A partition ({@code <accountId>#<yyyy-MM-ddTHH>}) is a chain of pages
 * numbered 1, 2, 3…; page v is written only by a writer that has read pages 1 to v-1, on the
 * condition that no page v exists. So no message id is in two pages of its partition, and the
 * page's cumulative sums ({@code cumBytes}, {@code cumMessages}) are the partition's exact usage
 * up to it. Pages are never changed once written.
 *
 * <p>A page has one of two forms, and {@link #of} reads both:
 * <ul>
 *   <li>classic ({@link #item}), as the ingest writes it: every entry points into one archive object
 *       ({@code o}), and the entries are one string attribute ({@code e}), a line each:
 *       {@code <messageId> <eventTime epoch ms> <offset> <length> <bytes>}; about 70 bytes a message,
 *       so that a page costs one write unit per ~14 messages instead of one per message;</li>
 *   <li>packed ({@link Packed}): entries pointing into many objects, in binary ({@code p}, see
 *       {@link PackedEntries}), and the keys of those objects ({@code k}); about 30 bytes a message.</li>
 * </ul>
 */
public record Page(String partition, long version, String writer, List<Entry> entries, long cumBytes,
    long cumMessages) {

  /** A message counted in a page, and where its raw record lies. */
  public record Entry(String messageId, Instant eventTime, String objectKey, long offset, int length, long bytes) {

    public RecordLocation location() {
      return new RecordLocation(objectKey, offset, length);
    }
  }

  /** A page of the packed form, to be written: its entries must be of the partition's hour. */
  public record Packed(String partition, long version, String writer, PackedEntries entries, long cumBytes,
      long cumMessages) {

    public Packed {
      if (!partition.endsWith('#' + hour(entries.hour()))) {
        throw new IllegalArgumentException("entries of the hour from " + entries.hour() + " in partition " + partition);
      }
    }

    public Map<String, AttributeValue> item(long expiresAt) {
      Map<String, AttributeValue> item = common(partition, version, writer, entries.bytes(), entries.size(),
          cumBytes, cumMessages, expiresAt);
      item.put(PACKED, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(entries.packed())));
      item.put(OBJECT_KEYS, AttributeValue.fromS(entries.keys()));
      return item;
    }
  }

  public static final String PARTITION = "pk";
  public static final String VERSION = "sk";
  static final String ENTRIES = "e";
  static final String OBJECT_KEY = "o";
  static final String PACKED = "p";
  static final String OBJECT_KEYS = "k";
  static final String WRITER = "w";
  static final String CUM_BYTES = "cb";
  static final String CUM_MESSAGES = "cn";
  static final String BYTES = "b";
  static final String MESSAGES = "n";
  public static final String EXPIRES_AT = "expiresAt";

  /** Characters of entries a page holds at most: with the rest, well under DynamoDB's 400 KB item. */
  static final int MAX_ENTRY_CHARS = 300_000;

  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH").withZone(ZoneOffset.UTC);

  /** The partition of an account's messages of one event hour. */
  public static String partition(String accountId, Instant eventTime) {
    return accountId + '#' + hour(eventTime);
  }

  public static String partition(String accountId, String hour) {
    return accountId + '#' + hour;
  }

  /** {@code yyyy-MM-ddTHH} of an instant, UTC. */
  public static String hour(Instant instant) {
    return HOUR.format(instant.truncatedTo(ChronoUnit.HOURS));
  }

  public long bytes() {
    long sum = 0;
    for (Entry e : entries) {
      sum += e.bytes();
    }
    return sum;
  }

  /** The item of the classic form, which names one object: every entry must point into it. */
  public Map<String, AttributeValue> item(long expiresAt) {
    String objectKey = entries.isEmpty() ? "" : entries.get(0).objectKey();
    StringBuilder packed = new StringBuilder(entries.size() * 72);
    for (Entry e : entries) {
      if (!e.objectKey().equals(objectKey)) {
        throw new IllegalArgumentException("a classic page points into one object, not " + objectKey + " and "
            + e.objectKey());
      }
      packed.append(e.messageId()).append(' ').append(e.eventTime().toEpochMilli()).append(' ')
          .append(e.offset()).append(' ').append(e.length()).append(' ').append(e.bytes()).append('\n');
    }
    Map<String, AttributeValue> item = common(partition, version, writer, bytes(), entries.size(), cumBytes,
        cumMessages, expiresAt);
    item.put(OBJECT_KEY, AttributeValue.fromS(objectKey));
    item.put(ENTRIES, AttributeValue.fromS(packed.toString()));
    return item;
  }

  /** A page of either form. */
  public static Page of(Map<String, AttributeValue> item) {
    String partition = item.get(PARTITION).s();
    List<Entry> entries = item.containsKey(PACKED)
        ? PackedEntries.decode(startOfHour(partition), item.get(PACKED).b().asByteArrayUnsafe(),
            item.get(OBJECT_KEYS).s())
        : classicEntries(item.get(ENTRIES).s(), item.get(OBJECT_KEY).s());
    return new Page(partition, Long.parseLong(item.get(VERSION).n()), item.get(WRITER).s(), entries,
        Long.parseLong(item.get(CUM_BYTES).n()), Long.parseLong(item.get(CUM_MESSAGES).n()));
  }

  /** The characters an entry takes in the packed attribute. */
  static int entryChars(String messageId) {
    return messageId.length() + 40;
  }

  private static List<Entry> classicEntries(String packed, String objectKey) {
    List<Entry> entries = new ArrayList<>();
    int from = 0;
    while (from < packed.length()) {
      int end = packed.indexOf('\n', from);
      String[] f = packed.substring(from, end).split(" ", 5);
      entries.add(new Entry(f[0], Instant.ofEpochMilli(Long.parseLong(f[1])), objectKey, Long.parseLong(f[2]),
          Integer.parseInt(f[3]), Long.parseLong(f[4])));
      from = end + 1;
    }
    return entries;
  }

  /** The start of a partition's event hour. */
  private static Instant startOfHour(String partition) {
    String hour = partition.substring(partition.lastIndexOf('#') + 1);
    return LocalDateTime.parse(hour + ":00").toInstant(ZoneOffset.UTC);
  }

  private static Map<String, AttributeValue> common(String partition, long version, String writer, long bytes,
      int messages, long cumBytes, long cumMessages, long expiresAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PARTITION, AttributeValue.fromS(partition));
    item.put(VERSION, n(version));
    item.put(WRITER, AttributeValue.fromS(writer));
    item.put(BYTES, n(bytes));
    item.put(MESSAGES, n(messages));
    item.put(CUM_BYTES, n(cumBytes));
    item.put(CUM_MESSAGES, n(cumMessages));
    item.put(EXPIRES_AT, n(expiresAt));
    return item;
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
