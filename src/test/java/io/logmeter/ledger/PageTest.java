package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logmeter.archive.ArchiveKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class PageTest {

  private static final Instant HOUR = Instant.parse("2026-11-21T10:00:00Z");
  private static final String OBJECT = "raw/dt=2026-11-21/x.ndjson";

  @Test
  void aClassicPageReadsBackAsWritten() {
    List<Page.Entry> entries = List.of(
        new Page.Entry(UUID.randomUUID().toString(), Instant.parse("2026-11-21T10:15:00.123Z"), OBJECT, 0, 210, 42),
        new Page.Entry("m:1.2_x-y", Instant.parse("0001-01-01T00:00:00Z"), OBJECT, 1 << 30, 300, 0));
    Page page = new Page(Page.partition("a", Instant.parse("2026-11-21T10:15:00Z")), 7, "writer/1/0", entries, 1042,
        12);

    Map<String, AttributeValue> item = page.item(123);
    Page read = Page.of(item);

    assertThat(read).isEqualTo(page);
    assertThat(read.partition()).isEqualTo("a#2026-11-21T10");
    assertThat(read.bytes()).isEqualTo(42);
    assertThat(read.entries().get(1).location().objectKey()).isEqualTo(OBJECT);
    assertThat(item.get(Page.OBJECT_KEY).s()).isEqualTo(OBJECT);
    assertThat(item).doesNotContainKeys(Page.PACKED, Page.OBJECT_KEYS);
  }

  @Test
  void aClassicPageRefusesEntriesOfTwoObjects() {
    Page page = new Page("a#2026-11-21T10", 1, "w", List.of(
        new Page.Entry("m1", HOUR, OBJECT, 0, 10, 1), new Page.Entry("m2", HOUR, "raw/other.ndjson", 0, 10, 1)), 2, 2);

    assertThatThrownBy(() -> page.item(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMessageTakesAboutSeventyBytesOfAClassicPage() {
    List<Page.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      entries.add(new Page.Entry(UUID.randomUUID().toString(), Instant.parse("2026-11-21T10:15:00.123Z")
          .plusMillis(i), "raw/x", 1_000_000L + i * 700, 700, 500));
    }
    Page page = new Page("a#2026-11-21T10", 1, "w", entries, 500_000, 1000);

    int chars = page.item(0).get(Page.ENTRIES).s().length();

    assertThat(chars / 1000).isBetween(60, 75);
  }

  @Test
  void aPackedPageReadsBackWithTheObjectOfEachEntry() {
    PackedEntries packed = new PackedEntries(HOUR);
    String archived = ArchiveKeys.key(ArchiveKeys.RAW, Instant.parse("2026-11-21T12:01:02.003Z"), "0a1b2c3d", 4);
    packed.add(UUID.randomUUID().toString(), HOUR, archived, 0, 210, 42);
    packed.add("m:1.2_x-y", HOUR.plusMillis(3_599_999), "elsewhere/x.ndjson", 5_000_000_000L, 300, 0);
    packed.add(UUID.randomUUID().toString(), HOUR.plusSeconds(60), archived, 211, 99, 7);
    String partition = Page.partition("a", HOUR);

    Map<String, AttributeValue> item = new Page.Packed(partition, 3, "fold/1", packed, 10_049, 20).item(123);
    Page read = Page.of(item);

    assertThat(read).isEqualTo(new Page(partition, 3, "fold/1", packed.entries(), 10_049, 20));
    assertThat(read.entries()).extracting(Page.Entry::objectKey)
        .containsExactly(archived, "elsewhere/x.ndjson", archived);
    assertThat(read.bytes()).isEqualTo(49);
    assertThat(item.get(Page.BYTES).n()).isEqualTo("49");
    assertThat(item.get(Page.MESSAGES).n()).isEqualTo("3");
    assertThat(item.get(Page.EXPIRES_AT).n()).isEqualTo("123");
    assertThat(item.get(Page.OBJECT_KEYS).s()).isEqualTo("0a1b2c3d\n4bneb.0.4\n=/elsewhere/x.ndjson");
    assertThat(item).doesNotContainKeys(Page.ENTRIES, Page.OBJECT_KEY);
  }

  @Test
  void packedEntriesGoOnlyIntoThePartitionOfTheirHour() {
    PackedEntries packed = new PackedEntries(HOUR);

    assertThatThrownBy(() -> new Page.Packed(Page.partition("a", HOUR.plusSeconds(3600)), 1, "w", packed, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** DynamoDB's measure of an item (and of its write units): names and values, a number by its digits. */
  @Test
  void aPackedPageOfAThousandUuidMessagesFromFiftyObjectsTakesUnderFortyBytesAMessage() {
    Random random = new Random(1);
    List<String> objects = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      objects.add(ArchiveKeys.key(ArchiveKeys.RAW, HOUR.plusSeconds(70L * i + random.nextInt(60)),
          String.format("%08x", random.nextInt()), random.nextInt(1000)));
    }
    PackedEntries packed = new PackedEntries(HOUR);
    for (int i = 0; i < 1000; i++) {
      // Event times anywhere in the hour, records anywhere in objects of up to 8 MB (the batch bound).
      packed.add(UUID.randomUUID().toString(), HOUR.plusMillis(random.nextInt(3_600_000)),
          objects.get(random.nextInt(objects.size())), random.nextInt(8 << 20), 300 + random.nextInt(700),
          100 + random.nextInt(600));
    }
    Map<String, AttributeValue> item = new Page.Packed(Page.partition(UUID.randomUUID().toString(), HOUR), 12_345,
        "fold-0a1b2c3d/17", packed, 123_456_789_012L, 987_654_321L).item(1_800_000_000L);

    double perMessage = itemBytes(item) / 1000.0;

    System.out.printf("packed page: %.1f bytes a message (%d of entries and keys)%n", perMessage,
        packed.packedBytes());
    assertThat(perMessage).isLessThan(40);
    assertThat(Page.of(item).entries()).isEqualTo(packed.entries());
  }

  private static int itemBytes(Map<String, AttributeValue> item) {
    int size = 0;
    for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
      size += a.getKey().length();
      AttributeValue v = a.getValue();
      if (v.s() != null) {
        size += v.s().getBytes(StandardCharsets.UTF_8).length;
      } else if (v.b() != null) {
        size += v.b().asByteArrayUnsafe().length;
      } else {
        size += (v.n().replace("-", "").length() + 1) / 2 + 1;
      }
    }
    return size;
  }
}
