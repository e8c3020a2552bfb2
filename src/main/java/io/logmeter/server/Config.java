package io.logmeter.server;

import io.logmeter.ingestion.IngestSettings;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The whole configuration, read once at start (defaults, then a JSON file, then LOGMETER_*
 * environment variables), checked once here, and handed out in slices by concern: each part of the
 * service gets the slice it needs. Every setting keeps its name in the slices, and every one is
 * documented under that name in docs/configuration.md.
 */
public record Config(Http http, Aws aws, Stack stack, Publishing publishing, Alerts alerts, Cache cache,
    IngestSettings ingest) {

  /** The HTTP API: where it listens, how many verticles serve it, and who may call it. */
  public record Http(String httpHost, int httpPort, int apiVerticles, String apiKeys, boolean authDisabled) {
    @Override
    public String toString() {
      return redacted(this);
    }
  }

  /** AWS's endpoints and credentials; null ones mean AWS's own endpoints and the default credential chain. */
  public record Aws(String region, String sqsEndpoint, String s3Endpoint, String dynamodbEndpoint, String snsEndpoint,
      String awsAccessKeyId, String awsSecretAccessKey) {
    @Override
    public String toString() {
      return redacted(this);
    }
  }

  /** The queue, bucket and tables an instance runs on, and whether it creates them (local mode). */
  public record Stack(String queueName, String queueUrl, String dlqName, int maxReceiveCount, String bucket,
      String ledgerTable, String usageTable, boolean createResources) {
  }

  /** Where HTTP ingest publishes: the ingest topic, or the queue itself where there is no SNS. */
  public record Publishing(String topicArn, boolean publishToQueue) {
  }

  /** Usage alerts: the byte thresholds (none turns them off), their topic (or local queue), how often totals are read. */
  public record Alerts(List<Long> alertThresholds, String alertTopicArn, String alertQueueName, Duration alertRefresh) {
  }

  /** The usage GET's cache of account totals. */
  public record Cache(Duration cacheRefresh, long cacheMaxAccounts) {
  }

  /** Settings whose values {@link #toString} leaves out. */
  static final Set<String> SECRET = Set.of("awsSecretAccessKey", "apiKeys");

  /** Every setting by name, the secret ones as {@code <set>} or {@code <unset>}: safe to log. */
  @Override
  public String toString() {
    return redacted(this);
  }

  /** A record's settings by name, its slices' too, the secret ones as {@code <set>} or {@code <unset>}. */
  static String redacted(Record record) {
    StringBuilder text = new StringBuilder(record.getClass().getSimpleName()).append('[');
    int start = text.length();
    describe(record, text, start);
    return text.append(']').toString();
  }

  private static void describe(Record record, StringBuilder text, int start) {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        value = "?";
      }
      if (value instanceof Record slice) {
        describe(slice, text, start);
        continue;
      }
      if (text.length() > start) {
        text.append(", ");
      }
      text.append(c.getName()).append('=')
          .append(SECRET.contains(c.getName()) ? (value == null ? "<unset>" : "<set>") : value);
    }
  }

  /**
   * Every setting there is, with its default: the local stack's names, and tuning explained in
   * docs/configuration.md. A null default means none (AWS's own endpoints and credentials, no
   * topic, no keys). This is the one list of settings: the environment is read and a file checked
   * against it.
   */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("httpHost", "127.0.0.1")
        .put("httpPort", 8080)
        .put("apiVerticles", Math.max(1, Runtime.getRuntime().availableProcessors()))
        .putNull("apiKeys")
        .put("region", "us-east-1")
        .putNull("sqsEndpoint")
        .putNull("s3Endpoint")
        .putNull("dynamodbEndpoint")
        .putNull("snsEndpoint")
        .putNull("awsAccessKeyId")
        .putNull("awsSecretAccessKey")
        .put("queueName", "logmeter-ingest")
        .putNull("queueUrl")
        .put("dlqName", "logmeter-ingest-dlq")
        .put("maxReceiveCount", 5)
        .put("bucket", "logmeter-raw")
        .put("ledgerTable", "logmeter-ledger")
        .put("usageTable", "logmeter-usage")
        .put("createResources", false)
        .putNull("topicArn")
        .put("publishToQueue", false)
        .put("authDisabled", false)
        .putNull("alertThresholdsBytes")
        .putNull("alertTopicArn")
        .put("alertQueueName", "logmeter-alerts")
        .put("alertRefreshMillis", 60_000)
        .putNull("instanceId")
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
        .put("shutdownGraceSeconds", 20);
  }

  /** The configuration in {@code json}, checked: an unknown or bad setting is refused with its name. */
  public static Config from(JsonObject json) {
    Set<String> known = defaults().fieldNames();
    for (String key : json.fieldNames()) {
      require(known.contains(key), "unknown setting " + key + " (docs/configuration.md lists them)");
    }
    Config config = new Config(
        new Http(string(json, "httpHost"), integer(json, "httpPort"), integer(json, "apiVerticles"),
            string(json, "apiKeys"), bool(json, "authDisabled")),
        new Aws(string(json, "region"), string(json, "sqsEndpoint"), string(json, "s3Endpoint"),
            string(json, "dynamodbEndpoint"), string(json, "snsEndpoint"), string(json, "awsAccessKeyId"),
            string(json, "awsSecretAccessKey")),
        new Stack(string(json, "queueName"), string(json, "queueUrl"), string(json, "dlqName"),
            integer(json, "maxReceiveCount"), string(json, "bucket"), string(json, "ledgerTable"),
            string(json, "usageTable"), bool(json, "createResources")),
        new Publishing(string(json, "topicArn"), bool(json, "publishToQueue")),
        new Alerts(thresholds(string(json, "alertThresholdsBytes")), string(json, "alertTopicArn"),
            string(json, "alertQueueName"), Duration.ofMillis(longValue(json, "alertRefreshMillis"))),
        new Cache(Duration.ofMillis(longValue(json, "cacheRefreshMillis")), longValue(json, "cacheMaxAccounts")),
        new IngestSettings(
            new IngestSettings.Receiving(integer(json, "pollers"), integer(json, "receiveWaitSeconds"),
                integer(json, "visibilityTimeoutSeconds"), integer(json, "maxInFlightMessages"),
                longValue(json, "maxInFlightBytes")),
            new IngestSettings.Batching(integer(json, "batchMaxMessages"), longValue(json, "batchMaxBytes"),
                Duration.ofMillis(longValue(json, "batchMaxAgeMillis")), integer(json, "maxConcurrentFlushes")),
            new IngestSettings.Ledger(string(json, "ledgerTable"), string(json, "usageTable"),
                Duration.ofDays(longValue(json, "ledgerTtlDays")), integer(json, "maxConcurrentWrites"),
                longValue(json, "ledgerMemoryMiB")),
            string(json, "bucket"), instanceId(string(json, "instanceId")),
            Duration.ofSeconds(longValue(json, "shutdownGraceSeconds"))));
    config.validate();
    return config;
  }

  private void validate() {
    IngestSettings.Receiving receiving = ingest.receiving();
    IngestSettings.Batching batching = ingest.batching();
    require(http.httpPort() >= 0 && http.httpPort() <= 65535, "httpPort must be a port number");
    require(http.apiVerticles() >= 1, "apiVerticles must be at least 1");
    require(receiving.pollers() >= 1, "pollers must be at least 1");
    require(receiving.receiveWaitSeconds() >= 0 && receiving.receiveWaitSeconds() <= 20,
        "receiveWaitSeconds must be 0..20");
    require(receiving.visibilityTimeoutSeconds() >= 10 && receiving.visibilityTimeoutSeconds() <= 43_200,
        "visibilityTimeoutSeconds must be 10..43200");
    require(receiving.maxInFlightMessages() >= 10, "maxInFlightMessages must be at least 10 (one receive)");
    require(receiving.maxInFlightBytes() >= 1, "maxInFlightBytes must be at least 1");
    require(batching.batchMaxMessages() >= 1 && batching.batchMaxMessages() <= receiving.maxInFlightMessages(),
        "batchMaxMessages must be 1..maxInFlightMessages");
    require(batching.batchMaxBytes() >= 1, "batchMaxBytes must be at least 1");
    require(batching.maxConcurrentFlushes() >= 1, "maxConcurrentFlushes must be at least 1");
    require(ingest.ledger().maxConcurrentWrites() >= 1, "maxConcurrentWrites must be at least 1");
    require(ingest.ledger().ledgerMemoryMiB() >= 1, "ledgerMemoryMiB must be at least 1");
    require(ingest.ledger().ledgerTtl().toDays() >= 15,
        "ledgerTtlDays must exceed the queue retention (14 days) plus redrive");
    require(stack.maxReceiveCount() >= 1 && stack.maxReceiveCount() <= 1000, "maxReceiveCount must be 1..1000");
    require(cache.cacheRefresh().toMillis() >= 10, "cacheRefreshMillis must be at least 10");
    require(cache.cacheMaxAccounts() >= 1, "cacheMaxAccounts must be at least 1");
    require(alerts.alertRefresh().toMillis() >= 10, "alertRefreshMillis must be at least 10");
    require(!ingest.shutdownGrace().isNegative(), "shutdownGraceSeconds must not be negative");
    require(stack.bucket() != null && stack.queueName() != null && stack.ledgerTable() != null
        && stack.usageTable() != null, "bucket, queueName, ledgerTable and usageTable are required");
    require(alerts.alertThresholds().isEmpty() || alerts.alertTopicArn() != null || publishing.publishToQueue(),
        "usage alerts need a topic: set LOGMETER_ALERT_TOPIC_ARN, or no LOGMETER_ALERT_THRESHOLDS_BYTES");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("configuration: " + message);
    }
  }

  /**
   * The LOGMETER_* variable that sets {@code key}: {@code batchMaxAgeMillis -> LOGMETER_BATCH_MAX_AGE_MILLIS},
   * a unit kept whole ({@code ledgerMemoryMiB -> LOGMETER_LEDGER_MEMORY_MIB}).
   */
  public static String environmentName(String key) {
    return "LOGMETER_" + key.replace("MiB", "Mib").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
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
