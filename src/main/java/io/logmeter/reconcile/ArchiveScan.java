package io.logmeter.reconcile;

import io.logmeter.archive.ArchiveKeys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Lists and reads the raw archive objects of a range of partitions ({@code raw/dt=YYYY-MM-DD/}). */
final class ArchiveScan {

  /** Archive objects are at most a flush's batch (8 MiB by default): this bounds memory too. */
  static final int CONCURRENT_READS = 16;

  private final S3AsyncClient s3;
  private final String bucket;

  ArchiveScan(S3AsyncClient s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /**
   * The keys of partitions {@code first} to {@code last}, in key order: one listing that starts
   * just before the first day's prefix and stops at the day after the last, rather than a listing
   * per day or hour.
   */
  List<String> keys(LocalDate first, LocalDate last) {
    String startAfter = partition(first);
    String end = partition(last.plusDays(1));
    List<String> keys = new ArrayList<>();
    String token = null;
    while (true) {
      String continuation = token;
      ListObjectsV2Response page = s3.listObjectsV2(r -> {
        r.bucket(bucket).prefix(ArchiveKeys.RAW);
        if (continuation == null) {
          r.startAfter(startAfter);
        } else {
          r.continuationToken(continuation);
        }
      }).join();
      for (S3Object object : page.contents()) {
        if (object.key().compareTo(end) >= 0) {
          return keys;
        }
        keys.add(object.key());
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return keys;
      }
      token = page.nextContinuationToken();
    }
  }

  /** Reads every object and hands its bytes to {@code sink} on the calling thread. */
  void read(List<String> keys, BiConsumer<String, byte[]> sink) throws InterruptedException {
    BoundedCalls.run(keys, CONCURRENT_READS,
        key -> s3.getObject(r -> r.bucket(bucket).key(key), AsyncResponseTransformer.toBytes())
            .thenApply(response -> response.asByteArrayUnsafe()),
        sink);
  }

  /** {@code raw/dt=YYYY-MM-DD}: sorts before every key of that day and after every key of the day before. */
  static String partition(LocalDate day) {
    return ArchiveKeys.RAW + "dt=" + day;
  }
}
