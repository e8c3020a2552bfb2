package io.logmeter.server;

import io.logmeter.ingestion.IngestSettings;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The whole configuration, read once at start (defaults, then a JSON file, then LOGMETER_*
 * environment variables) and passed down. Every field is documented in docs/configuration.md.
 */
public record Config(
    String httpHost,
    int httpPort,
    int apiVerticles,
    String region,
    String sqsEndpoint,
    String s3Endpoint,
    String dynamodbEndpoint,
    String snsEndpoint,
    String awsAccessKeyId,
    String awsSecretAccessKey,
    String queueName,
    String queueUrl,
    String dlqName,
    int maxReceiveCount,
    String bucket,
    String ledgerTable,
    String usageTable,
    String topicArn,
    boolean publishToQueue,
    String apiKeys,
    boolean authDisabled,
    List<Long> alertThresholds,
    String alertTopicArn,
    String alertQueueName,
    Duration alertRefresh,
    String instanceId,
    int pollers,
    int receiveWaitSeconds,
    int visibilityTimeoutSeconds,
    int maxInFlightMessages,
    long maxInFlightBytes,
    int batchMaxMessages,
    long batchMaxBytes,
    Duration batchMaxAge,
    int maxConcurrentFlushes,
    int maxConcurrentWrites,
    long ledgerMemoryMiB,
    Duration ledgerTtl,
    Duration cacheRefresh,
    long cacheMaxAccounts,
    Duration shutdownGrace,
    boolean createResources) {

  /** Keys without a default: AWS's own endpoints and credentials are used when they are absent. */
  public static final java.util.List<String> OPTIONAL_KEYS = java.util.List.of("sqsEndpoint", "s3Endpoint",
      "dynamodbEndpoint", "snsEndpoint", "awsAccessKeyId", "awsSecretAccessKey", "queueUrl", "instanceId", "topicArn", "apiKeys",
      "alertThresholdsBytes", "alertTopicArn");

  /** The ingest pipeline's slice. */
  public IngestSettings ingest() {
    return new IngestSettings(
        new IngestSettings.Receiving(pollers, receiveWaitSeconds, visibilityTimeoutSeconds, maxInFlightMessages,
            maxInFlightBytes),
        new IngestSettings.Batching(batchMaxMessages, batchMaxBytes, batchMaxAge(), maxConcurrentFlushes),
        new IngestSettings.Ledger(ledgerTable, usageTable, ledgerTtl(), maxConcurrentWrites, ledgerMemoryMiB),
        bucket, instanceId, shutdownGrace);
  }

  /** Settings whose values {@link #toString} leaves out. */
  static final java.util.Set<String> SECRET = java.util.Set.of("awsSecretAccessKey", "apiKeys");

  /** Every setting by name, the secret ones as {@code <set>} or {@code <unset>}: safe to log. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Config[");
    for (java.lang.reflect.RecordComponent c : Config.class.getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        value = "?";
      }
      if (text.length() > 7) {
        text.append(", ");
      }
      text.append(c.getName()).append('=')
          .append(SECRET.contains(c.getName()) ? (value == null ? "<unset>" : "<set>") : value);
    }
    return text.append(']').toString();
  }

  /** Defaults: the local stack's names, and tuning explained in docs/configuration.md. */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("httpHost", "127.0.0.1")
        .put("httpPort", 8080)
        .put("apiVerticles", Math.max(1, Runtime.getRuntime().availableProcessors()))
        .put("region", "us-east-1")
        .put("queueName", "logmeter-ingest")
        .put("dlqName", "logmeter-ingest-dlq")
        .put("maxReceiveCount", 5)
        .put("bucket", "logmeter-raw")
        .put("ledgerTable", "logmeter-ledger")
        .put("usageTable", "logmeter-usage")
        .put("publishToQueue", false)
        .put("authDisabled", false)
        .put("alertQueueName", "logmeter-alerts")
        .put("alertRefreshMillis", 60_000)
        .put("pollers", 8)
        .put("receiveWaitSeconds", 20)
        .put("visibilityTimeoutSeconds", 60)
        .put("maxInFlightMessages", 8000)
        .put("maxInFlightBytes", 64L * 1024 * 1024)
        .put("batchMaxMessages", 2000)
        .put("batchMaxBytes", 8L * 1024 * 1024)
        .put("batchMaxAgeMillis", 500)
        .put("maxConcurrentFlushes", 4)
        .put("maxConcurrentWrites", 100)
        .put("ledgerMemoryMiB", 256)
        .put("ledgerTtlDays", 400)
        .put("cacheRefreshMillis", 1000)
        .put("cacheMaxAccounts", 1_000_000)
        .put("shutdownGraceSeconds", 20)
        .put("createResources", false);
  }

  public static Config from(JsonObject json) {
    Config config = new Config(
        string(json, "httpHost"),
        integer(json, "httpPort"),
        integer(json, "apiVerticles"),
        string(json, "region"),
        string(json, "sqsEndpoint"),
        string(json, "s3Endpoint"),
        string(json, "dynamodbEndpoint"),
        string(json, "snsEndpoint"),
        string(json, "awsAccessKeyId"),
        string(json, "awsSecretAccessKey"),
        string(json, "queueName"),
        string(json, "queueUrl"),
        string(json, "dlqName"),
        integer(json, "maxReceiveCount"),
        string(json, "bucket"),
        string(json, "ledgerTable"),
        string(json, "usageTable"),
        string(json, "topicArn"),
        bool(json, "publishToQueue"),
        string(json, "apiKeys"),
        bool(json, "authDisabled"),
        thresholds(string(json, "alertThresholdsBytes")),
        string(json, "alertTopicArn"),
        string(json, "alertQueueName"),
        Duration.ofMillis(longValue(json, "alertRefreshMillis")),
        instanceId(string(json, "instanceId")),
        integer(json, "pollers"),
        integer(json, "receiveWaitSeconds"),
        integer(json, "visibilityTimeoutSeconds"),
        integer(json, "maxInFlightMessages"),
        longValue(json, "maxInFlightBytes"),
        integer(json, "batchMaxMessages"),
        longValue(json, "batchMaxBytes"),
        Duration.ofMillis(longValue(json, "batchMaxAgeMillis")),
        integer(json, "maxConcurrentFlushes"),
        integer(json, "maxConcurrentWrites"),
        longValue(json, "ledgerMemoryMiB"),
        Duration.ofDays(longValue(json, "ledgerTtlDays")),
        Duration.ofMillis(longValue(json, "cacheRefreshMillis")),
        longValue(json, "cacheMaxAccounts"),
        Duration.ofSeconds(longValue(json, "shutdownGraceSeconds")),
        bool(json, "createResources"));
    config.validate();
    return config;
  }

  private void validate() {
    require(httpPort >= 0 && httpPort <= 65535, "httpPort must be a port number");
    require(pollers >= 1, "pollers must be at least 1");
    require(receiveWaitSeconds >= 0 && receiveWaitSeconds <= 20, "receiveWaitSeconds must be 0..20");
    require(visibilityTimeoutSeconds >= 10 && visibilityTimeoutSeconds <= 43_200,
        "visibilityTimeoutSeconds must be 10..43200");
    require(maxInFlightMessages >= 10, "maxInFlightMessages must be at least 10 (one receive)");
    require(batchMaxMessages >= 1 && batchMaxMessages <= maxInFlightMessages,
        "batchMaxMessages must be 1..maxInFlightMessages");
    require(maxConcurrentFlushes >= 1, "maxConcurrentFlushes must be at least 1");
    require(maxConcurrentWrites >= 1, "maxConcurrentWrites must be at least 1");
    require(ledgerMemoryMiB >= 1, "ledgerMemoryMiB must be at least 1");
    require(ledgerTtl.toDays() >= 15, "ledgerTtlDays must exceed the queue retention (14 days) plus redrive");
    require(cacheRefresh.toMillis() >= 10, "cacheRefreshMillis must be at least 10");
    require(alertRefresh.toMillis() >= 10, "alertRefreshMillis must be at least 10");
    require(bucket != null && queueName != null && ledgerTable != null && usageTable != null,
        "bucket, queueName, ledgerTable and usageTable are required");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("configuration: " + message);
    }
  }

  /** The LOGMETER_* variable that sets {@code key}: {@code batchMaxAgeMillis -> LOGMETER_BATCH_MAX_AGE_MILLIS}. */
  public static String environmentName(String key) {
    return "LOGMETER_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /**
   * Names this process in archive keys. Random unless configured, so that two processes (or one
   * restarted) never write the same key; a configured one must be unique per process too.
   */
  private static String instanceId(String configured) {
    if (configured != null) {
      return configured.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
    return String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
  }

  /** Byte thresholds, comma separated: {@code 1000000000,10000000000}; none turns alerts off. */
  private static List<Long> thresholds(String configured) {
    if (configured == null) {
      return List.of();
    }
    List<Long> thresholds = new java.util.ArrayList<>();
    for (String value : configured.split(",")) {
      if (!value.isBlank()) {
        try {
          thresholds.add(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("configuration: alertThresholdsBytes must be whole numbers, not " + value);
        }
      }
    }
    require(thresholds.stream().allMatch(t -> t > 0), "alertThresholdsBytes must be positive");
    return List.copyOf(thresholds);
  }

  private static String string(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value == null || value.toString().isBlank() ? null : value.toString();
  }

  private static int integer(JsonObject json, String key) {
    return Math.toIntExact(longValue(json, key));
  }

  private static long longValue(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value == null) {
      throw new IllegalArgumentException("configuration: " + key + " is required");
    }
    try {
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration: " + key + " must be a whole number, not " + value);
    }
  }

  private static boolean bool(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(value));
  }
}
