package io.logmeter.fold;

import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageAcrossAccounts;
import io.logmeter.usage.UsageReader;
import io.logmeter.usage.UsageStore;
import io.vertx.core.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Usage as the fold counts it: the day items' hours before the head's {@code compactedBefore}
 * (read strongly consistent, after the head was seen: they hold every hour written and every late
 * record of a period the head names), plus the {@link FoldView}'s deltas of the hours from there on.
 * Every answer counts every message the view's {@code countedThrough} says, and the hours are never
 * taken from both.
 */
public final class FoldUsage implements UsageReader {

  private final UsageStore store;
  private final FoldView view;

  public FoldUsage(UsageStore store, FoldView view) {
    this.store = store;
    this.view = view;
  }

  @Override
  public CompletableFuture<Usage> total(String accountId, boolean consistent) {
    Instant compacted = view.snapshot().compactedBefore();
    return store.total(accountId, true, compacted).thenApply(items -> {
      Usage deltas = view.since(accountId, compacted);
      return items.plus(deltas.bytes(), deltas.messages());
    });
  }

  @Override
  public CompletableFuture<SortedMap<LocalDate, Usage>> daily(String accountId, LocalDate from, LocalDate to,
      boolean consistent) {
    Instant compacted = view.snapshot().compactedBefore();
    return store.daily(accountId, from, to, true, compacted).thenApply(days -> {
      view.dailySince(accountId, compacted, from, to).forEach((day, u) ->
          days.merge(day, u, (a, b) -> a.plus(b.bytes(), b.messages())));
      return days;
    });
  }

  @Override
  public UsageAcrossAccounts export(Context context) {
    return store.export(context, this, (from, to) -> new TreeSet<>(view.allSince(
        view.snapshot().compactedBefore(), from, to).keySet()));
  }

  @Override
  public Optional<Instant> countedThrough() {
    return Optional.of(view.snapshot().countedThrough());
  }
}
