package io.logmeter;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** Message bodies as publishers and SNS produce them, and malformed ones of every kind. */
public final class Messages {

  private Messages() {
  }

  public static String raw(String accountId, String logData) {
    return new JsonObject().put("accountId", accountId).put("logData", logData).encode();
  }

  /** What an SQS queue subscribed to the topic receives without raw message delivery. */
  public static String envelope(String snsMessageId, Instant timestamp, String accountId, String logData) {
    return new JsonObject()
        .put("Type", "Notification")
        .put("MessageId", snsMessageId)
        .put("TopicArn", "arn:aws:sns:us-east-1:000000000000:logmeter-ingest")
        .put("Message", raw(accountId, logData))
        .put("Timestamp", timestamp.toString())
        .put("SignatureVersion", "1")
        .encode();
  }

  /** One body for every way a message can be malformed; each must be rejected, none billed. */
  public static List<String> malformed() {
    String account = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
    return List.of(
        "not json at all",
        "{\"accountId\":",
        "[\"an\",\"array\"]",
        "42",
        "{}",
        "{\"logData\":\"no account\"}",
        "{\"accountId\":\"not-a-uuid\",\"logData\":\"x\"}",
        "{\"accountId\":12345,\"logData\":\"x\"}",
        "{\"accountId\":\"" + account + "\"}",
        "{\"accountId\":\"" + account + "\",\"logData\":null}",
        "{\"accountId\":\"" + account + "\",\"logData\":123}",
        "{\"accountId\":\"" + account + "\",\"logData\":[\"a\"]}",
        "{\"accountId\":\"" + account + "\",\"logData\":\"\\ud800 lone surrogate\"}",
        "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"m\",\"Message\":\"confirm\"}",
        "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Timestamp\":\"2026-11-21T10:00:00Z\",\"Message\":\"not json\"}",
        "{\"Type\":\"Notification\",\"Timestamp\":\"2026-11-21T10:00:00Z\",\"Message\":\"{}\"}",
        "{\"Type\":\"Notification\",\"MessageId\":\"m2\",\"Timestamp\":\"never\",\"Message\":\"{}\"}",
        "{\"Type\":\"Notification\",\"MessageId\":\"m3\",\"Timestamp\":\"2026-11-21T10:00:00Z\","
            + "\"Message\":\"{\\\"accountId\\\":\\\"bad\\\",\\\"logData\\\":\\\"x\\\"}\"}",
        "{\"accountId\":\"" + account + "\",\"logData\":\"x\"} trailing garbage",
        envelope("m".repeat(300), Instant.parse("2026-11-21T10:00:00Z"), account, "an id too long for a key"));
  }
}
