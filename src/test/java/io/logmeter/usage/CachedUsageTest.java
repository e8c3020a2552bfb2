package io.logmeter.usage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CachedUsageTest {

  private static final long MS = 1_000_000;

  @Test
  void aCommitSentAfterTheLoadIsAdded() {
    CachedUsage cached = new CachedUsage(new Usage(100, 1), 1_000 * MS);

    cached.add(50, 2, 1_010 * MS);

    assertThat(cached.snapshot()).isEqualTo(new Usage(150, 3));
  }

  @Test
  void aCommitSentBeforeOrAroundTheLoadIsLeftToTheRefresh() {
    CachedUsage cached = new CachedUsage(new Usage(100, 1), 1_000 * MS);

    cached.add(50, 2, 990 * MS);
    cached.add(50, 2, 1_000 * MS);

    assertThat(cached.snapshot()).isEqualTo(new Usage(100, 1));
  }

  @Test
  void ticksCompareAcrossTheirWrapAround() {
    long loaded = ((long) Integer.MAX_VALUE << 20) - 5 * MS;
    CachedUsage cached = new CachedUsage(Usage.ZERO, loaded);

    cached.add(7, 1, loaded + 20 * MS);

    assertThat(cached.snapshot()).isEqualTo(new Usage(7, 1));
  }
}
