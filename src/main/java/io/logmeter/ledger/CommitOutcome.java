package io.logmeter.ledger;

import io.logmeter.archive.ArchivedRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What a commit did: the records it counted (with the counter updates that counted them) and the
 * records it found already counted, which are duplicates and must not be counted again.
 */
public record CommitOutcome(List<ArchivedRecord> committed, List<CounterDelta> counted,
    List<ArchivedRecord> duplicates, double writeUnits) {

  public static final CommitOutcome NOTHING = new CommitOutcome(List.of(), List.of(), List.of(), 0);

  public CommitOutcome plus(CommitOutcome other) {
    return new CommitOutcome(concat(committed, other.committed), concat(counted, other.counted),
        concat(duplicates, other.duplicates), writeUnits + other.writeUnits);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    List<T> all = new ArrayList<>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    return all;
  }
}
