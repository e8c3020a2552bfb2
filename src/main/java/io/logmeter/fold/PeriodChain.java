package io.logmeter.fold;

import io.logmeter.retry.AwsErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The fold's periods in S3: the owner writes each one before the head names it; readers (every
 * instance following the head, an owner rebuilding) read them back from the head, each period
 * naming the epoch of the one before it. An object the head's chain does not reach (an overtaken
 * owner's) is never read. Confined to the caller's context.
 */
public final class PeriodChain {

  private final S3AsyncClient s3;
  private final Context context;
  private final String bucket;

  public PeriodChain(S3AsyncClient s3, Context context, String bucket) {
    this.s3 = s3;
    this.context = context;
    this.bucket = bucket;
  }

  /** Writes a period's object; it counts for no one until the head names it. */
  public Future<Void> put(FoldPeriod period) {
    return Future.fromCompletionStage(s3.putObject(p -> p.bucket(bucket).key(period.key())
        .contentType("application/json"), AsyncRequestBody.fromBytes(period.encode())), context).mapEmpty();
  }

  /** One period, published under {@code epoch}. */
  public Future<FoldPeriod> get(long epoch, long period) {
    return Future.fromCompletionStage(s3.getObject(g -> g.bucket(bucket).key(FoldPeriod.key(epoch, period)),
        AsyncResponseTransformer.toBytes()), context).map(bytes -> FoldPeriod.decode(bytes.asByteArray()));
  }

  /** The periods after {@code after} up to the head's, oldest first; none when the head is not past it. */
  public Future<List<FoldPeriod>> since(long after, FoldHead.State head) {
    return since(after, Instant.MIN, head);
  }

  /**
   * The periods after {@code after} up to the head's, oldest first, back to the first one published
   * at or after {@code notBefore}: one published before it holds no record of an hour after it.
   */
  public Future<List<FoldPeriod>> since(long after, Instant notBefore, FoldHead.State head) {
    List<FoldPeriod> newestFirst = new ArrayList<>();
    if (head.period() <= after) {
      return Future.succeededFuture(newestFirst);
    }
    return back(head.publishedBy(), head.period(), after, notBefore, newestFirst).map(done -> {
      Collections.reverse(newestFirst);
      return newestFirst;
    });
  }

  private Future<Void> back(long epoch, long period, long after, Instant notBefore, List<FoldPeriod> read) {
    return Future.fromCompletionStage(s3.getObject(g -> g.bucket(bucket).key(FoldPeriod.key(epoch, period)),
            AsyncResponseTransformer.toBytes()), context)
        .recover(failure -> Future.failedFuture(new IllegalStateException("period " + period + " of epoch " + epoch
            + ", which the head's chain names, cannot be read (" + AwsErrors.code(failure) + ")", failure)))
        .compose(bytes -> {
          FoldPeriod p = FoldPeriod.decode(bytes.asByteArray());
          if (p.at().isBefore(notBefore)) {
            return Future.succeededFuture();
          }
          read.add(p);
          return period - 1 <= after ? Future.succeededFuture()
              : back(p.previousEpoch(), period - 1, after, notBefore, read);
        });
  }
}
