package io.logmeter.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Turns an SQS message body into a {@link LogRecord}, or says why it cannot be billed.
 *
 * <p>A body is either an SNS envelope ({@code "Type":"Notification"}, whose {@code Message} holds
 * the payload) or the bare payload of raw message delivery. The envelope's MessageId and Timestamp
 * win over the SQS ones because SNS keeps them when it delivers the same publish twice.
 */
public final class MessageParser {

  /** Strict: a body with anything after its JSON value ({@code {…} junk}) is not JSON. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private MessageParser() {
  }

  /** JSON as this parser reads it (strictly: nothing may follow the value), for HTTP ingest to read alike. */
  public static JsonNode readJson(byte[] json) throws java.io.IOException {
    return JSON.readTree(json);
  }

  /**
   * @param sqsMessageId    the SQS MessageId, the idempotency key for raw delivery
   * @param body            the SQS message body
   * @param sentTimestampMs the SQS SentTimestamp attribute, or -1 when absent
   */
  public static Parsed parse(String sqsMessageId, String body, long sentTimestampMs) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return rejected("not_json", "body is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return rejected("not_an_object", "body is not a JSON object");
    }
    JsonNode type = root.get("Type");
    if (type != null) {
      return parseEnvelope(root, type);
    }
    if (sentTimestampMs < 0) {
      return rejected("missing_sent_timestamp", "raw message without SentTimestamp attribute");
    }
    Instant sent = Instant.ofEpochMilli(sentTimestampMs);
    if (!Identifiers.isEventTime(sent)) {
      return rejected("invalid_event_time", "SentTimestamp outside the years 0001 to 9999");
    }
    return parsePayload(root, sqsMessageId, sent);
  }

  private static Parsed parseEnvelope(JsonNode envelope, JsonNode type) {
    if (!"Notification".equals(type.asText())) {
      return rejected("unsupported_sns_type", "SNS message of type " + type.asText());
    }
    String messageId = text(envelope, "MessageId");
    String message = text(envelope, "Message");
    String timestamp = text(envelope, "Timestamp");
    if (messageId == null || messageId.isEmpty()) {
      return rejected("invalid_envelope", "SNS envelope without a MessageId");
    }
    if (message == null) {
      return rejected("invalid_envelope", "SNS envelope without a string Message");
    }
    Instant eventTime;
    try {
      eventTime = timestamp == null ? null : Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      eventTime = null;
    }
    if (eventTime == null) {
      return rejected("invalid_envelope", "SNS envelope without a valid Timestamp");
    }
    if (!Identifiers.isEventTime(eventTime)) {
      return rejected("invalid_event_time", "SNS Timestamp outside the years 0001 to 9999");
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(message);
    } catch (JsonProcessingException e) {
      return rejected("not_json", "SNS Message is not JSON: " + e.getOriginalMessage());
    }
    if (payload == null || !payload.isObject()) {
      return rejected("not_an_object", "SNS Message is not a JSON object");
    }
    return parsePayload(payload, messageId, eventTime);
  }

  private static Parsed parsePayload(JsonNode payload, String messageId, Instant eventTime) {
    if (!Identifiers.isMessageId(messageId)) {
      // SNS and SQS ids are 36-character UUIDs; anything else is forged, and would be counted under
      // a key that the read API cannot fetch or page (or, too long, fail its neighbours' commit).
      return rejected("invalid_message_id", "the message id is not 1 to " + Identifiers.MAX_MESSAGE_ID
          + " characters of [A-Za-z0-9_.:-]");
    }
    Parsed.Rejected invalid = checkFields(payload);
    if (invalid != null) {
      return invalid;
    }
    String logData = payload.get("logData").textValue();
    long bytes = Utf8.encodedLength(logData); // measured once: the size billed, and the Unicode check
    if (bytes < 0) {
      return UNPAIRED_SURROGATE;
    }
    String accountId = payload.get("accountId").textValue().toLowerCase(Locale.ROOT);
    return new Parsed.Accepted(new LogRecord(messageId, accountId, eventTime, bytes, logData));
  }

  private static final Parsed.Rejected UNPAIRED_SURROGATE =
      new Parsed.Rejected("invalid_unicode", "logData contains an unpaired surrogate");

  /**
   * What is wrong with a log object's fields, or null if nothing is: the one check of
   * {@code accountId} and {@code logData}, made by the pipeline on every message and by HTTP ingest
   * before it publishes one (which answers the same reasons as its 400s).
   */
  public static Parsed.Rejected checkPayload(JsonNode payload) {
    Parsed.Rejected invalid = checkFields(payload);
    if (invalid != null) {
      return invalid;
    }
    return Utf8.encodedLength(payload.get("logData").textValue()) < 0 ? UNPAIRED_SURROGATE : null;
  }

  /** The fields' presence and types; the Unicode of {@code logData} is left to the caller. */
  private static Parsed.Rejected checkFields(JsonNode payload) {
    JsonNode account = payload.get("accountId");
    JsonNode logData = payload.get("logData");
    if (account == null || account.isNull()) {
      return new Parsed.Rejected("missing_account_id", "accountId is missing");
    }
    if (!account.isTextual() || !Identifiers.isUuid(account.textValue())) {
      return new Parsed.Rejected("invalid_account_id", "accountId is not a UUID");
    }
    if (logData == null || logData.isNull()) {
      return new Parsed.Rejected("missing_log_data", "logData is missing");
    }
    if (!logData.isTextual()) {
      return new Parsed.Rejected("log_data_not_string", "logData is not a string");
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static Parsed rejected(String reason, String detail) {
    return new Parsed.Rejected(reason, detail);
  }
}
