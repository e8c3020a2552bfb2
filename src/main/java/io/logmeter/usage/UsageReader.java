package io.logmeter.usage;

import io.vertx.core.Context;
import java.time.LocalDate;
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
}
