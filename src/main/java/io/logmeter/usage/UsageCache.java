package io.logmeter.usage;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Per-account totals, served from memory. An entry read after {@code refresh} is reloaded from
 * DynamoDB in the background (the read gets the cached value); one older than twice that is not
 * served at all but loaded afresh. So a read sees other instances' commits within about one refresh
 * interval for a busy account and at most two for a rarely read one. This instance's own commits
 * are added at once when that cannot count them twice (see {@link CachedUsage#add}). Keys are {@link UUID}s: 32 bytes instead of a 36-character string's 80.
 */
public final class UsageCache {

  private final AsyncLoadingCache<UUID, CachedUsage> cache;

  /** @param totals loads an account's total, e.g. an eventually consistent {@link UsageStore#total} */
  public UsageCache(Function<String, CompletableFuture<Usage>> totals, Context context, Duration refresh,
      long maxAccounts) {
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxAccounts)
        .refreshAfterWrite(refresh)
        .expireAfterWrite(refresh.multipliedBy(2))
        .executor(command -> context.runOnContext(v -> command.run()))
        .buildAsync((account, executor) -> totals.apply(account.toString())
            .thenApply(usage -> new CachedUsage(usage, System.nanoTime())));
  }

  /** @param accountId a validated, lowercase UUID */
  public CompletableFuture<Usage> get(String accountId) {
    return cache.get(UUID.fromString(accountId)).thenApply(CachedUsage::snapshot);
  }

  /**
   * Adds a commit of this instance to the cached total, if the account is cached and was loaded
   * before the commit was sent ({@code commitSentNanos}, from {@link System#nanoTime()}).
   */
  public void add(String accountId, long bytes, long messages, long commitSentNanos) {
    CompletableFuture<CachedUsage> entry = cache.getIfPresent(UUID.fromString(accountId));
    if (entry != null && entry.isDone() && !entry.isCompletedExceptionally()) {
      entry.join().add(bytes, messages, commitSentNanos);
    }
  }

  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }
}
