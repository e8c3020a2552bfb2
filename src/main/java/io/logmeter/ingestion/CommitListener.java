package io.logmeter.ingestion;

import io.logmeter.ledger.CounterDelta;
import java.util.List;

/**
 * Told of what each commit counted, as soon as it is counted (also when another part of the same
 * commit then fails): how the cache adds this instance's own commits and alerts see crossings,
 * without the pipeline knowing either. Called on the ingest verticle's context; must not block.
 */
@FunctionalInterface
public interface CommitListener {

  /**
   * @param counted per account and day, and per account in total, what was counted
   * @param commitSentNanos when the commit was sent, by {@link System#nanoTime()}
   */
  void counted(List<CounterDelta> counted, long commitSentNanos);
}
