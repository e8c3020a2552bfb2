package io.logmeter.logs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where an account's counted messages lie: listed newest first a page at a time, or found by id.
 * The routes read through it; {@link LogPages} answers from the ledger's pages.
 */
public interface LogIndex {

  /** How many pages a search for one message id reads at most when not told its hour. */
  int MAX_SEARCH_PAGES = 2_000;

  /** Where a listing goes on: the hour, the page and how many of its entries were listed. */
  record Cursor(String hour, long version, int listed) {

    public String encode() {
      return hour + '#' + version + '#' + listed;
    }
  }

  /** A page of a listing, and where the next starts (null at the end). */
  record Listing(List<IndexEntry> entries, Cursor next) {
  }

  /** The account's newest {@code limit} messages from {@code from} on (null: from the newest). */
  CompletableFuture<Listing> recent(String accountId, int limit, Cursor from);

  /**
   * The record counted for {@code messageId} in the account's pages: in the hour of {@code
   * eventTime} if given, otherwise searched newest hour first, reading at most {@value
   * #MAX_SEARCH_PAGES} pages.
   */
  CompletableFuture<Optional<IndexEntry>> find(String accountId, String messageId, Instant eventTime);
}
