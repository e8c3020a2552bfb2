package io.logmeter.reconcile;

import io.logmeter.fold.FoldView;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import io.logmeter.archive.RawRecordReader;

import io.logmeter.usage.Usage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Recounts usage from the raw archive and compares it with the counters: the independent check
 * that every archived message was counted once and nothing was counted without a raw copy.
 * A batch job: it blocks its calling thread (never call it on an event loop).
 */
public final class Reconciliation {

  private final ArchiveScan archive;
  private final CounterScan counters;
  private final Vertx vertx;
  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final String bucket;
  private final String usageTable;

  public Reconciliation(Vertx vertx, S3AsyncClient s3, DynamoDbAsyncClient dynamo, String bucket, String usageTable) {
    this.archive = new ArchiveScan(s3, bucket);
    this.counters = new CounterScan(dynamo, usageTable);
    this.vertx = vertx;
    this.s3 = s3;
    this.dynamo = dynamo;
    this.bucket = bucket;
    this.usageTable = usageTable;
  }

  public Report run(ReconcileOptions options, Progress progress) throws InterruptedException {
    List<String> keys = archive.keys(options.firstPartition(), options.lastPartition());
    progress.listed(keys.size());
    ArchiveTally tally = new ArchiveTally(options.from(), options.to(), options.accountId());
    long[] unreadable = new long[1];
    int[] read = new int[1];
    archive.read(keys, (key, bytes) -> {
      unreadable[0] += RawRecordReader.read(bytes, tally::add);
      progress.read(++read[0], tally.records());
    });

    // What the fold counted and has not written to the day items yet (nothing, with the pages ledger):
    // read before the items, whose hours from its compactedBefore on are left out of them.
    FoldView fold;
    try {
      fold = FoldView.readOnce(vertx, dynamo, s3, usageTable, bucket);
    } catch (Exception e) {
      throw new IllegalStateException("the fold's head and periods cannot be read: " + e, e);
    }
    Instant compacted = fold.snapshot().compactedBefore();
    SortedMap<AccountDay, Usage> counted;
    if (options.accountId() != null) {
      counted = counters.accounts(List.of(options.accountId()), options.from(), options.to(), compacted,
          progress::counters);
    } else if (options.scanCounters()) {
      counted = counters.everyAccount(options.from(), options.to(), compacted, progress::counters);
    } else {
      Set<String> accounts = new LinkedHashSet<>();
      tally.usage().keySet().forEach(at -> accounts.add(at.accountId()));
      counted = counters.accounts(accounts, options.from(), options.to(), compacted, progress::counters);
    }
    fold.forEachSince(compacted, (account, hour, u) -> {
      LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
      boolean asked = options.accountId() == null || options.accountId().equals(account);
      if (asked && !day.isBefore(options.from()) && !day.isAfter(options.to())) {
        counted.merge(new AccountDay(account, day), u, (a, b) -> a.plus(b.bytes(), b.messages()));
      }
    });
    progress.done();
    return new Report(options, keys.size(), tally.records(), tally.duplicates(), tally.outside(), unreadable[0],
        tally.usage(), counted, Drift.between(tally.usage(), counted));
  }
}
