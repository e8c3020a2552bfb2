package io.logmeter.ingestion;

import java.time.Duration;

/**
 * The ingest pipeline's slice of the service's configuration, by concern; docs/configuration.md
 * describes each setting under the same name. Built by the composition root ({@code Config.ingest()}),
 * so that the pipeline knows nothing of how the service is configured.
 */
public record IngestSettings(Receiving receiving, Batching batching, Ledger ledger, String bucket,
    String instanceId, Duration shutdownGrace) {

  /** The long polls, and how much they may hold. */
  public record Receiving(int pollers, int receiveWaitSeconds, int visibilityTimeoutSeconds, int maxInFlightMessages,
      long maxInFlightBytes) {
  }

  /** When a flush starts, and how many run at once. */
  public record Batching(int batchMaxMessages, long batchMaxBytes, Duration batchMaxAge, int maxConcurrentFlushes) {
  }

  /** The ledger's tables and limits. */
  public record Ledger(String ledgerTable, String usageTable, Duration ledgerTtl, int maxConcurrentWrites,
      long ledgerMemoryMiB) {
  }
}
