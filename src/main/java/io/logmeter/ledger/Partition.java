package io.logmeter.ledger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * What this instance knows of one ledger partition: its pages 1 to {@code version} (every id in
 * them, and their cumulative sums). Only a cache: a writer that is behind finds out when its
 * conditional put of page {@code version + 1} fails, and reads what it missed. Writes of this
 * instance to one partition go one after the other, so that they do not race each other.
 * Confined to the ledger's context.
 */
final class Partition {

  final String key;
  final IdSet ids = new IdSet();
  long version;
  long cumBytes;
  long cumMessages;
  /** The newest page known to be in the day's usage item. */
  long folded;
  boolean loaded;
  /** Another writer came first at this instance's last put: read before the next one. */
  boolean contended;
  private Future<?> tail = Future.succeededFuture();

  Partition(String key) {
    this.key = key;
  }

  /** Takes in a page read or written; pages must come in order, each exactly once. */
  void apply(Page page) {
    if (page.version() != version + 1) {
      throw new IllegalStateException("page " + page.version() + " of " + key + " after " + version);
    }
    for (Page.Entry e : page.entries()) {
      ids.add(e.messageId());
    }
    version = page.version();
    cumBytes = page.cumBytes();
    cumMessages = page.cumMessages();
  }

  /** Runs {@code write} once the writes of this partition queued before it have ended. */
  <T> Future<T> queue(Supplier<Future<T>> write) {
    Promise<T> result = Promise.promise();
    tail = tail.transform(previous -> {
      Future<T> started;
      try {
        started = write.get();
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      return started.onComplete(result);
    });
    return result.future();
  }

  long weight() {
    return 64 + key.length() * 2L + ids.weight();
  }
}
