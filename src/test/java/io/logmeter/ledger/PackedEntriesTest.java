package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logmeter.archive.ArchiveKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PackedEntriesTest {

  private static final Instant HOUR = Instant.parse("2026-11-21T10:00:00Z");
  private static final String ARCHIVED =
      ArchiveKeys.key(ArchiveKeys.RAW, Instant.parse("2026-11-21T10:59:59.999Z"), "0a1b2c3d", 123);

  @Test
  void entriesReadBackAsAdded() {
    List<Page.Entry> added = List.of(
        new Page.Entry(UUID.randomUUID().toString(), HOUR, ARCHIVED, 0, 0, 0),
        new Page.Entry("6F1C9A52-8A8E-4A53-9D8F-1C2B3A4D5E6F", HOUR.plusMillis(3_599_999), ARCHIVED, 1, 2, 3),
        new Page.Entry("m:1.2_x-y", HOUR.plusMillis(2_097_152), "elsewhere/x.ndjson", Long.MAX_VALUE,
            Integer.MAX_VALUE, 1L << 40),
        new Page.Entry("identifiant-é", HOUR.plusMillis(1), "", 5_000_000_000L, 700, 500),
        new Page.Entry("00000000-0000-0000-0000-000000000000", HOUR.plusMillis(127), ARCHIVED, 127, 128, 16_384),
        new Page.Entry("ffffffff-ffff-ffff-ffff-ffffffffffff", HOUR.plusMillis(128), "elsewhere/x.ndjson", 128, 127,
            16_383));
    PackedEntries packed = new PackedEntries(HOUR);

    added.forEach(e -> packed.add(e.messageId(), e.eventTime(), e.objectKey(), e.offset(), e.length(), e.bytes()));

    assertThat(packed.entries()).containsExactlyElementsOf(added);
    assertThat(PackedEntries.decode(HOUR, packed.packed(), packed.keys())).containsExactlyElementsOf(added);
    assertThat(packed.size()).isEqualTo(6);
    assertThat(packed.bytes()).isEqualTo((1L << 40) + 3 + 500 + 16_384 + 16_383);
    // The instances' line, then a key per line: milliseconds from the hour, instance, sequence (base
    // 36), or a key of another shape kept whole behind "=/".
    assertThat(packed.keys()).isEqualTo("0a1b2c3d\n255rz.0.3f\n=/elsewhere/x.ndjson\n=/");
    assertThat(packed.packedBytes()).isEqualTo(packed.packed().length + packed.keys().length());
  }

  @Test
  void aUuidTakesItsSixteenBytes() {
    PackedEntries packed = new PackedEntries(HOUR);

    packed.add(UUID.randomUUID().toString(), HOUR.plusMillis(100), ARCHIVED, 100, 100, 100);

    // header 1, id 16, time, offset, length and bytes 1 each
    assertThat(packed.packed()).hasSize(21);
  }

  @Test
  void eventTimesAreKeptToTheMillisecond() {
    PackedEntries packed = new PackedEntries(HOUR);

    packed.add("m", HOUR.plusNanos(1_999_999), ARCHIVED, 0, 1, 1);

    assertThat(packed.entries().get(0).eventTime()).isEqualTo(HOUR.plusMillis(1));
  }

  @Test
  void anEventTimeOutsideTheHourIsRefusedAndLeavesNoTrace() {
    PackedEntries packed = new PackedEntries(HOUR);

    for (Instant outside : List.of(HOUR.minusMillis(1), HOUR.plusSeconds(3600), Instant.MAX, Instant.MIN)) {
      assertThatThrownBy(() -> packed.add("m", outside, ARCHIVED, 0, 1, 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(packed.size()).isZero();
    assertThat(packed.packedBytes()).isZero();
  }

  @Test
  void anHourMustStartOnTheHour() {
    assertThatThrownBy(() -> new PackedEntries(HOUR.plusMillis(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void splitKeepsEveryEntryOnceInOrderWithinTheBoundAndOnlyTheKeysItUses() {
    Random random = new Random(7);
    List<String> objects = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      objects.add(i % 10 == 0 ? "other/" + i : ArchiveKeys.key(ArchiveKeys.RAW, HOUR.plusSeconds(i * 50L), "i" + i, i));
    }
    PackedEntries packed = new PackedEntries(HOUR);
    for (int i = 0; i < 5000; i++) {
      String id = random.nextInt(10) == 0 ? "id-" + i : UUID.randomUUID().toString();
      packed.add(id, HOUR.plusMillis(random.nextInt(3_600_000)), objects.get(random.nextInt(objects.size())),
          random.nextInt(8 << 20), random.nextInt(2000), random.nextInt(1000));
    }
    int bound = 4000;

    List<PackedEntries> chunks = packed.split(bound);

    List<Page.Entry> rejoined = new ArrayList<>();
    for (int c = 0; c < chunks.size(); c++) {
      PackedEntries chunk = chunks.get(c);
      List<Page.Entry> entries = chunk.entries();
      rejoined.addAll(entries);
      assertThat(chunk.packedBytes()).isLessThanOrEqualTo(bound)
          .isEqualTo(chunk.packed().length + chunk.keys().length());
      String[] lines = chunk.keys().split("\n");
      List<String> instances = List.of(lines[0].split(" "));
      assertThat(java.util.Arrays.stream(lines).skip(1).map(line -> ArchiveKeys.uncompact(line, HOUR, instances)))
          .containsExactlyElementsOf(new LinkedHashSet<>(entries.stream().map(Page.Entry::objectKey).toList()));
      assertThat(chunk.size()).isEqualTo(entries.size());
      assertThat(chunk.bytes()).isEqualTo(entries.stream().mapToLong(Page.Entry::bytes).sum());
      if (c + 1 < chunks.size()) {
        // Full: the next chunk's first entry would not have fitted.
        PackedEntries more = copy(entries);
        Page.Entry next = chunks.get(c + 1).entries().get(0);
        more.add(next.messageId(), next.eventTime(), next.objectKey(), next.offset(), next.length(), next.bytes());
        assertThat(more.packedBytes()).isGreaterThan(bound);
      }
    }
    assertThat(rejoined).containsExactlyElementsOf(packed.entries());
    assertThat(chunks.size()).isGreaterThan(packed.packedBytes() / bound);
  }

  @Test
  void splitRefusesABoundThatOneEntryExceeds() {
    PackedEntries packed = new PackedEntries(HOUR);
    packed.add(UUID.randomUUID().toString(), HOUR, ARCHIVED, 0, 1, 1);

    assertThatThrownBy(() -> packed.split(packed.packedBytes() - 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(packed.split(packed.packedBytes())).hasSize(1);
  }

  private static PackedEntries copy(List<Page.Entry> entries) {
    PackedEntries copy = new PackedEntries(HOUR);
    entries.forEach(e -> copy.add(e.messageId(), e.eventTime(), e.objectKey(), e.offset(), e.length(), e.bytes()));
    return copy;
  }
}
