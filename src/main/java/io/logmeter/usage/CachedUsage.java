package io.logmeter.usage;

/**
 * A cached total that this instance's own commits add to in place. Mutating the value, rather than
 * replacing it, leaves the cache's write time alone, so the scheduled refresh from DynamoDB (which
 * brings in other instances' commits) still happens on time for a busy account.
 */
final class CachedUsage {

  private final long loadedAtNanos;
  private long bytes;
  private long messages;

  CachedUsage(Usage loaded, long loadedAtNanos) {
    this.loadedAtNanos = loadedAtNanos;
    this.bytes = loaded.bytes();
    this.messages = loaded.messages();
  }

  /**
   * Adds a commit only if this value was loaded before the commit was sent: such a read cannot have
   * seen it. A value loaded later may already include it, and adding it again would over-report;
   * it is left to the next refresh instead.
   */
  synchronized void add(long moreBytes, long moreMessages, long commitSentNanos) {
    if (loadedAtNanos - commitSentNanos < 0) {
      bytes += moreBytes;
      messages += moreMessages;
    }
  }

  synchronized Usage snapshot() {
    return new Usage(bytes, messages);
  }
}
