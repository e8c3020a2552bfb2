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
  }

  @Test
  void environmentOverridesDefaultsAndStringsAreParsed() {
    JsonObject env = ConfigLoader.fromEnvironment(Config.defaults(), Map.of(
        "LOGMETER_HTTP_PORT", "9090", "LOGMETER_S3_ENDPOINT", "http://s3", "LOGMETER_BATCH_MAX_AGE_MILLIS", "250",
        "UNRELATED", "x"));

    Config config = Config.from(Config.defaults().mergeIn(env));

    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.s3Endpoint()).isEqualTo("http://s3");
    assertThat(config.batchMaxAge()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.instanceId()).matches("[0-9a-f]{8}");
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
      assertThat(config.httpPort()).isEqualTo(9191);
      assertThat(config.bucket()).isEqualTo("from-the-file");
      assertThat(config.batchMaxMessages()).isEqualTo(700);
      assertThat(config.queueName()).isEqualTo("from-the-command");
      assertThat(config.dlqName()).isEqualTo("logmeter-ingest-dlq");

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
}
