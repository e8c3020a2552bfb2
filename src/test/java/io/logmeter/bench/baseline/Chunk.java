package io.logmeter.bench.baseline;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.ledger.CommitOutcome;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.ledger.CounterKeys;
import java.util.List;

/**
 * The records of one transaction and the counter updates for exactly those records. A chunk never
 * has more than {@link ChunkPlanner#MAX_ACTIONS} actions: one ledger put per record plus one update
 * per counter.
 */
public record Chunk(List<ArchivedRecord> records, List<CounterDelta> counters) {

  public int actions() {
    return records.size() + counters.size();
  }
}
