package io.logmeter.archive;

import java.util.concurrent.CompletableFuture;

/** Reads single raw records back from where the ledger says they lie; {@link RawRecords} reads them from S3. */
public interface ArchiveReader {

  /** The record's NDJSON line, without its newline. */
  CompletableFuture<String> read(RecordLocation at);
}
