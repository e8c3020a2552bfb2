package io.logmeter.archive;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The raw archive in S3: one PUT per non-empty object, of known length. */
public final class RawArchive {

  private final S3AsyncClient s3;
  private final Context context;
  private final String bucket;

  public RawArchive(S3AsyncClient s3, Context context, String bucket) {
    this.s3 = s3;
    this.context = context;
    this.bucket = bucket;
  }

  /** Writes the non-empty objects in parallel; succeeds once all of them are durable. */
  public Future<Void> put(ArchiveObject... objects) {
    List<Future<?>> puts = new ArrayList<>();
    for (ArchiveObject object : objects) {
      if (!object.isEmpty()) {
        byte[] body = object.bytes();
        puts.add(Future.fromCompletionStage(s3.putObject(p -> p.bucket(bucket).key(object.key())
            .contentType("application/x-ndjson").contentLength((long) body.length),
            AsyncRequestBody.fromBytesUnsafe(body)), context));
      }
    }
    return Future.all(puts).mapEmpty();
  }
}
