package io.logmeter.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

  @ParameterizedTest
  @ValueSource(strings = {"", "plain ascii", "héllo wörld", "日本語のログ", "emoji 🎉🚀 mixed", "\u007f\u0080\u07ff\u0800\uffff",
      "𝄞 musical", "ß∂ƒ©˙∆˚¬…æ"})
  void countsWhatTheJdkEncoderProduces(String text) {
    assertThat(Utf8.encodedLength(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\ud800", "a\udc00b", "\ud83d", "x\ud83dy"})
  void unpairedSurrogatesHaveNoUtf8Length(String text) {
    assertThat(Utf8.encodedLength(text)).isEqualTo(-1);
  }
}
