package io.logmeter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A model, not a measurement: what one hour of traffic costs in AWS requests and DynamoDB write
 * units, billed by AWS's rules, under today's ledger and under the fold (docs/design.md, "Toward
 * 0.1 write units per message"). It draws every message of the hour (account by the mix, spread
 * over the instances round robin), cuts each instance's flushes as the batcher does (by count, or
 * by age at the instance's rate), and counts the items each design writes and their sizes. It
 * leaves out what no design controls the same way (conflicts between writers, reads before
 * writes, redeliveries), so today's figures are a floor: the measured ones (CostRun, the outside
 * proxy) sit above them.
 *
 * <p>{@code mvn -q test -Dtest=FoldCostModel -Dlogmeter.foldModel=true} writes
 * {@code target/bench/fold-model.md}.
 */
@EnabledIfSystemProperty(named = "logmeter.foldModel", matches = "true")
class FoldCostModel {

  /** List prices, us-east-1: DynamoDB on demand per million request units, S3 and SQS per request. */
  private static final double WRITE_UNIT = 0.625e-6;
  private static final double READ_UNIT = 0.125e-6;
  private static final double S3_PUT = 0.005e-3;
  private static final double S3_GET = 0.0004e-3;
  private static final double SQS_REQUEST = 0.40e-6;

  /** Today's page entry: id, event time, offset, length, bytes as text; the fold's: packed. */
  private static final int TODAY_ENTRY_BYTES = 70;
  private static final int PACKED_ENTRY_BYTES = 27;
  /**
   * A packed page's table of the archive objects its entries point into: each object once, as a
   * line of its compact form ({@code ArchiveKeys.compact}: milliseconds from the hour, instance,
   * sequence, base 36, {@code 255rz.0.3f}) and its newline, about 11 bytes; 12 here. Entries:
   * measured by FleetCostRun, a hot account's 2,000 messages in a 54-unit page, 27 bytes each.
   */
  private static final int PACKED_KEY_BYTES = 12;
  /** A page's or day item's keys and fixed attributes. */
  private static final int ITEM_OVERHEAD_BYTES = 120;
  /** A day item with its hours: under 1 KB, so 1 unit per update. */
  private static final int DAY_UNITS = 1;
  private static final int BATCH_MAX_MESSAGES = 2000;
  private static final double BATCH_MAX_AGE_SECONDS = 0.5;
  /** The fold's period, the instances' poll of its head, and the lease's renewal. */
  private static final double FOLD_SECONDS = 1;
  private static final double HEAD_POLL_SECONDS = 0.5;
  private static final double LEASE_RENEW_SECONDS = 10;

  record Traffic(String name, String mix, int accounts, int instances, double perSecond) {
  }

  static final List<Traffic> TRAFFIC = List.of(
      new Traffic("Zipf over 10,000 accounts, 3 instances, 1,000 msg/s", "zipf", 10_000, 3, 1000),
      new Traffic("Zipf over 10,000 accounts, 1 instance, 1,000 msg/s", "zipf", 10_000, 1, 1000),
      new Traffic("Zipf over 10,000 accounts, 3 instances, draining a backlog (full flushes)", "zipf", 10_000, 3, 1e9),
      new Traffic("uniform over 1,000 accounts, 1 instance, 1,000 msg/s", "uniform", 1_000, 1, 1000),
      new Traffic("uniform over 1,000 accounts, 3 instances, 1,000 msg/s", "uniform", 1_000, 3, 1000),
      new Traffic("Zipf over 1,000 accounts, 3 instances, draining a backlog (CostRun's case)", "zipf", 1_000, 3, 1e9),
      new Traffic("Zipf over 1,000 accounts, 1 instance, draining a backlog", "zipf", 1_000, 1, 1e9),
      new Traffic("uniform over 1,000 accounts, 1 instance, 10,000 msg/s", "uniform", 1_000, 1, 10_000),
      new Traffic("uniform over 1,000 accounts, 3 instances, 10,000 msg/s", "uniform", 1_000, 3, 10_000),
      new Traffic("one hot account, 3 instances, 1,000 msg/s", "hot", 1, 3, 1000),
      new Traffic("light: Zipf over 1,000 accounts, 1 instance, 20 msg/s", "zipf", 1_000, 1, 20));

  /** Requests and units of one design over the modelled hour. */
  static final class Bill {
    double writeUnits;
    double readUnits;
    double dynamoRequests;
    double s3Puts;
    double s3Gets;
    double sqsRequests;

    /** Every request but the ingest queue's own receives and deletes (the same in both designs). */
    double requests() {
      return dynamoRequests + s3Puts + s3Gets + sqsRequests;
    }

    double dollars() {
      return writeUnits * WRITE_UNIT + readUnits * READ_UNIT + s3Puts * S3_PUT + s3Gets * S3_GET
          + sqsRequests * SQS_REQUEST;
    }
  }

