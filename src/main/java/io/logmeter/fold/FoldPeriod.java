package io.logmeter.fold;

import io.logmeter.ledger.PackedEntries;
import io.logmeter.ledger.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What one period of the fold publishes, as the S3 object {@link #key} the head names: the epoch
 * and number it was published under, the epoch that published the period before it (so that the
 * periods can be read back from the head, whatever epochs published them), when it was published
 * (so it holds no record of a later hour: event time comes before the archive), the instant through
 * which it counts, the first hour not compacted when it was published, the archive objects it folded (what a new owner folds again to rebuild its ids),
 * and the sums it added per account and hour (what every instance adds to its cache).
 */
public record FoldPeriod(long epoch, long period, long previousEpoch, Instant at, Instant countedThrough,
    Instant compactedBefore, List<String> objects, List<FoldState.Tally> counted, List<Entries> entries) {

  /** The entries one account's hour counted in the period, packed as pages pack them: what the listing of logs reads. */
  public record Entries(String accountId, Instant hour, byte[] packed, String keys) {

    public List<Page.Entry> decode() {
      return PackedEntries.decode(hour, packed, keys);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Entries e && accountId.equals(e.accountId) && hour.equals(e.hour)
          && java.util.Arrays.equals(packed, e.packed) && keys.equals(e.keys);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(accountId, hour, java.util.Arrays.hashCode(packed), keys);
    }

    @Override
    public String toString() {
      return "Entries[" + accountId + ", " + hour + ", " + packed.length + " bytes]";
    }
  }

  public FoldPeriod {
    objects = List.copyOf(objects);
    counted = List.copyOf(counted);
    entries = List.copyOf(entries);
  }

  /**
   * Where period {@code period} published under {@code epoch} is kept: the epoch in the key, so that
   * an overtaken owner's late write of a number never replaces the object the head names; numbers
   * zero-padded so that keys sort as they do.
   */
  public static String key(long epoch, long period) {
    return String.format("fold/%019d/%019d.json", epoch, period);
  }

  public String key() {
    return key(epoch, period);
  }

  public byte[] encode() {
    JsonArray tallies = new JsonArray();
    for (FoldState.Tally t : counted) {
      tallies.add(new JsonArray().add(t.accountId()).add(t.hour().toString()).add(t.bytes()).add(t.messages()));
    }
    JsonArray packed = new JsonArray();
    for (Entries e : entries) {
      packed.add(new JsonArray().add(e.accountId()).add(e.hour().toString())
          .add(Base64.getEncoder().encodeToString(e.packed())).add(e.keys()));
    }
    return new JsonObject().put("epoch", epoch).put("period", period).put("previousEpoch", previousEpoch)
        .put("at", at.toString()).put("countedThrough", countedThrough.toString())
        .put("compactedBefore", compactedBefore.toString())
        .put("objects", new JsonArray(new ArrayList<>(objects))).put("counted", tallies).put("entries", packed)
        .encode().getBytes(StandardCharsets.UTF_8);
  }

  public static FoldPeriod decode(byte[] object) {
    JsonObject json = new JsonObject(new String(object, StandardCharsets.UTF_8));
    List<String> objects = new ArrayList<>();
    json.getJsonArray("objects").forEach(key -> objects.add((String) key));
    List<FoldState.Tally> counted = new ArrayList<>();
    for (Object entry : json.getJsonArray("counted")) {
      JsonArray t = (JsonArray) entry;
      counted.add(new FoldState.Tally(t.getString(0), Instant.parse(t.getString(1)), t.getLong(2), t.getLong(3)));
    }
    List<Entries> entries = new ArrayList<>();
    for (Object entry : json.getJsonArray("entries", new JsonArray())) {
      JsonArray e = (JsonArray) entry;
      entries.add(new Entries(e.getString(0), Instant.parse(e.getString(1)), Base64.getDecoder().decode(e.getString(2)),
          e.getString(3)));
    }
    return new FoldPeriod(json.getLong("epoch"), json.getLong("period"), json.getLong("previousEpoch"),
        Instant.parse(json.getString("at")), Instant.parse(json.getString("countedThrough")),
        Instant.parse(json.getString("compactedBefore")), objects, counted, entries);
  }
}
