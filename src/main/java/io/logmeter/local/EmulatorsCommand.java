package io.logmeter.local;

import io.logmeter.server.AwsCallMetrics;
import io.logmeter.server.AwsClients;
import io.logmeter.server.Config;
import io.logmeter.server.ConfigLoader;
import io.logmeter.server.Resources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code emulators}: only the embedded servers, with the queue, bucket and tables created, so that
 * services, benchmarks and fault tests can run as separate processes against them. Ports come from
 * LOGMETER_EMULATOR_{SQS,S3,DYNAMODB}_PORT; LOGMETER_EMULATOR_DYNAMODB_DIR keeps DynamoDB on disk;
 * LOGMETER_EMULATOR_EMPTY=true creates nothing, for provisioning them another way (Ansible).
 */
public final class EmulatorsCommand implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(EmulatorsCommand.class);

  @Override
  public void run() {
    try {
      Map<String, String> env = System.getenv();
      String dir = env.get("LOGMETER_EMULATOR_DYNAMODB_DIR");
      EmbeddedAws aws = EmbeddedAws.start(ports(env), dir == null ? null : Path.of(dir));
      // dynalite, a child process, is stopped with this one (it would also end once its input closes).
      Runtime.getRuntime().addShutdownHook(new Thread(aws::stopDynamoDb, "emulators-shutdown"));
      if (!Boolean.parseBoolean(env.get("LOGMETER_EMULATOR_EMPTY"))) {
        createResources(aws, env);
      }
      System.out.printf("emulators ready: SQS %s  S3 %s  DynamoDB %s%n", aws.sqsEndpoint(), aws.s3Endpoint(),
          aws.dynamodbEndpoint());
    } catch (Dynalite.MissingServerException e) {
      System.err.println("logmeter: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      log.error("emulators failed to start", e);
      System.exit(1);
    }
  }

  static EmbeddedAws.Ports ports(Map<String, String> env) {
    EmbeddedAws.Ports d = EmbeddedAws.Ports.DEFAULT;
    return new EmbeddedAws.Ports(port(env, "SQS", d.sqs()), port(env, "S3", d.s3()),
        port(env, "DYNAMODB", d.dynamodb()));
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = env.get("LOGMETER_EMULATOR_" + name + "_PORT");
    return value == null ? fallback : Integer.parseInt(value);
  }

  private static void createResources(EmbeddedAws aws, Map<String, String> env) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Config config = ConfigLoader.load(vertx, LocalCommand.overrides(aws), env).toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (AwsClients clients = AwsClients.create(config, vertx, new AwsCallMetrics(new SimpleMeterRegistry()))) {
        String queueUrl = Resources.create(clients, config).get(60, TimeUnit.SECONDS);
        log.info("created queue {}, bucket {}, tables {} and {}", queueUrl, config.stack().bucket(), config.stack().ledgerTable(),
            config.stack().usageTable());
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
