package io.logmeter.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

  @ParameterizedTest
  @ValueSource(strings = {"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", "6F1C9A52-8A8E-4A53-9D8F-1C2B3A4D5E6F",
      "00000000-0000-0000-0000-000000000000", "ffffffff-FFFF-ffff-FFFF-ffffffffffff"})
  void asciiHexadecimalInTheCanonicalFormIsAUuid(String s) {
    assertThat(Identifiers.isUuid(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6", "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f0",
      "6f1c9a528a8e-4a53-9d8f-1c2b3a4d5e6f-", "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6g",
      "\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661-1111-1111-1111-111111111111",
      "\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11-1111-1111-1111-111111111111",
      "\uff41aaaaaaa-1111-1111-1111-111111111111", "{6f1c9a5-8a8e-4a53-9d8f-1c2b3a4d5e6f}"})
  void anythingElseIsNot(String s) {
    assertThat(Identifiers.isUuid(s)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f", "urn:id.part_2-x", "Z9"})
  void messageIdsOfTheAlphabet(String s) {
    assertThat(Identifiers.isMessageId(s)).isTrue();
    assertThat(Identifiers.isMessageId(s.repeat(Identifiers.MAX_MESSAGE_ID)
        .substring(0, Identifiers.MAX_MESSAGE_ID))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space", "slash/", "tab\t", "nul\u0000", "lone\ud800", "pair\ud83d\ude00",
      "caf\u00e9", "percent%20", "hash#", "\u0661"})
  void messageIdsOutsideTheAlphabetOrLength(String s) {
    assertThat(Identifiers.isMessageId(s)).isFalse();
    assertThat(Identifiers.isMessageId("a".repeat(Identifiers.MAX_MESSAGE_ID + 1))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
      "9999-12-31T23:59:59.999999999Z"})
  void eventTimesWithFourDigitYears(String t) {
    assertThat(Identifiers.isEventTime(Instant.parse(t))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0000-12-31T23:59:59.999Z", "-0001-06-01T00:00:00Z", "+10000-01-01T00:00:00Z",
      "+12026-11-21T10:00:00Z"})
  void eventTimesOutsideThem(String t) {
    assertThat(Identifiers.isEventTime(Instant.parse(t))).isFalse();
  }
}
