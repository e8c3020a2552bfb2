package io.logmeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Ctrl-C on {@code local}: the terminal sends SIGINT to the JVM and to its dynalite child alike. The
 * child ignores it, so the service drains with its DynamoDB still up; the JVM stops cleanly, and the
 * child ends with it.
 */
class LocalCtrlCTest {

  @Test
  void ctrlCDrainsWithDynaliteStillUpThenEndsBoth() throws Exception {
    int dynamoDbPort = TestStack.freePort();
    Path log = Files.createTempFile("logmeter-local", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.logmeter.Main", "local")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("LOGMETER_EMULATOR_SQS_PORT", Integer.toString(TestStack.freePort()));
    builder.environment().put("LOGMETER_EMULATOR_S3_PORT", Integer.toString(TestStack.freePort()));
    builder.environment().put("LOGMETER_EMULATOR_DYNAMODB_PORT", Integer.toString(dynamoDbPort));
    builder.environment().put("LOGMETER_HTTP_PORT", Integer.toString(TestStack.freePort()));
    builder.environment().put("LOGMETER_LOG_FORMAT", "text");
    Process local = builder.start();
    try {
      TestStack.await(Duration.ofSeconds(90), "local mode running; log " + log,
          () -> read(log).contains("logmeter is running locally"));
      List<ProcessHandle> children = local.children().toList();
      assertThat(children).as("dynalite, a child of local mode's JVM").hasSize(1);
      ProcessHandle dynalite = children.get(0);

      signal("INT", dynalite.pid());
      TestStack.holds(Duration.ofSeconds(1), "dynalite alive and answering after its SIGINT",
          () -> dynalite.isAlive() && answers(dynamoDbPort));

      signal("INT", local.pid());
      assertThat(local.waitFor(60, TimeUnit.SECONDS)).as("local mode exited after Ctrl-C; log %s", log).isTrue();
      dynalite.onExit().get(10, TimeUnit.SECONDS);
      String output = read(log);
      assertThat(output).as("log %s", log).contains("stopping: draining in-flight work").contains("stopped")
          .doesNotContain("did not stop cleanly").doesNotContain("pipeline did not stop cleanly");
    } finally {
      local.destroyForcibly();
    }
  }

  private static boolean answers(int port) {
    try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
      return !dynamo.listTables().tableNames().isEmpty();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void signal(String name, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
