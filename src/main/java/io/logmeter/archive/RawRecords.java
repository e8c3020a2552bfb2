package io.logmeter.archive;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Reads single raw records back with a ranged GET of the bytes the ledger or the index points at. */
public final class RawRecords implements ArchiveReader {

  private final S3AsyncClient s3;
  private final String bucket;

  public RawRecords(S3AsyncClient s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  @Override
  public CompletableFuture<String> read(RecordLocation at) {
    String range = "bytes=" + at.offset() + "-" + (at.offset() + at.length() - 1);
    return s3.getObject(g -> g.bucket(bucket).key(at.objectKey()).range(range), AsyncResponseTransformer.toBytes())
        .thenApply(bytes -> bytes.asUtf8String());
  }
}
