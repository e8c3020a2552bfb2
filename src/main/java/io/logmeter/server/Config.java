package io.logmeter.server;

import static io.logmeter.server.Setting.Range.atLeast;
import static io.logmeter.server.Setting.Range.between;
import static io.logmeter.server.Setting.choice;
import static io.logmeter.server.Setting.flag;
import static io.logmeter.server.Setting.integer;
import static io.logmeter.server.Setting.longInteger;
import static io.logmeter.server.Setting.optional;
import static io.logmeter.server.Setting.optionalText;
import static io.logmeter.server.Setting.text;

import io.logmeter.fold.FoldSettings;
import io.logmeter.ingestion.IngestSettings;
import io.logmeter.server.Setting.Range;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The whole configuration, read once at start (defaults, then a JSON file, then LOGMETER_*
 * environment variables), checked once here, and handed out in slices by concern: each part of the
 * service gets the slice it needs.
 *
 * <p>{@link #SETTINGS} declares every setting once. A slice is a record whose components are named
 * exactly like settings (or are slices themselves): {@link #from} reads each setting once and
 * builds every slice by those names, so two settings of the same type cannot be swapped, and a
 * setting shared by two slices (the bucket, the tables) has one value. docs/configuration.md
 * documents every setting under the same name.
 */
public record Config(Http http, Aws aws, Stack stack, Publishing publishing, Alerts alerts, Cache cache,
    IngestSettings ingest, FoldSettings fold) {

  /**
   * Every setting there is: name, type, default and rule, in the order of the slices that carry
   * them. The defaults name the local stack's resources and carry the tuning explained in
   * docs/configuration.md; a setting without a default (an endpoint, a topic, the keys) is unset
   * unless configured.
   */
  static final List<Setting> SETTINGS = List.of(
      // http
      text("httpHost", "127.0.0.1"),
      integer("httpPort", 8080, new Range(0, 65535, "must be a port number")),
      integer("apiVerticles", Math.max(1, Runtime.getRuntime().availableProcessors()), atLeast(1)),
      optionalText("apiKeys"),
      flag("authDisabled"),
      // aws: without endpoints and credentials the SDK uses AWS's own and the default credential chain
      text("region", "us-east-1"),
      optionalText("sqsEndpoint"),
      optionalText("s3Endpoint"),
      optionalText("dynamodbEndpoint"),
      optionalText("snsEndpoint"),
      optionalText("awsAccessKeyId"),
      optionalText("awsSecretAccessKey"),
      // stack (bucket and tables also in ingest)
      text("queueName", "logmeter-ingest"),
      optionalText("queueUrl"),
      text("dlqName", "logmeter-ingest-dlq"),
      integer("maxReceiveCount", 5, between(1, 1000)),
      text("bucket", "logmeter-raw"),
      text("ledgerTable", "logmeter-ledger"),
      text("usageTable", "logmeter-usage"),
      flag("createResources"),
      // publishing
      optionalText("topicArn"),
      flag("publishToQueue"),
      // alerts
      optional("alertThresholdsBytes", List.class, Config::thresholds),
      optionalText("alertTopicArn"),
      text("alertQueueName", "logmeter-alerts"),
      longInteger("alertRefreshMillis", 60_000, atLeast(10)),
      // cache
      longInteger("cacheRefreshMillis", 1000, atLeast(10)),
      longInteger("cacheMaxAccounts", 1_000_000, atLeast(1)),
      // ingest
      optional("instanceId", String.class, Config::instanceId),
      integer("shutdownGraceSeconds", 20, atLeast(0, "must not be negative")),
      integer("pollers", 8, atLeast(1)),
      integer("receiveWaitSeconds", 20, between(0, 20)),
      integer("visibilityTimeoutSeconds", 60, between(10, 43_200)),
      integer("maxInFlightMessages", 8000, atLeast(10, "must be at least 10 (one receive)")),
      longInteger("maxInFlightBytes", 64L * 1024 * 1024, atLeast(1)),
      integer("batchMaxMessages", 2000, atLeast(1)),
      longInteger("batchMaxBytes", 8L * 1024 * 1024, atLeast(1)),
      longInteger("batchMaxAgeMillis", 500, atLeast(0, "must not be negative")),
      integer("maxConcurrentFlushes", 4, atLeast(1)),
      integer("maxConcurrentWrites", 100, atLeast(1)),
      longInteger("ledgerMemoryMiB", 256, atLeast(1)),
      integer("ledgerTtlDays", 400, atLeast(15, "must exceed the queue retention (14 days) plus redrive")),
      // fold (also in ingest)
      choice("ledger", "pages", "fold"),
      text("foldQueueName", "logmeter-fold"),
      longInteger("foldPeriodMillis", 1000, atLeast(100)),
      integer("foldCompactAfterSeconds", 600, between(1, 86_400)),
      integer("foldLeaseSeconds", 30, between(5, 600)),
      integer("foldPointersPerPeriod", 2000, between(10, 100_000)));

  /** The settings by name; a name declared twice fails here, at the first use of Config. */
  private static final Map<String, Setting> BY_NAME = SETTINGS.stream()
      .collect(Collectors.toMap(Setting::name, setting -> setting));

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
  public record Alerts(List<Long> alertThresholdsBytes, String alertTopicArn, String alertQueueName,
      long alertRefreshMillis) {
  }

  /** The usage GET's cache of account totals. */
  public record Cache(long cacheRefreshMillis, long cacheMaxAccounts) {
  }

  /** Settings whose values {@link #toString} leaves out. */
  static final Set<String> SECRET = Set.of("awsSecretAccessKey", "apiKeys");

  /** Every setting by name with its default, null where there is none: the first source the loader reads. */
  public static JsonObject defaults() {
    JsonObject defaults = new JsonObject();
    SETTINGS.forEach(setting -> defaults.put(setting.name(), setting.defaultValue()));
    return defaults;
  }

  /** The configuration in {@code json}, checked: an unknown or bad setting is refused with its name. */
  public static Config from(JsonObject json) {
    for (String key : json.fieldNames()) {
      require(BY_NAME.containsKey(key), "unknown setting " + key + " (docs/configuration.md lists them)");
    }
    Map<String, Object> values = new HashMap<>();
    SETTINGS.forEach(setting -> values.put(setting.name(), setting.read().apply(json.getValue(setting.name()))));
    Config config = build(Config.class, values);
    config.checkTogether();
    return config;
  }

  /**
   * A slice built by name: each component gets the value of the setting it is named after, or is a
   * slice built the same way. A component that names no setting, or has another type, is a bug.
   */
  private static <R extends Record> R build(Class<R> slice, Map<String, Object> values) {
    RecordComponent[] components = slice.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] arguments = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      String name = components[i].getName();
      types[i] = components[i].getType();
      if (types[i].isRecord()) {
        arguments[i] = build(types[i].asSubclass(Record.class), values);
        continue;
      }
      Setting setting = BY_NAME.get(name);
      if (setting == null || setting.type() != boxed(types[i])) {
        throw new IllegalStateException(slice.getName() + "." + name + " (" + types[i].getSimpleName() + ")"
            + " has no setting of its name and type in Config.SETTINGS");
      }
      arguments[i] = values.get(name);
    }
    try {
      return slice.getDeclaredConstructor(types).newInstance(arguments);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + slice.getName(), e);
    }
  }

  private static Class<?> boxed(Class<?> type) {
    return type == int.class ? Integer.class : type == long.class ? Long.class
        : type == boolean.class ? Boolean.class : type;
  }

  /** The rules that span settings; each setting's own rule is checked as it is read. */
  private void checkTogether() {
    require(ingest.batching().batchMaxMessages() <= ingest.receiving().maxInFlightMessages(),
        "batchMaxMessages must be 1..maxInFlightMessages");
    require(alerts.alertThresholdsBytes().isEmpty() || alerts.alertTopicArn() != null || publishing.publishToQueue(),
        "usage alerts need a topic: set LOGMETER_ALERT_TOPIC_ARN, or no LOGMETER_ALERT_THRESHOLDS_BYTES");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("configuration: " + message);
    }
  }

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
    return String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  /** Byte thresholds, comma separated: {@code 1000000000,10000000000}; none turns alerts off. */
  private static List<Long> thresholds(String configured) {
    if (configured == null) {
      return List.of();
    }
    List<Long> thresholds = new ArrayList<>();
    for (String value : configured.split(",")) {
      if (!value.isBlank()) {
        try {
          thresholds.add(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
          throw Setting.invalid("alertThresholdsBytes", "must be whole numbers, not " + value);
        }
      }
    }
    require(thresholds.stream().allMatch(t -> t > 0), "alertThresholdsBytes must be positive");
    return List.copyOf(thresholds);
  }
}
