package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageTest {

  @Test
  void aPageReadsBackAsWritten() {
    List<Page.Entry> entries = List.of(
        new Page.Entry(UUID.randomUUID().toString(), Instant.parse("2026-11-21T10:15:00.123Z"), 0, 210, 42),
        new Page.Entry("m:1.2_x-y", Instant.parse("0001-01-01T00:00:00Z"), 1 << 30, 300, 0));
    Page page = new Page(Page.partition("a", Instant.parse("2026-11-21T10:15:00Z")), 7, "raw/dt=2026-11-21/x.ndjson",
        "writer/1/0", entries, 1042, 12);

    Page read = Page.of(page.item(123));

    assertThat(read).isEqualTo(page);
    assertThat(read.partition()).isEqualTo("a#2026-11-21T10");
    assertThat(read.bytes()).isEqualTo(42);
  }

  @Test
  void aMessageTakesAboutSeventyBytesOfAPage() {
    List<Page.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      entries.add(new Page.Entry(UUID.randomUUID().toString(), Instant.parse("2026-11-21T10:15:00.123Z")
          .plusMillis(i), 1_000_000L + i * 700, 700, 500));
    }
    Page page = new Page("a#2026-11-21T10", 1, "raw/x", "w", entries, 500_000, 1000);

    int chars = page.item(0).get(Page.ENTRIES).s().length();

    assertThat(chars / 1000).isBetween(60, 75);
  }
}
