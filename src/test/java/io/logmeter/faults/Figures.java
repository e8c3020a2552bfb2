package io.logmeter.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What one scenario run measured, printed as one line and appended as a table row to
 * {@code target/fault-figures.md}, from which docs/reliability.md takes its numbers.
 */
record Figures(String scenario, int messages, long bytes, int deliveries, int snsDuplicates, int malformed,
    String faults, double seconds, double recoverySeconds, long archivedRecords, long archivedCopies,
    long maxInFlight, long inFlightBound, long maxRssMb, int deadLettered, int drift, String notes) {

  static final Path FILE = Path.of("target", "fault-figures.md");

  String row() {
    return String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %s | %.0f | %.0f | %,d | %,d | %,d / %,d | %,d | %d | %d | %s |",
        scenario, messages, deliveries, snsDuplicates, malformed, faults, seconds, recoverySeconds, archivedRecords,
        archivedCopies, maxInFlight, inFlightBound, maxRssMb, deadLettered, drift, notes);
  }

  void report() {
    System.out.println("FIGURES " + row());
    try {
      Files.createDirectories(FILE.getParent());
      if (!Files.exists(FILE)) {
        Files.writeString(FILE, "| scenario | messages | bodies sent | SNS duplicates | malformed | faults | s | "
            + "recovery s | archived records | archived copies | max in flight / bound | max RSS MB | DLQ | "
            + "drift | notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      }
      Files.writeString(FILE, row() + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("could not write " + FILE + ": " + e);
    }
  }
}
