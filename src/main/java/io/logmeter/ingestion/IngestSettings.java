package io.logmeter.ingestion;

import io.logmeter.fold.FoldSettings;

/**
 * The ingest pipeline's slice of the service's configuration, by concern; each component is named
 * after the setting it carries, as docs/configuration.md describes it. Built by the composition
 * root ({@code Config.ingest()}), by those names, so that the pipeline knows nothing of how the
 * service is configured.
 */
public record IngestSettings(Receiving receiving, Batching batching, Ledger ledger, FoldSettings fold, String bucket,
    String instanceId, int shutdownGraceSeconds) {

  /** The long polls, and how much they may hold. */
  public record Receiving(int pollers, int receiveWaitSeconds, int visibilityTimeoutSeconds, int maxInFlightMessages,
      long maxInFlightBytes) {
  }

  /** When a flush starts, and how many run at once. */
  public record Batching(int batchMaxMessages, long batchMaxBytes, long batchMaxAgeMillis, int maxConcurrentFlushes) {
  }

  /** The ledger's tables and limits. */
  public record Ledger(String ledgerTable, String usageTable, int ledgerTtlDays, int maxConcurrentWrites,
      long ledgerMemoryMiB) {
  }
}
