package io.logmeter.fold;

/**
 * Which ledger counts ({@code pages}: each flush writes its pages and days; {@code fold}: each flush
 * hands its archive object to the fold queue, and one owner folds), and the fold's queue, period,
 * compaction margin, lease and most pointers held, with the bucket and tables it reads and writes.
 * A slice of the service's configuration, named after its settings.
 */
public record FoldSettings(String ledger, String foldQueueName, long foldPeriodMillis, int foldCompactAfterSeconds,
    int foldLeaseSeconds, int foldPointersPerPeriod, String bucket, String ledgerTable, String usageTable,
    int ledgerTtlDays, String instanceId) {

  public boolean folding() {
    return "fold".equals(ledger);
  }
}
