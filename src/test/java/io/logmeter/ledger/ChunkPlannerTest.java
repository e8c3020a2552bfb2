package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RecordLocation;
import io.logmeter.message.LogRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

  private static final Instant DAY1 = Instant.parse("2026-11-20T10:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-21T23:59:59Z");

  @Test
  void oneAccountOneDayFitsNinetyEightMessagesInAChunk() {
    List<ArchivedRecord> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(record("m" + i, "a", DAY1, 10));
    }

    List<Chunk> chunks = ChunkPlanner.plan(records, 100);

    assertThat(chunks).extracting(c -> c.records().size()).containsExactly(98, 98, 4);
    assertThat(chunks).allSatisfy(c -> assertThat(c.actions()).isLessThanOrEqualTo(100));
    assertThat(chunks.get(0).counters()).containsExactlyInAnyOrder(
        new CounterDelta("a", null, 980, 98), new CounterDelta("a", LocalDate.of(2026, 11, 20), 980, 98));
  }

  @Test
  void countersCoverExactlyTheRecordsOfTheirChunk() {
    Random random = new Random(42);
    List<ArchivedRecord> records = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      records.add(record("m" + i, "acct-" + random.nextInt(37), random.nextBoolean() ? DAY1 : DAY2,
          random.nextInt(5000)));
    }

    List<Chunk> chunks = ChunkPlanner.plan(records, ChunkPlanner.MAX_ACTIONS);

    int planned = 0;
    for (Chunk chunk : chunks) {
      assertThat(chunk.actions()).isLessThanOrEqualTo(ChunkPlanner.MAX_ACTIONS);
      Map<String, long[]> expected = new HashMap<>();
      for (ArchivedRecord r : chunk.records()) {
        add(expected, r.record().accountId() + "/total", r.record().bytes());
        add(expected, r.record().accountId() + "/" + r.record().day(), r.record().bytes());
      }
      Map<String, long[]> actual = new HashMap<>();
      for (CounterDelta d : chunk.counters()) {
        actual.put(d.accountId() + "/" + (d.isTotal() ? "total" : d.day()), new long[] {d.bytes(), d.messages()});
      }
      assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
      planned += chunk.records().size();
    }
    assertThat(planned).isEqualTo(records.size());
    assertThat(chunks.stream().flatMap(c -> c.records().stream())).containsExactlyInAnyOrderElementsOf(records);
  }

  @Test
  void groupingByAccountKeepsCounterUpdatesFew() {
    List<ArchivedRecord> records = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      records.add(record("m" + i, "acct-" + (i % 40), DAY1, 100));
    }

    List<Chunk> chunks = ChunkPlanner.plan(records, ChunkPlanner.MAX_ACTIONS);

    // 1000 messages over 40 accounts: 25 per account, so about 3.6 accounts (7 counters) per chunk.
    assertThat(chunks).hasSizeLessThanOrEqualTo(12);
  }

  @Test
  void emptyInputPlansNothingAndTinyChunksAreRefused() {
    assertThat(ChunkPlanner.plan(List.of(), 100)).isEmpty();
    assertThatThrownBy(() -> ChunkPlanner.plan(List.of(), 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tokensDependOnShardGenerationIdsAndObjects() {
    Chunk a = ChunkPlanner.plan(List.of(record("m1", "a", DAY1, 1)), 100).get(0);
    Chunk sameIdsOtherObject = new Chunk(List.of(new ArchivedRecord(a.records().get(0).record(),
        new RecordLocation("raw/other", 0, 1))), a.counters());

    String token = UsageLedger.token(a, 3, 0);

    assertThat(token).hasSize(36).isEqualTo(UsageLedger.token(a, 3, 0));
    assertThat(UsageLedger.token(a, 4, 0)).isNotEqualTo(token);
    assertThat(UsageLedger.token(a, 3, 1)).isNotEqualTo(token);
    assertThat(UsageLedger.token(sameIdsOtherObject, 3, 0)).isNotEqualTo(token);
  }

  private static void add(Map<String, long[]> sums, String key, long bytes) {
    long[] sum = sums.computeIfAbsent(key, k -> new long[2]);
    sum[0] += bytes;
    sum[1]++;
  }

  static ArchivedRecord record(String id, String account, Instant time, long bytes) {
    return new ArchivedRecord(new LogRecord(id, account, time, bytes, "x"), new RecordLocation("raw/k", 0, 1));
  }
}
