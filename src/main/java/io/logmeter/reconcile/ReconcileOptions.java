package io.logmeter.reconcile;

import io.logmeter.message.Identifiers;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * What {@code reconcile} compares: the event days [from, to], one account or all, and which
 * archive partitions are read to find their records.
 *
 * <p>The archive is partitioned by the time a flush wrote it, the counters by event time, and a
 * message is written after it was published: its partition day is its event day or later. How much
 * later is bounded by how long it can wait in SQS: 14 days of retention, which for a standard
 * queue also bounds its stay in the DLQ (the DLQ keeps the original enqueue time). So the records
 * of [from, to] lie in the partitions [from - before, to + after] with {@code after} = 15 (14 days
 * of retention, plus one for SNS's delivery delay and the partition day boundary) and
 * {@code before} = 1, which only covers clock skew between SNS or SQS and the instance across
 * midnight. A redrive from the DLQ restarts a message's wait: after one, widen {@code after} up to
 * the ledger TTL (30 days), beyond which a redelivery would be counted again anyway.
 */
public record ReconcileOptions(LocalDate from, LocalDate to, String accountId, int scanDaysBefore,
    int scanDaysAfter, boolean scanCounters) {

  public static final int DEFAULT_SCAN_DAYS_BEFORE = 1;
  public static final int DEFAULT_SCAN_DAYS_AFTER = 15;
  /** Against typos: more than a year of partitions is a job for Athena (docs/reliability.md). */
  static final int MAX_SCAN_DAYS = 400;

  public static final String USAGE = """
      usage: java -jar logmeter.jar reconcile --from YYYY-MM-DD --to YYYY-MM-DD [options]

      Recounts usage from the raw archive in S3 (each message once, by its idempotency key) and
      compares it, per account and UTC day of event time, with the DynamoDB counters.
      Exits 0 without drift, 1 with drift, 2 when it could not run.

        --from, --to YYYY-MM-DD    the event days to reconcile, inclusive (UTC)
        --account UUID             only this account (reads its counters with one Query)
        --scan-days-before N       archive partitions read before --from (default 1: clock skew)
        --scan-days-after N        archive partitions read after --to (default 15: 14 days of
                                   queue retention plus one; up to 30 after a DLQ redrive)
        --no-counter-scan          do not Scan the usage table: compare only the accounts found in
                                   the archive (counters of other accounts go unnoticed)

      Endpoints, credentials, bucket and table names come from the LOGMETER_* variables or
      LOGMETER_CONFIG_FILE, as for serve (docs/configuration.md).
      """;

  public ReconcileOptions {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("--from must not be after --to");
    }
    if (scanDaysBefore < 0 || scanDaysBefore > MAX_SCAN_DAYS || scanDaysAfter < 0 || scanDaysAfter > MAX_SCAN_DAYS) {
      throw new IllegalArgumentException("--scan-days-before and --scan-days-after must be 0.." + MAX_SCAN_DAYS);
    }
  }

  public static ReconcileOptions of(LocalDate from, LocalDate to) {
    return new ReconcileOptions(from, to, null, DEFAULT_SCAN_DAYS_BEFORE, DEFAULT_SCAN_DAYS_AFTER, true);
  }

  /** The command line after {@code reconcile}; throws IllegalArgumentException saying what is wrong. */
  public static ReconcileOptions parse(List<String> args) {
    LocalDate from = null;
    LocalDate to = null;
    String account = null;
    int before = DEFAULT_SCAN_DAYS_BEFORE;
    int after = DEFAULT_SCAN_DAYS_AFTER;
    boolean scanCounters = true;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (name.equals("--no-counter-scan")) {
        scanCounters = false;
        continue;
      }
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      switch (name) {
        case "--from" -> from = date(name, value);
        case "--to" -> to = date(name, value);
        case "--account" -> {
          if (!Identifiers.isUuid(value)) {
            throw new IllegalArgumentException("--account must be a UUID, not " + value);
          }
          account = value.toLowerCase(Locale.ROOT);
        }
        case "--scan-days-before" -> before = days(name, value);
        case "--scan-days-after" -> after = days(name, value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    if (from == null || to == null) {
      throw new IllegalArgumentException("--from and --to are required");
    }
    return new ReconcileOptions(from, to, account, before, after, scanCounters);
  }

  public ReconcileOptions forAccount(String account) {
    return new ReconcileOptions(from, to, account, scanDaysBefore, scanDaysAfter, scanCounters);
  }

  public ReconcileOptions scanningDays(int before, int after) {
    return new ReconcileOptions(from, to, accountId, before, after, scanCounters);
  }

  /** The first archive partition ({@code dt=}) read. */
  public LocalDate firstPartition() {
    return from.minusDays(scanDaysBefore);
  }

  /** The last archive partition read. */
  public LocalDate lastPartition() {
    return to.plusDays(scanDaysAfter);
  }

  private static LocalDate date(String name, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date in the form YYYY-MM-DD, not " + value);
    }
  }

  private static int days(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number of days, not " + value);
    }
  }
}
