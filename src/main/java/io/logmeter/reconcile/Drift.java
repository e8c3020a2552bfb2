package io.logmeter.reconcile;

import io.logmeter.usage.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Compares the archive's sums with the counters, account-day by account-day, in both directions. */
final class Drift {

  private Drift() {
  }

  /**
   * Every account-day present on either side whose bytes or messages differ, in order. A day that
   * has counters but no archived records is drift too (counted without a raw copy), and so is the
   * opposite (archived but never counted).
   */
  static List<Difference> between(Map<AccountDay, Usage> archive, Map<AccountDay, Usage> counters) {
    SortedSet<AccountDay> all = new TreeSet<>(archive.keySet());
    all.addAll(counters.keySet());
    List<Difference> differences = new ArrayList<>();
    for (AccountDay at : all) {
      Usage fromArchive = archive.getOrDefault(at, Usage.ZERO);
      Usage fromCounters = counters.getOrDefault(at, Usage.ZERO);
      if (!fromArchive.equals(fromCounters)) {
        differences.add(new Difference(at, fromArchive, fromCounters));
      }
    }
    return differences;
  }
}
