package io.logmeter.ledger;

import java.util.HashSet;
import java.util.Set;

/**
 * The message ids of one ledger partition, held to tell a duplicate from a new message without a
 * read per message. Ids shaped like a UUID (SNS's and SQS's are) are kept exactly as their 128
 * bits in an open-addressing table, 16 bytes each plus free slots; any other id as a string.
 * Exact: never a false positive, which would lose a message's bytes. The fold's owner keeps its
 * hours' ids in them too.
 */
public final class IdSet {

  private long[] slots = new long[32]; // pairs: high, low; a pair of zeros is a free slot
  private int uuids;
  private boolean hasZero;
  private Set<String> others;

  boolean contains(String id) {
    if (!isUuidShaped(id)) {
      return others != null && others.contains(id);
    }
    long high = bits(id, 0);
    long low = bits(id, 19);
    if (high == 0 && low == 0) {
      return hasZero;
    }
    int at = find(slots, high, low);
    return slots[at] != 0 || slots[at + 1] != 0;
  }

  /** Adds the id; false if it was there already. */
  public boolean add(String id) {
    if (!isUuidShaped(id)) {
      if (others == null) {
        others = new HashSet<>();
      }
      return others.add(id);
    }
    long high = bits(id, 0);
    long low = bits(id, 19);
    if (high == 0 && low == 0) {
      boolean added = !hasZero;
      hasZero = true;
      return added;
    }
    int at = find(slots, high, low);
    if (slots[at] != 0 || slots[at + 1] != 0) {
      return false;
    }
    slots[at] = high;
    slots[at + 1] = low;
    if (++uuids * 4 > slots.length) { // over half the slots used: double
      long[] bigger = new long[slots.length * 2];
      for (int i = 0; i < slots.length; i += 2) {
        if (slots[i] != 0 || slots[i + 1] != 0) {
          int to = find(bigger, slots[i], slots[i + 1]);
          bigger[to] = slots[i];
          bigger[to + 1] = slots[i + 1];
        }
      }
      slots = bigger;
    }
    return true;
  }

  public int size() {
    return uuids + (hasZero ? 1 : 0) + (others == null ? 0 : others.size());
  }

  /** Roughly the bytes held, for the cache's weigher. */
  long weight() {
    return 16L + slots.length * 8L + (others == null ? 0 : others.size() * 100L);
  }

  private static int find(long[] table, long high, long low) {
    int mask = table.length / 2 - 1;
    long h = high * 0x9E3779B97F4A7C15L ^ low;
    int i = (int) (h ^ (h >>> 29)) & mask;
    while (true) {
      int at = i * 2;
      if ((table[at] == 0 && table[at + 1] == 0) || (table[at] == high && table[at + 1] == low)) {
        return at;
      }
      i = (i + 1) & mask;
    }
  }

  /** Lowercase hexadecimal in the 8-4-4-4-12 layout: the form whose 128 bits say it exactly. */
  static boolean isUuidShaped(String id) {
    if (id.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** 64 bits from the 16 hex digits starting at {@code from}, skipping dashes. */
  private static long bits(String id, int from) {
    long value = 0;
    int digits = 0;
    for (int i = from; digits < 16; i++) {
      char c = id.charAt(i);
      if (c != '-') {
        value = value << 4 | Character.digit(c, 16);
        digits++;
      }
    }
    return value;
  }
}
