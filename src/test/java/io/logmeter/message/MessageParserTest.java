package io.logmeter.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageParserTest {

  private static final String ACCOUNT = "6F1C9A52-8A8E-4A53-9D8F-1C2B3A4D5E6F";
  private static final long SENT = 1_763_719_200_000L;

  @Test
  void rawPayloadUsesTheSqsIdAndSentTimestamp() {
    Parsed parsed = MessageParser.parse("sqs-1", "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"héllo wörld\"}", SENT);

    assertThat(parsed).isEqualTo(new Parsed.Accepted(new LogRecord("sqs-1", ACCOUNT.toLowerCase(),
        Instant.ofEpochMilli(SENT), 13, "héllo wörld")));
  }

  @Test
  void envelopeUsesTheSnsIdAndTimestamp() {
    String body = Messages.envelope("sns-7", Instant.parse("2026-11-20T10:00:00Z"), ACCOUNT, "日本語🎉");

    Parsed parsed = MessageParser.parse("sqs-1", body, SENT);

    assertThat(parsed).isEqualTo(new Parsed.Accepted(new LogRecord("sns-7", ACCOUNT.toLowerCase(),
        Instant.parse("2026-11-20T10:00:00Z"), 9 + 4, "日本語🎉")));
  }

  @Test
  void emptyLogDataIsAMessageOfZeroBytes() {
    Parsed parsed = MessageParser.parse("m", "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"\"}", SENT);

    assertThat(((Parsed.Accepted) parsed).record().bytes()).isZero();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json at all                                              | not_json",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":\"x\"} junk | not_json",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":\"x\"}{}   | not_json",
      "[1,2]                                                        | not_an_object",
      "\"a string\"                                                 | not_an_object",
      "{}                                                           | missing_account_id",
      "{\"accountId\":null,\"logData\":\"x\"}                       | missing_account_id",
      "{\"accountId\":\"nope\",\"logData\":\"x\"}                   | invalid_account_id",
      "{\"accountId\":42,\"logData\":\"x\"}                         | invalid_account_id",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6\",\"logData\":\"x\"}   | invalid_account_id",
      "{\"accountId\":\"6f1c9a52x8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":\"x\"}  | invalid_account_id",
      "{\"accountId\":\"6g1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":\"x\"}  | invalid_account_id",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\"}                    | missing_log_data",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":7}      | log_data_not_string",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":{}}     | log_data_not_string",
      "{\"accountId\":\"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f\",\"logData\":\"\\ud800\"} | invalid_unicode",
      "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"x\"}  | unsupported_sns_type",
      "{\"Type\":\"Notification\",\"Timestamp\":\"2026-11-20T10:00:00Z\",\"Message\":\"{}\"} | invalid_envelope",
      "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Message\":\"{}\"}          | invalid_envelope",
      "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Timestamp\":\"yesterday\",\"Message\":\"{}\"} | invalid_envelope",
      "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Timestamp\":\"2026-11-20T10:00:00Z\"} | invalid_envelope",
      "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Timestamp\":\"2026-11-20T10:00:00Z\",\"Message\":\"nope\"} | not_json",
      "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Timestamp\":\"2026-11-20T10:00:00Z\",\"Message\":\"{} {}\"} | not_json",
      "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Timestamp\":\"2026-11-20T10:00:00Z\",\"Message\":\"{}\"} | missing_account_id",
  })
  void malformedBodiesAreRejectedWithTheirReason(String body, String reason) {
    Parsed parsed = MessageParser.parse("m", body.strip(), SENT);

    assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
    assertThat(((Parsed.Rejected) parsed).reason()).isEqualTo(reason);
  }

  @Test
  void anSnsMessageIdTooLongForAKeyIsRejected() {
    String body = Messages.envelope("y".repeat(Identifiers.MAX_MESSAGE_ID + 1), Instant.parse("2026-11-20T10:00:00Z"),
        ACCOUNT, "x");

    assertThat(((Parsed.Rejected) MessageParser.parse("m", body, SENT)).reason()).isEqualTo("invalid_message_id");
  }

  @Test
  void rawPayloadWithoutSentTimestampIsRejected() {
    Parsed parsed = MessageParser.parse("m", "{\"accountId\":\"" + ACCOUNT + "\",\"logData\":\"x\"}", -1);

    assertThat(((Parsed.Rejected) parsed).reason()).isEqualTo("missing_sent_timestamp");
  }
}
