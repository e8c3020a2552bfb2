package io.logmeter.usage;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Per-account totals, served from memory. An entry read after {@code refresh} is reloaded from
 * DynamoDB in the background (the read gets the cached value); one older than twice that is not
 * served at all but loaded afresh. So a read sees other instances' commits within about one refresh
 * interval for a busy account and at most two for a rarely read one. With the pages ledger, this
 * instance's own commits are added at once when that cannot count them twice (see
 * {@link CachedUsage#add}); with the fold, an entry holds what was compacted when it was loaded and
 * the answer adds the fold's deltas since ({@code completer}). Keys are {@link UUID}s: 32 bytes
 * instead of a 36-character string's 80.
 */
public final class UsageCache {

  /** An answer: the usage, and the instant through which it counts every acknowledged message, where there is one. */
  public record Answer(Usage usage, Optional<Instant> countedThrough) {
  }

  private final AsyncLoadingCache<UUID, CachedUsage> cache;
  private final BiFunction<String, CachedUsage, Answer> completer;

  /** @param totals loads an account's total, e.g. an eventually consistent {@link UsageStore#total} */
  public UsageCache(Function<String, CompletableFuture<Usage>> totals, Context context, Duration refresh,
      long maxAccounts) {
    this(account -> totals.apply(account).thenApply(usage -> new CachedUsage(usage, System.nanoTime())),
        (account, cached) -> new Answer(cached.snapshot(), Optional.empty()), context, refresh, maxAccounts);
  }

  /**
   * @param loader loads an account's entry
   * @param completer the answer from an entry
   */
  public UsageCache(Function<String, CompletableFuture<CachedUsage>> loader,
      BiFunction<String, CachedUsage, Answer> completer, Context context, Duration refresh, long maxAccounts) {
    this.completer = completer;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxAccounts)
        .refreshAfterWrite(refresh)
        .expireAfterWrite(refresh.multipliedBy(2))
        .executor(command -> context.runOnContext(v -> command.run()))
        .buildAsync((account, executor) -> loader.apply(account.toString()));
  }

  /** @param accountId a validated, lowercase UUID */
  public CompletableFuture<Usage> get(String accountId) {
    return answer(accountId).thenApply(Answer::usage);
  }

  /** @param accountId a validated, lowercase UUID */
  public CompletableFuture<Answer> answer(String accountId) {
    return cache.get(UUID.fromString(accountId)).thenApply(cached -> completer.apply(accountId, cached));
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

  /** Forgets every entry: what was loaded cannot be completed any more (the fold's view missed periods). */
  public void forgetAll() {
    cache.synchronous().invalidateAll();
  }

  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }
}
