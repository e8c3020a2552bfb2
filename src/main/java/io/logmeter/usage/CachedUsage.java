package io.logmeter.usage;

/**
 * A cached total that this instance's own commits add to in place. Mutating the value, rather than
 * replacing it, leaves the cache's write time alone, so the scheduled refresh from DynamoDB (which
 * brings in other instances' commits) still happens on time for a busy account.
 *
 * <p>Kept small, one per cached account: 32 bytes with its header.
 */
public class CachedUsage {

  /** {@link System#nanoTime()} in ticks of 2^20 ns (~1 ms): an int, and entries live seconds, not weeks. */
  private final int loadedAtTick;
  private long bytes;
  private long messages;

  protected CachedUsage(Usage loaded, long loadedAtNanos) {
    this.loadedAtTick = tick(loadedAtNanos);
    this.bytes = loaded.bytes();
    this.messages = loaded.messages();
  }

  /**
   * Adds a commit only if this value was loaded before the commit was sent, in an earlier tick:
   * such a read cannot have seen it. A value loaded later, or in the same tick, may already
   * include it, and adding it again would over-report; it is left to the next refresh instead.
   */
  synchronized void add(long moreBytes, long moreMessages, long commitSentNanos) {
    if (tick(commitSentNanos) - loadedAtTick > 0) {
      bytes += moreBytes;
      messages += moreMessages;
    }
  }

  public synchronized Usage snapshot() {
    return new Usage(bytes, messages);
  }

  private static int tick(long nanos) {
    return (int) (nanos >> 20);
  }
}
