package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdSetTest {

  @Test
  void holdsUuidsExactlyThroughGrowth() {
    IdSet set = new IdSet();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    for (String id : ids) {
      assertThat(set.add(id)).isTrue();
    }
    for (String id : ids) {
      assertThat(set.contains(id)).isTrue();
      assertThat(set.add(id)).isFalse();
    }
    for (int i = 0; i < 50_000; i++) {
      assertThat(set.contains(UUID.randomUUID().toString())).isFalse();
    }
    assertThat(set.size()).isEqualTo(50_000);
    // 128 bits in a table at most half full: no more than 64 bytes an id.
    assertThat(set.weight()).isLessThan(50_000L * 64);
  }

  @Test
  void idsThatDifferInOneDigitOrAreNotUuidsAreKeptApart() {
    IdSet set = new IdSet();
    assertThat(set.add("00000000-0000-0000-0000-000000000000")).isTrue();
    assertThat(set.contains("00000000-0000-0000-0000-000000000000")).isTrue();
    assertThat(set.contains("00000000-0000-0000-0000-000000000001")).isFalse();
    assertThat(set.add("00000000-0000-0000-0000-000000000001")).isTrue();
    assertThat(set.add("10000000-0000-0000-0000-000000000000")).isTrue();
    // Uppercase, or not a UUID: kept as text, never confused with its lowercase form.
    assertThat(set.add("ABCDEF00-0000-0000-0000-000000000000")).isTrue();
    assertThat(set.contains("abcdef00-0000-0000-0000-000000000000")).isFalse();
    assertThat(set.add("m-1")).isTrue();
    assertThat(set.add("m-1")).isFalse();
    assertThat(set.contains("m-2")).isFalse();
    assertThat(set.size()).isEqualTo(5);
  }
}
