package io.logmeter.ledger;

import io.logmeter.archive.ArchiveKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of one account and event hour for a page of the packed form: appended one by one,
 * held as bytes (a writer keeps one of these per account-hour for a whole hour) and an object-key
 * table, then split into pages.
 *
 * <p>An entry, about 28 bytes for a UUID id (every number an unsigned LEB128 varint):
 * <ol>
 *   <li>a header, {@code objectIndex << 1 | 1} when the id is a lowercase canonical UUID, stored as
 *       its 16 bytes, or {@code objectIndex << 1} when it is any other id, stored as its UTF-8 length
 *       and bytes: one byte for the first 64 objects of a page;</li>
 *   <li>the event time, in milliseconds from the start of the hour: 3 or 4 bytes;</li>
 *   <li>offset, length of the raw record in its object, and its billed bytes.</li>
 * </ol>
 * The object keys are the table's, in order, each a line of its {@link ArchiveKeys#compact compact}
 * form (about 11 bytes), after a first line naming the instances those lines index, space-separated.
 */
public final class PackedEntries {

  private static final int UUID_BYTES = 16;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Instant hour;
  private final List<String> keys = new ArrayList<>();
  private final Map<String, Integer> keyIndex = new HashMap<>();
  /** The keys' lines in the table, and the instances they index. */
  private final List<String> keyLines = new ArrayList<>();
  private final List<String> instances = new ArrayList<>();
  private byte[] data = new byte[256];
  private int used;
  private int keyBytes;
  private int size;
  private long bytes;

  /** Entries of the event hour that starts at {@code hour}. */
  public PackedEntries(Instant hour) {
    if (!hour.truncatedTo(ChronoUnit.HOURS).equals(hour)) {
      throw new IllegalArgumentException("not the start of an hour: " + hour);
    }
    this.hour = hour;
  }

  public Instant hour() {
    return hour;
  }

  public void add(String messageId, Instant eventTime, String objectKey, long offset, int length, long bytes) {
    if (eventTime.isBefore(hour) || !eventTime.isBefore(hour.plus(1, ChronoUnit.HOURS))) {
      throw new IllegalArgumentException("event time " + eventTime + " outside the hour from " + hour);
    }
    if (offset < 0 || length < 0 || bytes < 0) {
      throw new IllegalArgumentException("negative offset, length or bytes: " + offset + ", " + length + ", " + bytes);
    }
    if (objectKey.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("an object key with a newline: " + objectKey);
    }
    Integer index = keyIndex.get(objectKey);
    if (index == null) {
      index = keys.size();
      int instancesBefore = instances.size();
      String line = ArchiveKeys.compact(objectKey, hour, instances);
      for (int i = instancesBefore; i < instances.size(); i++) {
        keyBytes += (i == 0 ? 0 : 1) + utf8(instances.get(i)).length;
      }
      keyBytes += 1 + utf8(line).length;
      keys.add(objectKey);
      keyLines.add(line);
      keyIndex.put(objectKey, index);
    }
    byte[] uuid = uuidBytes(messageId);
    if (uuid != null) {
      writeVarint((long) index << 1 | 1);
      write(uuid);
    } else {
      byte[] id = utf8(messageId);
      writeVarint((long) index << 1);
      writeVarint(id.length);
      write(id);
    }
    writeVarint(Duration.between(hour, eventTime).toMillis());
    writeVarint(offset);
    writeVarint(length);
    writeVarint(bytes);
    size++;
    this.bytes += bytes;
  }

  public int size() {
    return size;
  }

  /** The billed bytes of the entries. */
  public long bytes() {
    return bytes;
  }

  /** The bytes the entries and their object keys take in a page (its {@code p} and {@code k} values). */
  public int packedBytes() {
    return used + keyBytes;
  }

  /**
   * The entries, in order, as chunks of at most {@code maxPackedBytes} each, every chunk with only
   * the object keys its entries use.
   *
   * @throws IllegalArgumentException when an entry alone takes more
   */
  public List<PackedEntries> split(int maxPackedBytes) {
    List<PackedEntries> chunks = new ArrayList<>();
    PackedEntries chunk = new PackedEntries(hour);
    for (Cursor entries = new Cursor(hour, data, used, keys); entries.hasNext(); ) {
      Page.Entry e = entries.next();
      if (!chunk.addWithin(e, maxPackedBytes)) {
        if (chunk.size > 0) {
          chunks.add(chunk);
          chunk = new PackedEntries(hour);
        }
        if (!chunk.addWithin(e, maxPackedBytes)) {
          throw new IllegalArgumentException("an entry takes more than " + maxPackedBytes + " bytes: " + e);
        }
      }
    }
    if (chunk.size > 0) {
      chunks.add(chunk);
    }
    return chunks;
  }

