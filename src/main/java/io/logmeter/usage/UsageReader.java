package io.logmeter.usage;

import io.vertx.core.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * Reads what was counted: an account's total or its days, and every account's usage for an export.
 * The routes read through it; {@link UsageStore} answers from DynamoDB.
 */
public interface UsageReader {

  CompletableFuture<Usage> total(String accountId, boolean consistent);

  /** Usage per day from {@code from} to {@code to} inclusive; days without usage are absent. */
  CompletableFuture<SortedMap<LocalDate, Usage>> daily(String accountId, LocalDate from, LocalDate to,
      boolean consistent);

  /** Every account's usage over a range, for an HTTP verticle on {@code context}. */
  UsageAcrossAccounts export(Context context);

  /**
   * An instant before which every message acknowledged is in every answer read after this call;
   * empty where counting is part of acknowledging (the pages ledger), so that there is no lag to tell.
   */
  default Optional<Instant> countedThrough() {
    return Optional.empty();
  }
}
