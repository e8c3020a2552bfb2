package io.logmeter.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.usage.Usage;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftTest {

  private static final AccountDay A1 = new AccountDay("a", LocalDate.of(2026, 11, 1));
  private static final AccountDay A2 = new AccountDay("a", LocalDate.of(2026, 11, 2));
  private static final AccountDay B1 = new AccountDay("b", LocalDate.of(2026, 11, 1));

  @Test
  void sameSumsAreNoDrift() {
    Map<AccountDay, Usage> sums = Map.of(A1, new Usage(10, 1), B1, new Usage(3, 2));

    assertThat(Drift.between(sums, Map.copyOf(sums))).isEmpty();
  }

  @Test
  void findsDifferencesInBothDirectionsInOrder() {
    Map<AccountDay, Usage> archive = Map.of(A1, new Usage(10, 1), A2, new Usage(5, 1));
    Map<AccountDay, Usage> counters = Map.of(A1, new Usage(20, 2), B1, new Usage(3, 1));

    assertThat(Drift.between(archive, counters)).containsExactly(
        new Difference(A1, new Usage(10, 1), new Usage(20, 2)),
        new Difference(A2, new Usage(5, 1), Usage.ZERO),
        new Difference(B1, Usage.ZERO, new Usage(3, 1)));
  }

  @Test
  void aDifferenceInMessagesAloneIsDrift() {
    Difference d = Drift.between(Map.of(A1, new Usage(0, 1)), Map.of(A1, new Usage(0, 2))).get(0);

    assertThat(d.bytesDrift()).isZero();
    assertThat(d.messagesDrift()).isEqualTo(1);
  }
}
