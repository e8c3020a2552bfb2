package io.logmeter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  private static final Path DOC = Path.of("docs/configuration.md");

  @Test
  void environmentNamesAreUpperSnakeCase() {
    assertThat(Config.environmentName("batchMaxAgeMillis")).isEqualTo("LOGMETER_BATCH_MAX_AGE_MILLIS");
    assertThat(Config.environmentName("s3Endpoint")).isEqualTo("LOGMETER_S3_ENDPOINT");
    assertThat(Config.environmentName("httpPort")).isEqualTo("LOGMETER_HTTP_PORT");
    assertThat(Config.environmentName("ledgerMemoryMiB")).isEqualTo("LOGMETER_LEDGER_MEMORY_MIB");
  }

  @Test
  void environmentOverridesDefaultsAndStringsAreParsed() {
    Config config = fromEnvironment(Map.of("LOGMETER_HTTP_PORT", "9090", "LOGMETER_S3_ENDPOINT", "http://s3",
        "LOGMETER_BATCH_MAX_AGE_MILLIS", "250", "LOGMETER_AUTH_DISABLED", "TRUE", "UNRELATED", "x"));

    assertThat(config.http().httpPort()).isEqualTo(9090);
    assertThat(config.http().authDisabled()).isTrue();
    assertThat(config.aws().s3Endpoint()).isEqualTo("http://s3");
    assertThat(config.ingest().batching().batchMaxAgeMillis()).isEqualTo(250);
    assertThat(config.ingest().instanceId()).matches("[0-9a-f]{8}");
  }

  @Test
  void aFileOverridesTheDefaultsAndTheEnvironmentOverridesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logmeter.json");
    Files.writeString(file, new JsonObject().put("httpPort", 9191).put("batchMaxMessages", 500)
        .put("bucket", "from-the-file").encode());
    Vertx vertx = Vertx.vertx();
    try {
      Config config = ConfigLoader.load(vertx, new JsonObject().put("queueName", "from-the-command"),
              Map.of("LOGMETER_CONFIG_FILE", file.toString(), "LOGMETER_BATCH_MAX_MESSAGES", "700"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(config.http().httpPort()).isEqualTo(9191);
      assertThat(config.stack().bucket()).isEqualTo("from-the-file");
      assertThat(config.ingest().bucket()).isEqualTo("from-the-file");
      assertThat(config.ingest().batching().batchMaxMessages()).isEqualTo(700);
      assertThat(config.stack().queueName()).isEqualTo("from-the-command");
      assertThat(config.stack().dlqName()).isEqualTo("logmeter-ingest-dlq");

      Files.writeString(file, "{\"httpPort\": \"eighty\"}");
      assertThatThrownBy(() -> ConfigLoader.load(vertx, new JsonObject(), Map.of("LOGMETER_CONFIG_FILE",
              file.toString())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .hasMessageContaining("httpPort");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theTextOfAConfigNamesItsSecretsButNeverShowsThem() {
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    String keys = "billing:usage:read:" + "ab".repeat(32);
    Config config = Config.from(Config.defaults().put("awsSecretAccessKey", secret).put("apiKeys", keys)
        .put("awsAccessKeyId", "AKIAEXAMPLE"));

    assertThat(config.toString()).doesNotContain(secret).doesNotContain("ab".repeat(32))
        .contains("awsSecretAccessKey=<set>", "apiKeys=<set>", "awsAccessKeyId=AKIAEXAMPLE", "httpPort=8080");
    assertThat(Config.from(Config.defaults()).toString()).contains("awsSecretAccessKey=<unset>");
    assertThat(config.aws().toString()).doesNotContain(secret).contains("awsSecretAccessKey=<set>");
    assertThat(config.http().toString()).doesNotContain("ab".repeat(32)).contains("apiKeys=<set>", "httpPort=8080");
  }

  @Test
  void invalidValuesAreRefusedWithTheirName() {
    assertThatThrownBy(() -> Config.from(Config.defaults().put("maxConcurrentWrites", 0)))
        .hasMessage("configuration: maxConcurrentWrites must be at least 1");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("httpPort", "eighty")))
        .hasMessage("configuration: httpPort must be a whole number, not eighty");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("ledgerTtlDays", 3)))
        .hasMessage("configuration: ledgerTtlDays must exceed the queue retention (14 days) plus redrive");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("batchMaxMessages", 9000)))
        .hasMessage("configuration: batchMaxMessages must be 1..maxInFlightMessages");
  }

  /** Values in the wrong setting, or misspelt, are refused rather than read as something else. */
  @Test
  void aSwappedOrMistypedValueIsRefusedWithItsName() {
    // The host and the port swapped, in the environment and in a file.
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_HTTP_HOST", "8080", "LOGMETER_HTTP_PORT", "0.0.0.0")))
        .hasMessage("configuration: httpPort must be a whole number, not 0.0.0.0");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("httpHost", 8080).put("httpPort", "0.0.0.0")))
        .hasMessage("configuration: httpHost must be text, not 8080");
    // A name where a switch belongs, and a misspelt switch: no longer read as false.
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_CREATE_RESOURCES", "logmeter-raw")))
        .hasMessage("configuration: createResources must be true or false, not logmeter-raw");
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_AUTH_DISABLED", "ture")))
        .hasMessage("configuration: authDisabled must be true or false, not ture");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("region", true)))
        .hasMessage("configuration: region must be text, not true");
    // Numbers: a fraction, a unit, one too large for its type.
    assertThatThrownBy(() -> Config.from(Config.defaults().put("batchMaxBytes", 1.5)))
        .hasMessage("configuration: batchMaxBytes must be a whole number, not 1.5");
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_BATCH_MAX_AGE_MILLIS", "500ms")))
        .hasMessage("configuration: batchMaxAgeMillis must be a whole number, not 500ms");
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_POLLERS", "99999999999")))
        .hasMessage("configuration: pollers must be at most 2147483647");
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_ALERT_THRESHOLDS_BYTES", "1GB",
            "LOGMETER_PUBLISH_TO_QUEUE", "true")))
        .hasMessage("configuration: alertThresholdsBytes must be whole numbers, not 1GB");
  }

  /** The keys the issue named, which used to take blank as unset or as false. */
  @Test
  void aBlankValueOfAKeyWithADefaultIsRefusedWithItsName() {
    assertThatThrownBy(() -> fromEnvironment(Map.of("LOGMETER_REGION", "")))
        .hasMessage("configuration: region must not be blank (leave it out for the default, us-east-1)");
    for (String key : List.of("httpHost", "region", "dlqName", "alertQueueName", "createResources",
        "publishToQueue", "authDisabled")) {
      assertThatThrownBy(() -> fromEnvironment(Map.of(Config.environmentName(key), " ")))
          .as(key).hasMessageStartingWith("configuration: " + key + " must not be blank");
      assertThatThrownBy(() -> Config.from(Config.defaults().put(key, "")))
          .as(key).hasMessageStartingWith("configuration: " + key + " must not be blank");
      assertThatThrownBy(() -> Config.from(Config.defaults().putNull(key)))
          .as(key).hasMessageStartingWith("configuration: " + key + " must not be null");
    }
  }

  /** What the doc promises for every key: blank is an error where there is a default, and unsets one without. */
  @Test
  void blankIsRefusedForEveryDocumentedDefaultAndUnsetsEveryOptionalKey() throws Exception {
    for (Row row : documentedKeys()) {
      Map<String, String> blank = Map.of(row.variable(), "");
      if (row.hasDefault()) {
        assertThatThrownBy(() -> fromEnvironment(blank)).as(row.key())
            .hasMessageStartingWith("configuration: " + row.key() + " must not be blank");
      } else {
        assertThatCode(() -> fromEnvironment(blank)).as(row.key()).doesNotThrowAnyException();
      }
    }
    Config unset = fromEnvironment(Map.of("LOGMETER_QUEUE_URL", "", "LOGMETER_ALERT_THRESHOLDS_BYTES", " "));
    assertThat(unset.stack().queueUrl()).isNull();
    assertThat(unset.alerts().alertThresholdsBytes()).isEmpty();
  }

  /** The defaults as docs/configuration.md states them, in the defaults and in the slices built from them. */
  @Test
  void theDefaultsAreTheDocumentedOnes() throws Exception {
    JsonObject defaults = Config.defaults();
    Map<String, List<Object>> built = components(Config.from(defaults));
    for (Row row : documentedKeys()) {
      if (row.defaultCell().equals("number of processors")) {
        int processors = Math.max(1, Runtime.getRuntime().availableProcessors());
        assertThat(defaults.getValue(row.key())).as(row.key()).isEqualTo(processors);
        assertThat(built.get(row.key())).as(row.key()).containsOnly(processors);
      } else if (!row.hasDefault()) {
        assertThat(defaults.getValue(row.key())).as(row.key()).isNull();
      } else {
        Matcher quoted = Pattern.compile("^`([^`]+)`").matcher(row.defaultCell());
        assertThat(quoted.find()).as(row.key() + ": a default in backquotes, or none").isTrue();
        assertThat(String.valueOf(defaults.getValue(row.key()))).as(row.key()).isEqualTo(quoted.group(1));
        assertThat(built.get(row.key())).as(row.key()).isNotEmpty()
            .allSatisfy(value -> assertThat(String.valueOf(value)).isEqualTo(quoted.group(1)));
      }
    }
  }

  @Test
  void theLedgerIsOneOfItsChoices() {
    assertThat(Config.from(Config.defaults()).fold().folding()).isFalse();
    assertThat(Config.from(Config.defaults().put("ledger", " fold ")).fold().folding()).isTrue();
    assertThatThrownBy(() -> Config.from(Config.defaults().put("ledger", "Fold")))
        .hasMessage("configuration: ledger must be one of pages, fold, not Fold");
  }

  @Test
  void anUnknownSettingIsRefusedWithItsName() {
    assertThatThrownBy(() -> Config.from(Config.defaults().put("batchMaxMesages", 500)))
        .hasMessageContaining("unknown setting batchMaxMesages");
  }

  @Test
  void thresholdsWithoutAnywhereToSendTheAlertsAreRefusedAtLoad() {
    assertThatThrownBy(() -> Config.from(Config.defaults().put("alertThresholdsBytes", "1000")))
        .hasMessageContaining("usage alerts need a topic");
    assertThat(Config.from(Config.defaults().put("alertThresholdsBytes", "1000,2000").put("publishToQueue", true))
        .alerts().alertThresholdsBytes()).containsExactly(1000L, 2000L);
  }

  /**
   * The slices are built by name: with every text setting set to a value of its own, each component
   * holds the value of the setting it is named after (the seven Strings of Aws included), and every
   * setting reaches at least one slice.
   */
  @Test
  void everySliceComponentCarriesTheSettingOfItsName() {
    JsonObject json = Config.defaults();
    Config.SETTINGS.stream().filter(s -> s.type() == String.class).forEach(s -> json.put(s.name(), "v-" + s.name()));
    json.put("ledger", "fold"); // a choice: checked below on its own

    Map<String, List<Object>> built = components(Config.from(json));

    assertThat(built.keySet()).isEqualTo(Config.SETTINGS.stream().map(Setting::name).collect(Collectors.toSet()));
    Config.SETTINGS.stream().filter(s -> s.type() == String.class && !s.name().equals("ledger")).forEach(s ->
        assertThat(built.get(s.name())).as(s.name()).containsOnly("v-" + s.name()));
    assertThat(built.get("ledger")).containsOnly("fold");
    for (String flag : List.of("createResources", "publishToQueue", "authDisabled")) {
      Map<String, List<Object>> one = components(Config.from(Config.defaults().put(flag, true)));
      one.forEach((name, values) -> assertThat(values).as(name).allMatch(v -> !(v instanceof Boolean on)
          || on == name.equals(flag)));
    }
  }

  /** The settings are the one list: the documented table names exactly these, with their variables. */
  @Test
  void docsConfigurationListsEverySettingAndNoOther() throws Exception {
    Set<String> documented = new TreeSet<>();
    for (Row row : documentedKeys()) {
      assertThat(row.variable()).isEqualTo(Config.environmentName(row.key()));
      documented.add(row.key());
    }
    assertThat(documented).isEqualTo(Config.SETTINGS.stream().map(Setting::name)
        .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void theProductionExampleInTheDocsIsAValidConfiguration() throws Exception {
    Matcher example = Pattern.compile("Example file for production:\\s*```json\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(DOC));
    assertThat(example.find()).isTrue();

    Config config = Config.from(Config.defaults().mergeIn(new JsonObject(example.group(1))));

    assertThat(config.aws().region()).isEqualTo("eu-west-1");
  }

  @Test
  void theEnvironmentSetsOptionalSettingsToo() {
    Config config = fromEnvironment(Map.of(
        "LOGMETER_QUEUE_URL", "http://sqs/q", "LOGMETER_ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:1:alerts"));

    assertThat(config.stack().queueUrl()).isEqualTo("http://sqs/q");
    assertThat(config.alerts().alertTopicArn()).isEqualTo("arn:aws:sns:us-east-1:1:alerts");
  }

  private static Config fromEnvironment(Map<String, String> environment) {
    return Config.from(Config.defaults().mergeIn(ConfigLoader.fromEnvironment(environment)));
  }

  /** A row of the table of all keys in docs/configuration.md, its cells as written. */
  private record Row(String key, String variable, String defaultCell) {
    boolean hasDefault() {
      return !defaultCell.startsWith("none");
    }
  }

  private static List<Row> documentedKeys() throws Exception {
    Pattern row = Pattern.compile("^\\| `([A-Za-z0-9]+)` \\| `(LOGMETER_[A-Z0-9_]+)` \\| ([^|]+) \\|");
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(DOC)) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        rows.add(new Row(m.group(1), m.group(2), m.group(3).trim()));
      }
    }
    return rows;
  }

  /** Every value in a configuration by the name of its component, slices opened (a name may be in two). */
  private static Map<String, List<Object>> components(Record record) {
    Map<String, List<Object>> values = new java.util.HashMap<>();
    collect(record, values);
    return values;
  }

  private static void collect(Record record, Map<String, List<Object>> values) {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
      if (value instanceof Record slice) {
        collect(slice, values);
      } else {
        values.computeIfAbsent(c.getName(), name -> new ArrayList<>()).add(value);
      }
    }
  }
}
