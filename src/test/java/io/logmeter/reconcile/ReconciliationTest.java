package io.logmeter.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Records;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.archive.ArchiveKeys;
import io.logmeter.archive.ArchiveObject;
import io.logmeter.message.LogRecord;
import io.logmeter.server.AwsCallMetrics;
import io.logmeter.server.AwsClients;
import io.logmeter.server.Config;
import io.logmeter.server.Resources;
import io.logmeter.usage.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The archive against the counters on the real emulators: records spread over receive-time
 * partitions, copies, sharded counters; drift found in both directions; the command's exit status.
 */
class ReconciliationTest {

  private static final String A = "0a000000-0000-4000-8000-000000000001";
  private static final String B = "0b000000-0000-4000-8000-000000000002";
  private static final String C = "0c000000-0000-4000-8000-000000000003";
  private static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate NOV_2 = LocalDate.of(2026, 11, 2);

  private static TestStack stack;
  private static Vertx vertx;
  private Names names;
  private JsonObject settings;
  private AwsClients aws;
  private int sequence;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.shared();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @BeforeEach
  void resources() throws Exception {
    names = Names.fresh();
    settings = stack.config(names, 0);
    Config config = Config.from(Config.defaults().mergeIn(settings));
    aws = AwsClients.create(config, vertx, new AwsCallMetrics(new SimpleMeterRegistry()));
    Resources.create(aws, config).get(30, TimeUnit.SECONDS);
  }

  @org.junit.jupiter.api.AfterEach
  void closeClients() {
    aws.close();
  }

  @Test
  void recountsTheArchiveAcrossPartitionsAndCopiesAndMatchesShardedCounters() throws Exception {
    // Skew: published just after midnight by SNS's clock, archived just before it by the instance's.
    archive("2026-11-01T23:59:59.500Z", record("skewed", A, "2026-11-02T00:00:00.200Z", 4));
    archive("2026-11-01T10:00:01Z", record("m1", A, "2026-11-01T10:00:00Z", 10),
        record("m2", B, "2026-11-01T11:00:00Z", 20), record("old", A, "2026-10-31T11:00:00Z", 99));
    // A crash between archive and commit: m1 archived again on redelivery, in a later partition.
    archive("2026-11-02T09:00:00Z", record("m1", A, "2026-11-01T10:00:00Z", 10),
        record("m3", A, "2026-11-02T08:00:00Z", 5));
    // Waited twelve days in the queue (an outage), archived long after its event day.
    archive("2026-11-14T09:00:00Z", record("late", B, "2026-11-02T08:00:00Z", 7));
    counters(A, NOV_1, 6, 1, 4, 0);
    counters(A, NOV_2, 9, 2);
    counters(B, NOV_1, 20, 1);
    counters(B, NOV_2, 7, 1);
    total(A, 999, 9);

    Report report = reconciliation().run(ReconcileOptions.of(NOV_1, NOV_2), Progress.NONE);

    assertThat(report.differences()).isEmpty();
    assertThat(report.clean()).isTrue();
    assertThat(report.objects()).isEqualTo(4);
    assertThat(report.records()).isEqualTo(7);
    assertThat(report.copies()).isEqualTo(1);
    assertThat(report.outside()).isEqualTo(1);
    assertThat(report.archive()).containsEntry(new AccountDay(A, NOV_1), new Usage(10, 1))
        .containsEntry(new AccountDay(A, NOV_2), new Usage(9, 2)).hasSize(4);
    assertThat(report.summary()).contains("no drift").contains("archive 5 messages, 46 bytes");
  }

  @Test
  void findsCountersWithoutArchiveAndArchiveWithoutCounters() throws Exception {
    archive("2026-11-01T10:00:01Z", record("m1", A, "2026-11-01T10:00:00Z", 10),
        record("m2", B, "2026-11-01T10:00:00Z", 3));
    counters(A, NOV_1, 10, 1);
    // Counted but never archived: only a Scan of the counters can find an account the archive lacks.
    counters(C, NOV_1, 50, 2);

    Report report = reconciliation().run(ReconcileOptions.of(NOV_1, NOV_1), Progress.NONE);

    assertThat(report.differences()).containsExactly(
        new Difference(new AccountDay(B, NOV_1), new Usage(3, 1), Usage.ZERO),
        new Difference(new AccountDay(C, NOV_1), Usage.ZERO, new Usage(50, 2)));
    assertThat(report.clean()).isFalse();
    assertThat(report.summary()).contains("DRIFT in 2 account-days (counters minus archive: +47 bytes, +1 messages)");

    ReconcileOptions withoutScan = ReconcileOptions.parse(List.of("--from", "2026-11-01", "--to", "2026-11-01",
        "--no-counter-scan"));
    assertThat(reconciliation().run(withoutScan, Progress.NONE).differences()).extracting(d -> d.at().accountId())
        .containsExactly(B);
    assertThat(reconciliation().run(ReconcileOptions.of(NOV_1, NOV_1).forAccount(C), Progress.NONE).differences())
        .containsExactly(new Difference(new AccountDay(C, NOV_1), Usage.ZERO, new Usage(50, 2)));
  }