  public List<Page.Entry> entries() {
    return new Cursor(hour, data, used, keys).rest();
  }

  /** Adds every entry of {@code other}, an hour's too. */
  public void addAll(PackedEntries other) {
    for (Page.Entry e : other.entries()) {
      add(e.messageId(), e.eventTime(), e.objectKey(), e.offset(), e.length(), e.bytes());
    }
  }

  /** The {@code p} value of a page. */
  public byte[] packed() {
    return Arrays.copyOf(data, used);
  }

  /** The {@code k} value of a page: the instances' line, then a line per key. */
  public String keys() {
    return keyLines.isEmpty() ? "" : String.join(" ", instances) + "\n" + String.join("\n", keyLines);
  }

  /** The entries of a page's {@code p} and {@code k} values, of the hour starting at {@code hour}. */
  public static List<Page.Entry> decode(Instant hour, byte[] packed, String keys) {
    List<String> objectKeys = new ArrayList<>();
    if (keys.isEmpty()) {
      return new Cursor(hour, packed, packed.length, objectKeys).rest();
    }
    String[] lines = keys.split("\n", -1);
    List<String> instances = lines[0].isEmpty() ? List.of() : List.of(lines[0].split(" "));
    for (int i = 1; i < lines.length; i++) {
      objectKeys.add(ArchiveKeys.uncompact(lines[i], hour, instances));
    }
    return new Cursor(hour, packed, packed.length, objectKeys).rest();
  }

  /**
   * Adds the entry if the packed bytes stay within {@code max}, and says whether it did. Added and
   * taken back, rather than measured first, so that the measure is the encoding itself.
   */
  private boolean addWithin(Page.Entry e, int max) {
    int keysBefore = keys.size();
    int instancesBefore = instances.size();
    int usedBefore = used;
    int keyBytesBefore = keyBytes;
    add(e.messageId(), e.eventTime(), e.objectKey(), e.offset(), e.length(), e.bytes());
    if (packedBytes() <= max) {
      return true;
    }
    used = usedBefore;
    keyBytes = keyBytesBefore;
    size--;
    bytes -= e.bytes();
    if (keys.size() > keysBefore) {
      keyIndex.remove(keys.remove(keysBefore));
      keyLines.remove(keysBefore);
    }
    while (instances.size() > instancesBefore) {
      instances.remove(instances.size() - 1);
    }
    return false;
  }

  private void write(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, data, used, b.length);
    used += b.length;
  }

  private void writeVarint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      data[used++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    data[used++] = (byte) value;
  }

  private void ensure(int more) {
    if (used + more > data.length) {
      // Half as much again, not double: a busy hour's entries run to tens of MB.
      data = Arrays.copyOf(data, Math.max(used + more, data.length + (data.length >> 1)));
    }
  }

  /** The 16 bytes of a lowercase canonical UUID, or null for any other id (which keeps its exact text). */
  private static byte[] uuidBytes(String id) {
    if (id.length() != 36) {
      return null;
    }
    byte[] uuid = new byte[UUID_BYTES];
    int nibble = 0;
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return null;
        }
        continue;
      }
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) {
        return null;
      }
      uuid[nibble >> 1] |= (byte) ((nibble & 1) == 0 ? digit << 4 : digit);
      nibble++;
    }
    return uuid;
  }

  private static String uuidText(byte[] data, int from) {
    char[] text = new char[36];
    int c = 0;
    for (int i = 0; i < UUID_BYTES; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        text[c++] = '-';
      }
      text[c++] = HEX[(data[from + i] >> 4) & 0xF];
      text[c++] = HEX[data[from + i] & 0xF];
    }
    return new String(text);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads packed entries one after the other. */
  private static final class Cursor {

    private final Instant hour;
    private final byte[] data;
    private final int end;
    private final List<String> keys;
    private int at;

    Cursor(Instant hour, byte[] data, int end, List<String> keys) {
      this.hour = hour;
      this.data = data;
      this.end = end;
      this.keys = keys;
    }

    boolean hasNext() {
      return at < end;
    }

    Page.Entry next() {
      long header = varint();
      String objectKey = keys.get((int) (header >>> 1));
      String messageId;
      if ((header & 1) == 1) {
        messageId = uuidText(data, at);
        at += UUID_BYTES;
      } else {
        int idLength = (int) varint();
        messageId = new String(data, at, idLength, StandardCharsets.UTF_8);
        at += idLength;
      }
      Instant eventTime = hour.plusMillis(varint());
      long offset = varint();
      int length = (int) varint();
      return new Page.Entry(messageId, eventTime, objectKey, offset, length, varint());
    }

    List<Page.Entry> rest() {
      List<Page.Entry> entries = new ArrayList<>();
      while (hasNext()) {
        entries.add(next());
      }
      return entries;
    }

    private long varint() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = data[at++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
    }
  }
}
