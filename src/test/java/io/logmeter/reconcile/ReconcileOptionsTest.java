package io.logmeter.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcileOptionsTest {

  @Test
  void readsEveryPartitionAMessageOfTheRangeCanBeArchivedIn() {
    ReconcileOptions options = ReconcileOptions.parse(List.of("--from", "2026-11-01", "--to=2026-11-30"));

    assertThat(options.accountId()).isNull();
    assertThat(options.scanCounters()).isTrue();
    // Written after it was published, up to the queue's 14 days of retention later.
    assertThat(options.firstPartition()).isEqualTo(LocalDate.of(2026, 10, 31));
    assertThat(options.lastPartition()).isEqualTo(LocalDate.of(2026, 12, 15));
  }

  @Test
  void takesAnAccountInAnyCaseAndOtherWindows() {
    ReconcileOptions options = ReconcileOptions.parse(List.of("--from", "2026-11-01", "--to", "2026-11-01",
        "--account", "6F1C9A52-8A8E-4A53-9D8F-1C2B3A4D5E6F", "--scan-days-before", "0", "--scan-days-after", "30",
        "--no-counter-scan"));

    assertThat(options.accountId()).isEqualTo("6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f");
    assertThat(options.firstPartition()).isEqualTo(LocalDate.of(2026, 11, 1));
    assertThat(options.lastPartition()).isEqualTo(LocalDate.of(2026, 12, 1));
    assertThat(options.scanCounters()).isFalse();
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--from", "2026-11-01")))
        .hasMessageContaining("--from and --to are required");
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--from", "2026-11-31", "--to", "2026-12-01")))
        .hasMessageContaining("--from must be a date");
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--from", "2026-11-02", "--to", "2026-11-01")))
        .hasMessageContaining("must not be after");
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--from", "2026-11-01", "--to", "2026-11-01",
        "--account", "nope"))).hasMessageContaining("--account must be a UUID");
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--from", "2026-11-01", "--to", "2026-11-01",
        "--scan-days-after", "-1"))).hasMessageContaining("0..");
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--from", "2026-11-01", "--to")))
        .hasMessageContaining("--to needs a value");
    assertThatThrownBy(() -> ReconcileOptions.parse(List.of("--since", "2026-11-01")))
        .hasMessageContaining("unknown option --since");
  }
}
