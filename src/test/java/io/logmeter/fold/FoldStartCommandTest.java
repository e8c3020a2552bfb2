package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.logmeter.server.Config;
import io.logmeter.server.FoldStartCommand;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** {@code fold-start}, run as the command it is: sets the fold's first hour until the fold publishes, then refuses. */
class FoldStartCommandTest {

  private record Run(int status, String output) {
  }

  @Test
  void setsTheFirstHourUntilTheFoldPublishesThenRefuses() throws Exception {
    TestStack stack = TestStack.shared();
    String table = stack.createUsageShapedTable("fold-start-");
    Map<String, Object> settings = Map.of("dynamodbEndpoint", stack.dynamodbEndpoint(), "awsAccessKeyId", "test",
        "awsSecretAccessKey", "test", "usageTable", table);
    Vertx vertx = Vertx.vertx();
    try (DynamoDbAsyncClient dynamo = TestStack.local(DynamoDbAsyncClient.builder(), stack.dynamodbEndpoint())
        .build()) {
      Context context = vertx.getOrCreateContext();
      FoldHead head = new FoldHead(dynamo, context, table);

      Run set = run(settings, "--hour", "2026-12-06T10");
      assertThat(set.status()).as(set.output()).isEqualTo(FoldStartCommand.SET);
      assertThat(TestStack.on(context, head::read).compactedBefore()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
      assertThat(run(settings, "--hour", "2026-12-06T11").status()).as("no period yet: changed again")
          .isEqualTo(FoldStartCommand.SET);
      assertThat(TestStack.on(context, head::read).compactedBefore()).isEqualTo(Instant.parse("2026-12-06T11:00:00Z"));

      assertThat(TestStack.on(context, () -> head.claim(1))).isPresent();
      assertThat(TestStack.on(context, () -> head.advance(1, 0, 1, Instant.parse("2026-12-06T11:00:01Z"),
          Instant.parse("2026-12-06T11:00:00Z")))).isPresent();
      Run refused = run(settings, "--hour", "2026-12-06T12");
      assertThat(refused.status()).isEqualTo(FoldStartCommand.REFUSED);
      assertThat(refused.output()).contains("has published 1 periods").contains("2026-12-06T11:00:00Z");
      assertThat(TestStack.on(context, head::read).compactedBefore()).isEqualTo(Instant.parse("2026-12-06T11:00:00Z"));

      assertThat(run(settings, "--hour", "10 o'clock").status()).isEqualTo(FoldStartCommand.FAILED);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Run run(Map<String, Object> settings, String... args) throws Exception {
    Path out = Files.createTempFile("fold-start", ".out");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.logmeter.Main", "fold-start"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    settings.forEach((key, value) -> builder.environment().put(Config.environmentName(key), String.valueOf(value)));
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), Files.readString(out));
  }
}
