package io.logmeter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void environmentNamesAreUpperSnakeCase() {
    assertThat(Config.environmentName("batchMaxAgeMillis")).isEqualTo("LOGMETER_BATCH_MAX_AGE_MILLIS");
    assertThat(Config.environmentName("s3Endpoint")).isEqualTo("LOGMETER_S3_ENDPOINT");
    assertThat(Config.environmentName("httpPort")).isEqualTo("LOGMETER_HTTP_PORT");
    assertThat(Config.environmentName("ledgerMemoryMiB")).isEqualTo("LOGMETER_LEDGER_MEMORY_MIB");
  }

  @Test
  void environmentOverridesDefaultsAndStringsAreParsed() {
    JsonObject env = ConfigLoader.fromEnvironment(Config.defaults(), Map.of(
        "LOGMETER_HTTP_PORT", "9090", "LOGMETER_S3_ENDPOINT", "http://s3", "LOGMETER_BATCH_MAX_AGE_MILLIS", "250",
        "UNRELATED", "x"));

    Config config = Config.from(Config.defaults().mergeIn(env));

    assertThat(config.http().httpPort()).isEqualTo(9090);
    assertThat(config.aws().s3Endpoint()).isEqualTo("http://s3");
    assertThat(config.ingest().batching().batchMaxAge()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.ingest().instanceId()).matches("[0-9a-f]{8}");
  }

  @Test
  void aFileOverridesTheDefaultsAndTheEnvironmentOverridesTheFile(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("logmeter.json");
    java.nio.file.Files.writeString(file, new JsonObject().put("httpPort", 9191).put("batchMaxMessages", 500)
        .put("bucket", "from-the-file").encode());
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      Config config = ConfigLoader.load(vertx, new JsonObject().put("queueName", "from-the-command"),
              Map.of("LOGMETER_CONFIG_FILE", file.toString(), "LOGMETER_BATCH_MAX_MESSAGES", "700"))
          .toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(config.http().httpPort()).isEqualTo(9191);
      assertThat(config.stack().bucket()).isEqualTo("from-the-file");
      assertThat(config.ingest().batching().batchMaxMessages()).isEqualTo(700);
      assertThat(config.stack().queueName()).isEqualTo("from-the-command");
      assertThat(config.stack().dlqName()).isEqualTo("logmeter-ingest-dlq");

      java.nio.file.Files.writeString(file, "{\"httpPort\": \"eighty\"}");
      assertThatThrownBy(() -> ConfigLoader.load(vertx, new JsonObject(), Map.of("LOGMETER_CONFIG_FILE",
              file.toString())).toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS))
          .hasMessageContaining("httpPort");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
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
        .hasMessageContaining("maxConcurrentWrites");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("httpPort", "eighty")))
        .hasMessageContaining("httpPort");
    assertThatThrownBy(() -> Config.from(Config.defaults().put("ledgerTtlDays", 3)))
        .hasMessageContaining("ledgerTtlDays");
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
        .alerts().alertThresholds()).containsExactly(1000L, 2000L);
  }

  /** The defaults are the one list of settings: the documented table names exactly these, with their variables. */
  @Test
  void docsConfigurationListsEverySettingAndNoOther() throws Exception {
    java.util.Set<String> documented = new java.util.TreeSet<>();
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("docs/configuration.md"))) {
      java.util.regex.Matcher row = java.util.regex.Pattern.compile("^\\| `([A-Za-z0-9]+)` \\| `(LOGMETER_[A-Z0-9_]+)` \\|")
          .matcher(line);
      if (row.find()) {
        assertThat(row.group(2)).isEqualTo(Config.environmentName(row.group(1)));
        documented.add(row.group(1));
      }
    }
    assertThat(documented).isEqualTo(new java.util.TreeSet<>(Config.defaults().fieldNames()));
  }

  @Test
  void theEnvironmentSetsOptionalSettingsToo() {
    JsonObject env = ConfigLoader.fromEnvironment(Config.defaults(), Map.of(
        "LOGMETER_QUEUE_URL", "http://sqs/q", "LOGMETER_ALERT_TOPIC_ARN", "arn:aws:sns:us-east-1:1:alerts"));

    Config config = Config.from(Config.defaults().mergeIn(env));

    assertThat(config.stack().queueUrl()).isEqualTo("http://sqs/q");
    assertThat(config.alerts().alertTopicArn()).isEqualTo("arn:aws:sns:us-east-1:1:alerts");
  }
}
