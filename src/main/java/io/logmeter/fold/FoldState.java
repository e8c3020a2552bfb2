package io.logmeter.fold;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.ledger.IdSet;
import io.logmeter.ledger.PackedEntries;
import io.logmeter.message.LogRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fold's owner knows and no one else writes: per account and event hour not compacted
 * yet, the ids it counted, their sums, and their entries packed as the hour's page will hold them.
 * Folding a record counts it unless its id is in its account's hour already; what a fold counts is
 * the delta a period publishes.
 *
 * <p>Compaction goes account by account through the hours before a limit ({@link #due}, then
 * {@link #compacted}); {@link #compactedBefore} passes an hour once every account of it is
 * written. A record of an account's hour written already, or of an hour before
 * {@code compactedBefore}, is not decided here: it is handed back as late, for the owner to check
 * against the hour's pages. Pure: no Vert.x, no AWS SDK; confined to the owner.
 */
public final class FoldState {

  /** The sums of one account's hour. */
  public record Tally(String accountId, Instant hour, long bytes, long messages) {
  }

  /** An account's event hour: what the fold counts ids in, and writes as one. */
  public record AccountHour(String accountId, Instant hour) {
  }

  /**
   * What one fold did: the sums it added per account and hour, the entries it counted (what the
   * listing of logs reads until the hour is written), the duplicates, the late records.
   */
  public record Folded(List<Tally> counted, Map<AccountHour, PackedEntries> entries, int duplicates,
      List<ArchivedRecord> late) {
  }

  /** An account's hour to write: its entries and sums. */
  public record Due(String accountId, Instant hour, PackedEntries entries, long bytes, long messages) {
  }

  private static final class Hour {
    IdSet ids = new IdSet();
    PackedEntries entries;
    long bytes;
    long messages;
    /** Written to its pages: its records are late from then on. */
    boolean compacted;

    Hour(Instant hour) {
      entries = new PackedEntries(hour);
    }
  }

  /** By hour, then account: so that compaction takes the oldest hours first. */
  private final TreeMap<Instant, Map<String, Hour>> hours = new TreeMap<>();
  /** When each hour held last counted a record. */
  private final Map<Instant, Instant> lastCounted = new java.util.HashMap<>();
  /** Every hour before this one is compacted: its records are late. */
  private Instant compactedBefore;
  /** The latest limit compaction was asked to reach. */
  private Instant compactUpTo;

  public FoldState(Instant compactedBefore) {
    this.compactedBefore = compactedBefore.truncatedTo(ChronoUnit.HOURS);
    this.compactUpTo = this.compactedBefore;
  }

  /**
   * Folds the records of archive objects, as read back, at {@code now}: each id is counted once per
   * account and hour.
   */
  public Folded fold(List<ArchivedRecord> records, Instant now) {
    Map<AccountHour, long[]> added = new LinkedHashMap<>();
    Map<AccountHour, PackedEntries> entries = new LinkedHashMap<>();
    List<ArchivedRecord> late = new ArrayList<>();
    int duplicates = 0;
    for (ArchivedRecord archived : records) {
      LogRecord r = archived.record();
      Instant hour = r.eventTime().truncatedTo(ChronoUnit.HOURS);
      if (hour.isBefore(compactedBefore)) {
        late.add(archived);
        continue;
      }
      Hour tally = hours.computeIfAbsent(hour, h -> new LinkedHashMap<>()).computeIfAbsent(r.accountId(),
          a -> new Hour(hour));
      if (tally.compacted) {
        late.add(archived);
        continue;
      }
      if (!tally.ids.add(r.messageId())) {
        duplicates++;
        continue;
      }
      tally.entries.add(r.messageId(), r.eventTime(), archived.location().objectKey(), archived.location().offset(),
          archived.location().length(), r.bytes());
      AccountHour key = new AccountHour(r.accountId(), hour);
      entries.computeIfAbsent(key, k -> new PackedEntries(hour)).add(r.messageId(),
          r.eventTime(), archived.location().objectKey(), archived.location().offset(), archived.location().length(),
          r.bytes());
      tally.bytes += r.bytes();
      tally.messages++;
      lastCounted.put(hour, now);
      long[] sums = added.computeIfAbsent(key, k -> new long[2]);
      sums[0] += r.bytes();
      sums[1]++;
    }
    List<Tally> counted = new ArrayList<>(added.size());
    added.forEach((key, sums) -> counted.add(new Tally(key.accountId(), key.hour(), sums[0], sums[1])));
    return new Folded(counted, entries, duplicates, late);
  }

  /**
   * Up to {@code max} account-hours to write, of the hours that start before {@code before} and
   * counted nothing since {@code quietSince}, oldest hour first. {@link #compactedBefore} moves up as
   * they are written, to the first hour not written, at most to {@code before}.
   */
  public List<Due> due(Instant before, Instant quietSince, int max) {
    Instant limit = before.truncatedTo(ChronoUnit.HOURS);
    if (limit.isAfter(compactUpTo)) {
      compactUpTo = limit;
    }
    List<Due> due = new ArrayList<>();
    for (Map.Entry<Instant, Map<String, Hour>> hour : hours.headMap(compactUpTo).entrySet()) {
      if (lastCounted.getOrDefault(hour.getKey(), Instant.MIN).isAfter(quietSince)) {
        break; // still counting: its accounts would only be written again
      }
      for (Map.Entry<String, Hour> account : hour.getValue().entrySet()) {
        Hour h = account.getValue();
        if (!h.compacted) {
          due.add(new Due(account.getKey(), hour.getKey(), h.entries, h.bytes, h.messages));
          if (due.size() == max) {
            return due;
          }
        }
      }
    }
    advance();
    return due;
  }

  /** The account's hour is in its pages: its memory is freed, and its records are late from now on. */
  public void compacted(String accountId, Instant hour) {
    Map<String, Hour> accounts = hours.get(hour);
    Hour h = accounts == null ? null : accounts.get(accountId);
    if (h == null || h.compacted) {
      return;
    }
    h.compacted = true;
    h.ids = null;
    h.entries = null;
    advance();
  }

  /** Moves {@link #compactedBefore} up to the first hour with an account not written, at most to the limit. */
  private void advance() {
    Iterator<Map.Entry<Instant, Map<String, Hour>>> oldest = hours.headMap(compactUpTo).entrySet().iterator();
    Instant reached = compactUpTo;
    while (oldest.hasNext()) {
      Map.Entry<Instant, Map<String, Hour>> hour = oldest.next();
      if (hour.getValue().values().stream().allMatch(h -> h.compacted)) {
        lastCounted.remove(hour.getKey());
        oldest.remove();
      } else {
        reached = hour.getKey();
        break;
      }
    }
    if (reached.isAfter(compactedBefore)) {
      compactedBefore = reached;
    }
  }

  /** The first hour not compacted. */
  public Instant compactedBefore() {
    return compactedBefore;
  }

  /** The ids held, over all hours: what the owner's memory grows with. */
  public long idsHeld() {
    long held = 0;
    for (Map<String, Hour> hour : hours.values()) {
      for (Hour tally : hour.values()) {
        held += tally.compacted ? 0 : tally.ids.size();
      }
    }
    return held;
  }
}
