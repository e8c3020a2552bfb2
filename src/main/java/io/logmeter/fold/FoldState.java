package io.logmeter.fold;

import io.logmeter.archive.RawRecord;
import io.logmeter.ledger.IdSet;
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
 * yet, the ids it counted and their sums. Folding a record counts it unless its id is in its hour
 * already; what a fold counts is the delta a period publishes. Records of hours compacted already
 * are not decided here: they are handed back as late, for the owner to check against the hour's
 * pages. Pure: no Vert.x, no AWS SDK; confined to the owner.
 */
public final class FoldState {

  /** The sums of one account's hour. */
  public record Tally(String accountId, Instant hour, long bytes, long messages) {
  }

  /** What one fold did: the sums it added per account and hour, the duplicates, the late records. */
  public record Folded(List<Tally> counted, int duplicates, List<RawRecord> late) {
  }

  private record AccountHour(String accountId, Instant hour) {
  }

  private static final class Hour {
    final IdSet ids = new IdSet();
    long bytes;
    long messages;
  }

  /** By hour, then account: so that compaction takes whole hours, oldest first. */
  private final TreeMap<Instant, Map<String, Hour>> hours = new TreeMap<>();
  /** Every hour before this one is compacted: its records are late. */
  private Instant compactedBefore;

  public FoldState(Instant compactedBefore) {
    this.compactedBefore = compactedBefore.truncatedTo(ChronoUnit.HOURS);
  }

  /** Folds the records of archive objects, as read back: each id is counted once per hour. */
  public Folded fold(List<RawRecord> records) {
    Map<AccountHour, long[]> added = new LinkedHashMap<>();
    List<RawRecord> late = new ArrayList<>();
    int duplicates = 0;
    for (RawRecord r : records) {
      Instant hour = r.eventTime().truncatedTo(ChronoUnit.HOURS);
      if (hour.isBefore(compactedBefore)) {
        late.add(r);
        continue;
      }
      Hour tally = hours.computeIfAbsent(hour, h -> new LinkedHashMap<>()).computeIfAbsent(r.accountId(),
          a -> new Hour());
      if (!tally.ids.add(r.messageId())) {
        duplicates++;
        continue;
      }
      tally.bytes += r.bytes();
      tally.messages++;
      long[] sums = added.computeIfAbsent(new AccountHour(r.accountId(), hour), k -> new long[2]);
      sums[0] += r.bytes();
      sums[1]++;
    }
    List<Tally> counted = new ArrayList<>(added.size());
    added.forEach((key, sums) -> counted.add(new Tally(key.accountId(), key.hour(), sums[0], sums[1])));
    return new Folded(counted, duplicates, late);
  }

  /**
   * Takes out every hour that starts before {@code before}, for compaction: their sums, oldest hour
   * first. From then on their records are late.
   */
  public List<Tally> compact(Instant before) {
    Instant limit = before.truncatedTo(ChronoUnit.HOURS);
    List<Tally> taken = new ArrayList<>();
    Iterator<Map.Entry<Instant, Map<String, Hour>>> oldest = hours.headMap(limit).entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<Instant, Map<String, Hour>> hour = oldest.next();
      hour.getValue().forEach((account, tally) ->
          taken.add(new Tally(account, hour.getKey(), tally.bytes, tally.messages)));
      oldest.remove();
    }
    if (limit.isAfter(compactedBefore)) {
      compactedBefore = limit;
    }
    return taken;
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
        held += tally.ids.size();
      }
    }
    return held;
  }
}
