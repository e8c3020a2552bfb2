package io.logmeter.logs;

import io.logmeter.ledger.Page;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An account's messages of the hours not written to the ledger's pages yet, as pages: with the
 * fold, the periods that counted them (a page per period, numbered by the period, so that the
 * listing's order and cursor work as they do on the ledger's pages). Shared across contexts: the
 * futures stay on the threads that complete them.
 */
public interface RecentPages {

  /** The first hour the pages do not hold yet: the listing takes it and every later one from here. */
  Instant from();

  /** The account's hours from {@link #from} on that have messages, {@code yyyy-MM-ddTHH}, newest first. */
  List<String> hours(String accountId);

  /** The account's pages of {@code hour} numbered {@code upTo} and below, newest first, at most {@code max}. */
  CompletableFuture<List<Page>> pages(String accountId, String hour, long upTo, int max);
}
