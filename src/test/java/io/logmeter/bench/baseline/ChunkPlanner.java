package io.logmeter.bench.baseline;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.ledger.CommitOutcome;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.ledger.CounterKeys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a flush into transactions. Records are grouped by account and day so that each chunk
 * carries as few counter updates as possible: the fewer counters, the more messages fit in the
 * 100 actions of a transaction and the fewer write units each message costs.
 */
public final class ChunkPlanner {

  /** DynamoDB's limit of actions in one TransactWriteItems. */
  public static final int MAX_ACTIONS = 100;

  private ChunkPlanner() {
  }

  public static List<Chunk> plan(List<ArchivedRecord> records, int maxActions) {
    if (maxActions < 3) {
      throw new IllegalArgumentException("a chunk needs room for a record and its two counters");
    }
    List<ArchivedRecord> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparing((ArchivedRecord r) -> r.record().accountId())
        .thenComparing(r -> r.record().eventTime()));
    List<Chunk> chunks = new ArrayList<>();
    ChunkBuilder current = new ChunkBuilder();
    for (ArchivedRecord record : sorted) {
      if (current.actions() + current.cost(record) > maxActions) {
        chunks.add(current.build());
        current = new ChunkBuilder();
      }
      current.add(record);
    }
    if (!current.records.isEmpty()) {
      chunks.add(current.build());
    }
    return chunks;
  }

  private record CounterKey(String accountId, LocalDate day) {
  }

  private static final class ChunkBuilder {
    private final List<ArchivedRecord> records = new ArrayList<>();
    private final Map<CounterKey, long[]> counters = new LinkedHashMap<>();

    int actions() {
      return records.size() + counters.size();
    }

    int cost(ArchivedRecord r) {
      String account = r.record().accountId();
      int cost = 1;
      if (!counters.containsKey(new CounterKey(account, null))) {
        cost++;
      }
      if (!counters.containsKey(new CounterKey(account, r.record().day()))) {
        cost++;
      }
      return cost;
    }

    void add(ArchivedRecord r) {
      records.add(r);
      String account = r.record().accountId();
      addTo(new CounterKey(account, null), r.record().bytes());
      addTo(new CounterKey(account, r.record().day()), r.record().bytes());
    }

    private void addTo(CounterKey key, long bytes) {
      long[] sum = counters.computeIfAbsent(key, k -> new long[2]);
      sum[0] += bytes;
      sum[1] += 1;
    }

    Chunk build() {
      List<CounterDelta> deltas = new ArrayList<>(counters.size());
      counters.forEach((key, sum) -> deltas.add(new CounterDelta(key.accountId(), key.day(), sum[0], sum[1])));
      return new Chunk(List.copyOf(records), List.copyOf(deltas));
    }
  }
}
