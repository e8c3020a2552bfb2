package io.logmeter.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArchiveKeysTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-06T07:37:07.123Z");

  @Test
  void aRawKeyShortensToWhatFollowsItsPrefixAndExpandsBack() {
    String key = ArchiveKeys.key(ArchiveKeys.RAW, RECEIVED, "0a1b2c3d", 123);

    String shortened = ArchiveKeys.shorten(key);

    assertThat(key).isEqualTo("raw/dt=2026-12-06/hr=07/20261206T073707123Z-0a1b2c3d-000123.ndjson");
    assertThat(shortened).isEqualTo("20261206T073707123Z-0a1b2c3d-000123");
    assertThat(ArchiveKeys.expand(shortened)).isEqualTo(key);
  }

  @Test
  void anyOtherKeyIsKeptWholeAndExpandsBack() {
    for (String key : new String[] {
        ArchiveKeys.key(ArchiveKeys.REJECTED, RECEIVED, "0a1b2c3d", 1),
        "raw/dt=2026-12-06/hr=08/20261206T073707123Z-0a1b2c3d-000123.ndjson", // hour not the stamp's
        "raw/dt=2026-12-07/hr=07/20261206T073707123Z-0a1b2c3d-000123.ndjson", // day not the stamp's
        "raw/dt=2026-12-06/hr=07/20261206T073707123Z-0a1b2c3d-000123.json",
        "raw/20261206T073707123Z-0a1b2c3d-000123.ndjson",
        "raw/dt=2026-12-06/hr=07/extra/20261206T073707123Z-0a1b2c3d-000123.ndjson",
        "raw/dt=2026-12-06/hr=07/2026.ndjson",
        "raw/.ndjson",
        "20261206T073707123Z-0a1b2c3d-000123", // looks shortened
        "/leading/slash",
        "",
    }) {
      String shortened = ArchiveKeys.shorten(key);
      assertThat(shortened).as(key).isEqualTo("/" + key);
      assertThat(ArchiveKeys.expand(shortened)).as(key).isEqualTo(key);
    }
  }

  @Test
  void aKeyIsCompactedToAboutTenCharactersAndReadBackExactly() {
    java.time.Instant hour = java.time.Instant.parse("2026-11-21T10:00:00Z");
    java.util.List<String> instances = new java.util.ArrayList<>();
    String inHour = ArchiveKeys.key(ArchiveKeys.RAW, hour.plusMillis(3_599_999), "0a1b2c3d", 123);
    String before = ArchiveKeys.key(ArchiveKeys.RAW, hour.minusSeconds(90), "web-1.eu", 1_234_567);
    String elsewhere = "rejected/dt=2026-11-21/hr=10/x.ndjson";

    assertThat(ArchiveKeys.compact(inHour, hour, instances)).isEqualTo("255rz.0.3f");
    assertThat(ArchiveKeys.compact(before, hour, instances)).isEqualTo("-1xg0.1.qglj");
    assertThat(ArchiveKeys.compact(inHour, hour, instances)).as("an instance once").isEqualTo("255rz.0.3f");
    assertThat(instances).containsExactly("0a1b2c3d", "web-1.eu");
    assertThat(ArchiveKeys.compact(elsewhere, hour, instances)).isEqualTo("=/" + elsewhere);
    assertThat(instances).as("no instance for a key of another shape").hasSize(2);
    for (String key : java.util.List.of(inHour, before, elsewhere)) {
      assertThat(ArchiveKeys.uncompact(ArchiveKeys.compact(key, hour, instances), hour, instances)).isEqualTo(key);
    }
  }
}
