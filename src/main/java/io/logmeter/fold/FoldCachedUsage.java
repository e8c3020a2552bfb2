package io.logmeter.fold;

import io.logmeter.usage.CachedUsage;
import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageStore;
import io.vertx.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A cached total as the fold counts it: the hours compacted when it was loaded, and the head's
 * {@code countedThrough} then; an answer adds the view's deltas from the first hour not compacted
 * then on. An int and a long more than the pages ledger's entry.
 */
public final class FoldCachedUsage extends CachedUsage {

  private final int compactedBeforeHour;
  private final long countedThroughMillis;

  private FoldCachedUsage(Usage loaded, long loadedAtNanos, FoldView.Snapshot at) {
    super(loaded, loadedAtNanos);
    // Instant.MAX (nothing folded yet) as the largest hour an int holds: still after every hour.
    this.compactedBeforeHour = (int) Math.min(Integer.MAX_VALUE, at.compactedBefore().getEpochSecond() / 3600);
    this.countedThroughMillis = at.countedThrough().toEpochMilli();
  }

  /** A cache of totals as the fold counts them, loaded strongly consistent from the day items. */
  public static UsageCache cache(UsageStore store, FoldView view, Context context, Duration refresh, long maxAccounts) {
    return new UsageCache(account -> {
      FoldView.Snapshot at = view.snapshot();
      return store.total(account, true, at.compactedBefore())
          .thenApply(usage -> new FoldCachedUsage(usage, System.nanoTime(), at));
    }, (account, cached) -> {
      FoldCachedUsage entry = (FoldCachedUsage) cached;
      Usage loaded = entry.snapshot();
      Usage deltas = view.since(account, Instant.ofEpochSecond(entry.compactedBeforeHour * 3600L));
      return new UsageCache.Answer(loaded.plus(deltas.bytes(), deltas.messages()),
          Optional.of(Instant.ofEpochMilli(entry.countedThroughMillis)));
    }, context, refresh, maxAccounts);
  }
}
