package io.logmeter.reconcile;

import java.io.PrintStream;

/**
 * Where a reconciliation is, for the operator watching it: archive objects read out of the total,
 * records seen, counter items read. On a terminal one line is rewritten in place; otherwise (a log
 * file, CI) a line is written every few seconds.
 */
public final class Progress {

  /** Reports nothing; for tests and embedding. */
  public static final Progress NONE = new Progress(null, false);

  private static final long TERMINAL_EVERY_NANOS = 200_000_000L;
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;

  private final PrintStream out;
  private final boolean terminal;
  private long lastNanos;
  private int objects;
  private int read;
  private long records;
  private long counterItems;

  private Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  public static Progress toStderr() {
    return new Progress(System.err, System.console() != null);
  }

  void listed(int total) {
    objects = total;
    show(true);
  }

  void read(int done, long recordsSoFar) {
    read = done;
    records = recordsSoFar;
    show(done == objects);
  }

  void counters(long items) {
    counterItems = items;
    show(false);
  }

  void done() {
    show(true);
    if (out != null && terminal) {
      out.println();
    }
  }

  private void show(boolean now) {
    if (out == null) {
      return;
    }
    long nanos = System.nanoTime();
    if (!now && nanos - lastNanos < (terminal ? TERMINAL_EVERY_NANOS : LOG_EVERY_NANOS)) {
      return;
    }
    lastNanos = nanos;
    String line = String.format("archive objects %,d/%,d, records %,d, counter items %,d", read, objects, records,
        counterItems);
    if (terminal) {
      out.print("\r" + line);
    } else {
      out.println(line);
    }
    out.flush();
  }
}
