package io.logmeter.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.ledger.CounterKeys;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardSumsTest {

  private static final LocalDate NOV_20 = LocalDate.of(2026, 11, 20);
  private static final LocalDate NOV_21 = LocalDate.of(2026, 11, 21);

  @Test
  void totalIsTheSumOfItsShards() {
    List<CounterItem> shards = List.of(new CounterItem("T#" + 0, 10, 1),
        new CounterItem("T#" + 5, 32, 3), new CounterItem("T#" + 7, 0, 0));

    assertThat(ShardSums.total(shards)).isEqualTo(new Usage(42, 4));
    assertThat(ShardSums.total(List.of())).isEqualTo(Usage.ZERO);
  }

  @Test
  void dailySumsShardsPerDay() {
    List<CounterItem> shards = List.of(new CounterItem(CounterKeys.shardKey(NOV_20, 0), 10, 1),
        new CounterItem(CounterKeys.shardKey(NOV_20, 11), 5, 2), new CounterItem(CounterKeys.shardKey(NOV_21, 3), 7, 1));

    assertThat(ShardSums.daily(shards)).containsExactly(
        java.util.Map.entry(NOV_20, new Usage(15, 3)), java.util.Map.entry(NOV_21, new Usage(7, 1)));
  }

  @Test
  void everyDayFillsTheGapsWithZero() {
    var counted = ShardSums.daily(List.of(new CounterItem(CounterKeys.shardKey(NOV_21, 0), 7, 1)));

    assertThat(ShardSums.everyDay(counted, NOV_20, LocalDate.of(2026, 11, 22))).containsExactly(
        java.util.Map.entry(NOV_20, Usage.ZERO), java.util.Map.entry(NOV_21, new Usage(7, 1)),
        java.util.Map.entry(LocalDate.of(2026, 11, 22), Usage.ZERO));
  }

  @Test
  void dayRangeKeysBracketEveryShardOfTheirDays() {
    String first = CounterKeys.firstOfDay(NOV_20);
    String last = CounterKeys.lastOfDay(NOV_21);

    for (int shard : new int[] {0, 7, 99}) {
      assertThat(CounterKeys.shardKey(NOV_20, shard)).isGreaterThan(first).isLessThan(last);
      assertThat(CounterKeys.shardKey(NOV_21, shard)).isGreaterThan(first).isLessThan(last);
    }
    // The account's items that are not days, the alert claims and the totals written before pages,
    // lie outside every range of days, the widest included.
    String firstDay = CounterKeys.firstOfDay(LocalDate.of(1970, 1, 1));
    String lastDay = CounterKeys.lastOfDay(LocalDate.of(9999, 12, 31));
    for (String other : List.of(CounterKeys.alertKey(1_000_000_000L), "T#0", "T#99")) {
      assertThat(other).as("%s outside the days", other).satisfiesAnyOf(
          key -> assertThat(key).isLessThan(firstDay), key -> assertThat(key).isGreaterThan(lastDay));
    }
    assertThat(CounterKeys.shardKey(LocalDate.of(2026, 11, 22), 0)).isGreaterThan(last);
    assertThat(CounterKeys.shardKey(LocalDate.of(2026, 11, 19), 99)).isLessThan(first);
    assertThat(CounterKeys.dayOf(CounterKeys.shardKey(NOV_21, 42))).isEqualTo(NOV_21);
    assertThat(CounterKeys.dayKey(NOV_20)).isGreaterThanOrEqualTo(first).isLessThan(last);
    assertThat(CounterKeys.dayKey(NOV_21)).isGreaterThan(first).isLessThan(last);
    assertThat(CounterKeys.dayOf(CounterKeys.dayKey(NOV_21))).isEqualTo(NOV_21);
  }
}