  @Test
  void aRecordArchivedAfterTheWindowIsMissedUntilTheWindowIsWidened() throws Exception {
    archive("2026-11-23T10:00:00Z", record("redriven", A, "2026-11-01T10:00:00Z", 10));
    counters(A, NOV_1, 10, 1);

    assertThat(reconciliation().run(ReconcileOptions.of(NOV_1, NOV_1), Progress.NONE).differences()).hasSize(1);
    assertThat(reconciliation().run(ReconcileOptions.of(NOV_1, NOV_1).scanningDays(1, 30), Progress.NONE).clean())
        .isTrue();
  }

  @Test
  void theCommandPrintsTheDriftAndExitsOneAndZeroWhenClean() throws Exception {
    archive("2026-11-01T10:00:01Z", record("m1", A, "2026-11-01T10:00:00Z", 10));
    counters(A, NOV_1, 11, 1);

    Command drift = command("--from", "2026-11-01", "--to", "2026-11-01");
    assertThat(drift.status).as(drift.output).isEqualTo(ReconcileCommand.DRIFT);
    assertThat(drift.output).contains(Report.HEADER)
        .contains(A + "\t2026-11-01\t10\t1\t11\t1\t+1\t0")
        .contains("DRIFT in 1 account-days");

    Command clean = command("--from", "2026-11-01", "--to", "2026-11-01", "--account", B);
    assertThat(clean.status).as(clean.output).isEqualTo(ReconcileCommand.CLEAN);
    assertThat(clean.output).doesNotContain(Report.HEADER).contains("account " + B).contains("no drift");

    assertThat(ReconcileCommand.run(List.of("--from", "2026-11-01"))).isEqualTo(ReconcileCommand.FAILED);
  }

  private Reconciliation reconciliation() {
    return new Reconciliation(vertx, aws.s3(), aws.dynamo(), names.bucket(), names.usage());
  }

  private static LogRecord record(String id, String account, String eventTime, int bytes) {
    return Records.record(id).account(account).at(eventTime).bytes(bytes).build();
  }

  private void archive(String writtenAt, LogRecord... records) {
    Instant at = Instant.parse(writtenAt);
    ArchiveObject object = new ArchiveObject(ArchiveKeys.key(ArchiveKeys.RAW, at, "test", ++sequence));
    for (LogRecord r : records) {
      object.add(r, at);
    }
    stack.s3.putObject(r -> r.bucket(names.bucket()).key(object.key()), RequestBody.fromBytes(object.bytes()));
  }

  /** Daily counter shards: bytes, messages, bytes, messages… one pair per shard. */
  private void counters(String account, LocalDate day, long... shards) {
    for (int i = 0; i < shards.length; i += 2) {
      put(account, io.logmeter.ledger.CounterKeys.shardKey(day, i / 2), shards[i], shards[i + 1]);
    }
  }

  private void total(String account, long bytes, long messages) {
    put(account, "T#0", bytes, messages);
  }

  private void put(String account, String sortKey, long bytes, long messages) {
    stack.dynamo.putItem(r -> r.tableName(names.usage()).item(Map.of("pk", AttributeValue.fromS(account),
        "sk", AttributeValue.fromS(sortKey), "bytes", AttributeValue.fromN(Long.toString(bytes)),
        "messages", AttributeValue.fromN(Long.toString(messages)))));
  }

  private record Command(int status, String output) {
  }

  /** {@code logmeter reconcile} in a process of its own, configured like serve, through LOGMETER_*. */
  private Command command(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("reconcile", ".out");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.logmeter.Main", "reconcile"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    settings.forEach(e -> builder.environment().put(Config.environmentName(e.getKey()), String.valueOf(e.getValue())));
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Command(process.exitValue(), Files.readString(out));
  }
}
