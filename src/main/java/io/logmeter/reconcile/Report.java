package io.logmeter.reconcile;

import io.logmeter.usage.Usage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The outcome of a reconciliation: the archive's sums, the counters' sums, and every account-day
 * where they differ. Clean means no difference and no archive line that could not be read.
 */
public record Report(ReconcileOptions options, int objects, long records, long copies, long outside,
    long unreadable, SortedMap<AccountDay, Usage> archive, SortedMap<AccountDay, Usage> counters,
    List<Difference> differences) {

  public static final String HEADER =
      "account\tday\tarchive_bytes\tarchive_messages\tcounter_bytes\tcounter_messages\tdrift_bytes\tdrift_messages";

  public boolean clean() {
    return differences.isEmpty() && unreadable == 0;
  }

  /** The differences (a header and one tab-separated line each), then the summary. */
  public void print(PrintStream out) {
    if (!differences.isEmpty()) {
      out.println(HEADER);
      for (Difference d : differences) {
        out.println(String.join("\t", d.at().accountId(), d.at().day().toString(),
            Long.toString(d.archive().bytes()), Long.toString(d.archive().messages()),
            Long.toString(d.counters().bytes()), Long.toString(d.counters().messages()),
            signed(d.bytesDrift()), signed(d.messagesDrift())));
      }
    }
    out.println(summary());
  }

  public String summary() {
    Usage archived = ArchiveTally.total(archive);
    Usage counted = ArchiveTally.total(counters);
    List<String> problems = new ArrayList<>();
    if (!differences.isEmpty()) {
      problems.add(String.format("DRIFT in %,d account-days (counters minus archive: %s bytes, %s messages)",
          differences.size(), signed(counted.bytes() - archived.bytes()),
          signed(counted.messages() - archived.messages())));
    }
    if (unreadable > 0) {
      problems.add(String.format("INCOMPLETE: %,d archive lines unreadable", unreadable));
    }
    String drift = problems.isEmpty() ? "no drift" : String.join("; ", problems);
    return String.format("reconcile %s..%s, %s: partitions %s..%s, %,d objects, %,d records "
            + "(%,d copies of messages already seen, %,d outside the range); archive %,d messages, %,d bytes "
            + "in %,d account-days; counters %,d messages, %,d bytes in %,d account-days; %s",
        options.from(), options.to(), options.accountId() == null ? "all accounts" : "account " + options.accountId(),
        options.firstPartition(), options.lastPartition(), objects, records, copies, outside,
        archived.messages(), archived.bytes(), archive.size(), counted.messages(), counted.bytes(), counters.size(),
        drift);
  }

  private static String signed(long value) {
    return value > 0 ? "+" + value : Long.toString(value);
  }
}
