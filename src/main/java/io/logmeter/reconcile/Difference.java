package io.logmeter.reconcile;

import io.logmeter.usage.Usage;

/** An account and day whose counters do not match its archive. */
public record Difference(AccountDay at, Usage archive, Usage counters) {

  /** Counters minus archive, in bytes: positive when more was billed than the archive holds. */
  public long bytesDrift() {
    return counters.bytes() - archive.bytes();
  }

  public long messagesDrift() {
    return counters.messages() - archive.messages();
  }
}
