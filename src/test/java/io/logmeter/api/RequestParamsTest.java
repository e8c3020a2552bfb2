package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDate;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** How request parameters are read and refused, on plain parameter maps. */
class RequestParamsTest {

  @Test
  void anAccountIdIsAUuidInEitherCaseAndComesOutLowercase() {
    assertThat(RequestParams.accountId("6F1C9A52-8A8E-4A53-9D8F-1C2B3A4D5E6F"))
        .isEqualTo("6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f");
    for (String notOne : new String[] {null, "", "not-a-uuid", "6f1c9a528a8e4a539d8f1c2b3a4d5e6f",
        "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6g", "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f0",
        "{6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e}"}) {
      refused(notOne, () -> RequestParams.accountId(notOne), "invalid_account_id");
    }
  }

  @Test
  void aDateIsYyyyMmDdAndACalendarDay() {
    assertThat(RequestParams.date(query("from", "2024-02-29"), "from")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(RequestParams.date(query(), "from")).isNull();
    for (String notOne : new String[] {"2026-13-01", "2026-02-29", "2026-11-31", "2026-1-01", "26-11-01", "20261101",
        "2026-11-01T00:00", " 2026-11-01", "", "yesterday"}) {
      refused(notOne, () -> RequestParams.date(query("to", notOne), "to"), "invalid_date").hasMessageStartingWith("to ");
    }
  }

  @Test
  void aPeriodNeedsBothBoundsInOrderAndAtMost366DaysInclusive() {
    RequestParams.Period leapYear = RequestParams.period(query("from", "2024-01-01", "to", "2024-12-31"));
    assertThat(leapYear).isEqualTo(new RequestParams.Period(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31)));
    assertThat(RequestParams.period(query("from", "2023-01-01", "to", "2024-01-01")).to())
        .as("366 days counting both ends").isEqualTo(LocalDate.of(2024, 1, 1));
    assertThat(RequestParams.period(query("from", "2026-11-21", "to", "2026-11-21")).from())
        .isEqualTo(LocalDate.of(2026, 11, 21));

    refused(() -> RequestParams.period(query("from", "2023-01-01", "to", "2024-01-02")), "range_too_large");
    refused(() -> RequestParams.period(query("from", "2026-11-02", "to", "2026-11-01")), "invalid_range");
    refused(() -> RequestParams.period(query("from", "2026-11-01")), "missing_parameter");
    refused(() -> RequestParams.period(query("to", "2026-11-01")), "missing_parameter");
    refused(() -> RequestParams.period(query()), "missing_parameter");
    refused(() -> RequestParams.period(query("from", "2026-11-01", "to", "2026-11-31")), "invalid_date");
  }

  @Test
  void aFlagIsTrueOrFalseAndFalseWhenAbsent() {
    assertThat(RequestParams.flag(query("consistent", "true"), "consistent")).isTrue();
    assertThat(RequestParams.flag(query("consistent", "false"), "consistent")).isFalse();
    assertThat(RequestParams.flag(query(), "consistent")).isFalse();
    for (String notOne : new String[] {"TRUE", "yes", "1", ""}) {
      refused(notOne, () -> RequestParams.flag(query("consistent", notOne), "consistent"), "invalid_parameter")
          .hasMessageContaining("consistent");
    }
  }

  @Test
  void aWholeNumberIsWithinItsBoundsOrTheFallbackWhenAbsent() {
    assertThat(RequestParams.integer(query(), "limit", 20, 1, 100)).isEqualTo(20);
    assertThat(RequestParams.integer(query("limit", "1"), "limit", 20, 1, 100)).isEqualTo(1);
    assertThat(RequestParams.integer(query("limit", "100"), "limit", 20, 1, 100)).isEqualTo(100);
    assertThat(RequestParams.integer(query("limit", "000000042"), "limit", 20, 1, 100)).isEqualTo(42);
    for (String notOne : new String[] {"0", "101", "-1", "+5", "1.5", "1e2", "ten", "", "99999999999999999999"}) {
      refused(notOne, () -> RequestParams.integer(query("limit", notOne), "limit", 20, 1, 100), "invalid_parameter")
          .hasMessageContaining("from 1 to 100");
    }
  }

  @Test
  void anInstantIsIso8601WithinYears1To9999() {
    assertThat(RequestParams.instant(query("at", "2026-12-03T13:05:00.123Z"), "at"))
        .isEqualTo(Instant.ofEpochMilli(1_796_303_100_123L));
    assertThat(RequestParams.instant(query(), "at")).isNull();
    for (String notOne : new String[] {"yesterday", "2026-12-03", "2026-12-03T13:05:00", "+10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z"}) {
      refused(notOne, () -> RequestParams.instant(query("at", notOne), "at"), "invalid_parameter");
    }
  }

  @Test
  void noParameterMayBeGivenTwice() {
    MultiMap twice = query("from", "2026-11-01", "from", "2026-11-01", "consistent", "true", "consistent", "true",
        "limit", "5", "limit", "6", "at", "2026-12-03T13:05:00Z", "at", "2026-12-03T13:05:00Z",
        "by", "bytes", "by", "bytes");
    refused(() -> RequestParams.date(twice, "from"), "invalid_parameter").hasMessageContaining("more than once");
    refused(() -> RequestParams.flag(twice, "consistent"), "invalid_parameter");
    refused(() -> RequestParams.integer(twice, "limit", 20, 1, 100), "invalid_parameter");
    refused(() -> RequestParams.instant(twice, "at"), "invalid_parameter");
    refused(() -> RequestParams.text(twice, "by"), "invalid_parameter");
    assertThat(RequestParams.text(query("by", "messages"), "by")).isEqualTo("messages");
    assertThat(RequestParams.text(query(), "by")).isNull();
  }

  /** Parameters as the request's query gives them: names and values in turn, a name as often as it is repeated. */
  private static MultiMap query(String... namesAndValues) {
    MultiMap query = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      query.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return query;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable read, String code) {
    return refused("", read, code);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(String value, Runnable read, String code) {
    return assertThatThrownBy(read::run).as("'%s'", value).isInstanceOfSatisfying(ApiError.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo(code);
    });
  }
}
