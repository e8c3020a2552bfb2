package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.ledger.DayCounters.Hour;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The day item's arithmetic without DynamoDB: which entry an hour is, what a commit moves the day
 * up to, and, when an update is refused, which hours are still behind the item as read back.
 */
class DayCountersTest {

  private static Hour hour(String hour, long version) {
    return new Hour(hour, version, 100 * version, version);
  }

  /** A day item as the usage table holds it: {@code h<hh> = {v, b, n}} per hour of the day with pages. */
  private static Map<String, AttributeValue> item(Map<String, Long> versions) {
    Map<String, AttributeValue> item = new HashMap<>(Map.of("pk", AttributeValue.fromS("a"),
        "sk", AttributeValue.fromS("D#2026-11-21"), "month", AttributeValue.fromS("2026-11#a")));
    versions.forEach((attribute, v) -> item.put(attribute, AttributeValue.fromM(Map.of(
        "v", AttributeValue.fromN(Long.toString(v)), "b", AttributeValue.fromN(Long.toString(100 * v)),
        "n", AttributeValue.fromN(Long.toString(v))))));
    return item;
  }

  @Test
  void anHourIsTheEntryOfItsHourOfTheDay() {
    assertThat(hour("2026-11-21T00", 1).ofDay()).isZero();
    assertThat(hour("2026-11-21T00", 1).attribute()).isEqualTo("h00");
    assertThat(hour("2026-11-21T07", 1).ofDay()).isEqualTo(7);
    assertThat(hour("2026-11-21T07", 1).attribute()).isEqualTo("h07");
    assertThat(hour("2026-11-21T23", 1).ofDay()).isEqualTo(23);
    assertThat(hour("2026-11-21T23", 1).attribute()).isEqualTo("h23");
  }

  @Test
  void aDayIsMovedUpToTheNewestPageOfEachHourWrittenInTheOrderOfTheHours() {
    List<Hour> written = List.of(hour("2026-11-21T11", 3), hour("2026-11-21T10", 5), hour("2026-11-21T11", 4),
        hour("2026-11-21T10", 2), hour("2026-11-21T09", 1));

    assertThat(DayCounters.newest(written)).containsExactly(hour("2026-11-21T09", 1), hour("2026-11-21T10", 5),
        hour("2026-11-21T11", 4));
  }

  @Test
  void hoursAtTheirPageOrFurtherAreDoneAndTheOthersAreBehind() {
    Map<String, AttributeValue> read = item(Map.of("h09", 7L, "h10", 5L, "h11", 2L));
    Hour further = hour("2026-11-21T09", 6); // another writer moved it past this commit's page
    Hour atItsPage = hour("2026-11-21T10", 5);
    Hour older = hour("2026-11-21T11", 3);
    Hour absent = hour("2026-11-21T12", 1);

    assertThat(DayCounters.behind(read, List.of(further, atItsPage, older, absent))).containsExactly(older, absent);
  }

  @Test
  void everyHourIsBehindADayWithoutItsItem() {
    List<Hour> hours = List.of(hour("2026-11-21T10", 1), hour("2026-11-21T11", 4));

    assertThat(DayCounters.behind(Map.of(), hours)).containsExactlyElementsOf(hours);
  }
}