  @Test
  void model() throws Exception {
    StringBuilder md = new StringBuilder("""
        # The fold's cost, modelled

        One hour of each traffic, ~1 KiB messages. Write units by AWS's rules (1 per KB of item, an
        update billed at its larger size); dollars at list prices for DynamoDB on demand (writes and
        reads), S3 requests and the SQS requests a design adds (the ingest queue's own receive and
        delete, the same for both, are left out). Today's figures are a floor (no conflicts, no reads
        before writes): measured ones sit above.

        | traffic | messages / hour | today: write units / message | fold, each account written each period: write units / message | fold: write units / message | today: DynamoDB requests / 1,000 messages | fold: DynamoDB requests / 1,000 messages | today: requests / 1,000 messages | fold: requests / 1,000 messages | today: $ / million | fold: $ / million | fold: write units / hour |
        |---|---|---|---|---|---|---|---|---|---|---|---|
        """);
    Map<String, Map<String, Bill>> byTraffic = new java.util.LinkedHashMap<>();
    for (Traffic traffic : TRAFFIC) {
      long messages = messages(traffic);
      Map<String, Bill> bills = hour(traffic, messages);
      byTraffic.put(traffic.name(), bills);
      Bill today = bills.get("today");
      Bill fold = bills.get("fold");
      Bill perPeriod = bills.get("per period");
      md.append(String.format("| %s | %,d | %.3f | %.3f | %.4f | %.1f | %.2f | %.1f | %.1f | $%.3f | $%.4f | %,.0f |%n",
          traffic.name(), messages, today.writeUnits / messages, perPeriod.writeUnits / messages,
          fold.writeUnits / messages, today.dynamoRequests * 1000 / messages, fold.dynamoRequests * 1000 / messages,
          today.requests() * 1000 / messages, fold.requests() * 1000 / messages, today.dollars() * 1e6 / messages,
          fold.dollars() * 1e6 / messages, fold.writeUnits));
    }
    md.append("""

        Requests per message, 3 instances against 1 (same traffic). "Requests" are every request above
        but the ingest queue's receives and deletes; with those (a receive and a delete per 10
        messages, 200 per 1,000, the same for any design and any number of instances) in brackets.

        | traffic | today: DynamoDB | today: requests | fold: DynamoDB | fold: requests |
        |---|---|---|---|---|
        """);
    for (Traffic three : TRAFFIC) {
      Traffic one = TRAFFIC.stream().filter(t -> three.instances() == 3 && t.instances() == 1
          && t.mix().equals(three.mix()) && t.accounts() == three.accounts() && t.perSecond() == three.perSecond())
          .findFirst().orElse(null);
      if (one == null) {
        continue;
      }
      Map<String, Bill> a = byTraffic.get(one.name());
      Map<String, Bill> b = byTraffic.get(three.name());
      double m1 = messages(one);
      double m3 = messages(three);
      double ingest1 = 0.2 * m1;
      double ingest3 = 0.2 * m3;
      md.append(String.format("| %s | %.2f | %.2f (%.2f) | %.2f | %.2f (%.2f) |%n",
          three.name().replace(", 3 instances", ""),
          ratio(b.get("today").dynamoRequests, m3, a.get("today").dynamoRequests, m1),
          ratio(b.get("today").requests(), m3, a.get("today").requests(), m1),
          ratio(b.get("today").requests() + ingest3, m3, a.get("today").requests() + ingest1, m1),
          ratio(b.get("fold").dynamoRequests, m3, a.get("fold").dynamoRequests, m1),
          ratio(b.get("fold").requests(), m3, a.get("fold").requests(), m1),
          ratio(b.get("fold").requests() + ingest3, m3, a.get("fold").requests() + ingest1, m1)));
    }
    Path out = Path.of("target/bench/fold-model.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md);
    System.out.print(md);
  }

  private static long messages(Traffic traffic) {
    return traffic.perSecond() >= 1e9 ? 3_600_000 : Math.round(traffic.perSecond() * 3600);
  }

  private static double ratio(double three, double threeMessages, double one, double oneMessages) {
    return (three / threeMessages) / (one / oneMessages);
  }

  /** Draws the hour's messages and bills them under both designs. */
  static Map<String, Bill> hour(Traffic traffic, long messages) {
    Random random = new Random(42);
    double[] cumulative = cumulative(traffic);
    double perInstance = traffic.perSecond() / traffic.instances();
    int flushSize = (int) Math.max(1, Math.min(BATCH_MAX_MESSAGES, perInstance * BATCH_MAX_AGE_SECONDS));
    Bill today = new Bill();
    Bill fold = new Bill();
    // Per instance, the flush being gathered: messages per account.
    List<Map<Integer, Integer>> open = new java.util.ArrayList<>();
    int[] gathered = new int[traffic.instances()];
    for (int i = 0; i < traffic.instances(); i++) {
      open.add(new HashMap<>());
    }
    Map<Integer, Integer> hourly = new HashMap<>();
    // Per account, the archive objects (flushes) its messages of the hour lie in.
    Map<Integer, Integer> objects = new HashMap<>();
    Bill perPeriod = new Bill();
    Map<Integer, Integer> period = new HashMap<>();
    // A backlog is drained at about 1,500 messages a second (the ingest benchmark's rate).
    long periodMessages = Math.max(1, Math.round(Math.min(traffic.perSecond(), 1500) * FOLD_SECONDS));
    long flushes = 0;
    for (long m = 0; m < messages; m++) {
      int account = pick(cumulative, random);
      int instance = (int) (m % traffic.instances());
      if (open.get(instance).merge(account, 1, Integer::sum) == 1) {
        objects.merge(account, 1, Integer::sum);
      }
      hourly.merge(account, 1, Integer::sum);
      period.merge(account, 1, Integer::sum);
      if ((m + 1) % periodMessages == 0) {
        billPeriodWrites(period, perPeriod);
        period = new HashMap<>();
      }
      if (++gathered[instance] == flushSize) {
        billTodaysCommit(open.get(instance), today);
        open.set(instance, new HashMap<>());
        gathered[instance] = 0;
        flushes++;
      }
    }
    for (Map<Integer, Integer> rest : open) {
      if (!rest.isEmpty()) {
        billTodaysCommit(rest, today);
        flushes++;
      }
    }
    // Both designs archive each flush with one PutObject.
    today.s3Puts += flushes;
    fold.s3Puts += flushes;
    billFold(traffic, hourly, objects, flushes, fold);
    billPeriodWrites(period, perPeriod);
    return Map.of("today", today, "fold", fold, "per period", perPeriod);
  }

  /** Today: per (account, hour) of a flush a page, per (account, day) an update of its day item. */
  private static void billTodaysCommit(Map<Integer, Integer> flush, Bill bill) {
    for (int count : flush.values()) {
      bill.writeUnits += units(ITEM_OVERHEAD_BYTES + (long) count * TODAY_ENTRY_BYTES) + DAY_UNITS;
      bill.dynamoRequests += 2;
    }
  }

  /**
   * The fold: the owner reads each archive object once (told of it by a message on the fold queue:
   * a send per flush, a receive and a delete per ten), publishes each period's counts as one S3
   * object whose number a head item makes official (one conditional write), and writes each
   * account's hour once, when the hour is compacted: its page of packed entries and its day item.
   * Each instance follows the head and reads each period's object. The lease is renewed every 10 s.
   */
  private static void billFold(Traffic traffic, Map<Integer, Integer> hourly, Map<Integer, Integer> objects,
      long flushes, Bill bill) {
    double folds = 3600 / FOLD_SECONDS;
    bill.sqsRequests += flushes + 2.0 * Math.ceil(flushes / 10.0);
    bill.s3Gets += flushes;
    bill.s3Puts += folds;
    bill.s3Gets += folds * traffic.instances();
    bill.writeUnits += folds;
    bill.dynamoRequests += folds;
    bill.readUnits += 3600 / HEAD_POLL_SECONDS * traffic.instances();
    bill.dynamoRequests += 3600 / HEAD_POLL_SECONDS * traffic.instances();
    // The owner renews the lease; every other instance reads it, as often.
    bill.writeUnits += 3600 / LEASE_RENEW_SECONDS;
    bill.dynamoRequests += 3600 / LEASE_RENEW_SECONDS * traffic.instances();
    bill.readUnits += 3600 / LEASE_RENEW_SECONDS * (traffic.instances() - 1);
    hourly.forEach((account, count) -> {
      bill.writeUnits += units(ITEM_OVERHEAD_BYTES + (long) count * PACKED_ENTRY_BYTES
          + (long) objects.get(account) * PACKED_KEY_BYTES) + DAY_UNITS;
      bill.dynamoRequests += 2;
    });
    // The by-month index entry of each account's new day item: one a day, a 24th of it an hour.
    bill.writeUnits += hourly.size() / 24.0;
  }

  /**
   * The fold with its counts in DynamoDB items, not in one S3 object per period: each period, per
   * account it saw, a page of its new entries and an update of its day item. Rejected: its cost
   * follows the accounts a period sees, not the messages.
   */
  private static void billPeriodWrites(Map<Integer, Integer> period, Bill bill) {
    for (int count : period.values()) {
      bill.writeUnits += units(ITEM_OVERHEAD_BYTES + (long) count * PACKED_ENTRY_BYTES) + DAY_UNITS;
    }
  }

  /** 1 unit per KB or part of one; an item over 400 KB is written as several pages. */
  static long units(long itemBytes) {
    return (itemBytes + 1023) / 1024;
  }

  private static double[] cumulative(Traffic traffic) {
    double[] cumulative = new double[traffic.accounts()];
    double sum = 0;
    for (int k = 0; k < traffic.accounts(); k++) {
      sum += traffic.mix().equals("zipf") ? 1.0 / (k + 1) : 1.0;
      cumulative[k] = sum;
    }
    for (int k = 0; k < cumulative.length; k++) {
      cumulative[k] /= sum;
    }
    return cumulative;
  }

  private static int pick(double[] cumulative, Random random) {
    int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(cumulative.length - 1, index >= 0 ? index : -index - 1);
  }
}
