package io.logmeter.local;

import io.logmeter.server.Launcher;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code local}: the embedded AWS servers and the service against them, one command, ready to use. */
public final class LocalCommand implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(LocalCommand.class);

  @Override
  public void run() {
    try {
      Map<String, String> env = System.getenv();
      EmbeddedAws aws = EmbeddedAws.start(EmulatorsCommand.ports(env), null);
      Service service = Launcher.launch(overrides(aws), env);
      // The embedded servers keep everything in memory and end with the process, dynalite (a child
      // process) as its input closes: nothing to stop.
      Launcher.stopOnShutdown(service, () -> { });
      service.ready().toCompletionStage().toCompletableFuture().join();
      System.out.println(banner(service, aws));
    } catch (Dynalite.MissingServerException e) {
      System.err.println("logmeter: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      log.error("local stack failed to start", e);
      // The embedded servers leave non-daemon threads behind: exit explicitly.
      System.exit(1);
    }
  }

  /** Local mode: the embedded endpoints, any credentials, resources created on start. */
  static JsonObject overrides(EmbeddedAws aws) {
    return new JsonObject()
        .put("sqsEndpoint", aws.sqsEndpoint())
        .put("s3Endpoint", aws.s3Endpoint())
        .put("dynamodbEndpoint", aws.dynamodbEndpoint())
        .put("awsAccessKeyId", "local")
        .put("awsSecretAccessKey", "local")
        .put("createResources", true)
        .put("publishToQueue", true)
        // A stop waits for the long polls under way: keep them short, so Ctrl-C answers quickly.
        .put("receiveWaitSeconds", 5)
        .put("authDisabled", true);
  }

  private static String banner(Service service, EmbeddedAws aws) {
    String api = "http://" + service.config().http().httpHost() + ":" + service.config().http().httpPort();
    String queue = aws.sqsEndpoint() + "/000000000000/" + service.config().stack().queueName();
    return """

        logmeter is running locally (%11$s).
          API       %1$s
          console   %1$s/console/
          SQS       %2$s   queue %3$s, DLQ %4$s
          S3        %5$s   bucket %6$s (path-style)
          DynamoDB  %7$s   tables %8$s, %9$s
          region us-east-1, any access key

        Try it:
          export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
          aws --endpoint-url %2$s sqs send-message --queue-url %10$s \\
            --message-body '{"accountId":"6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f","logData":"héllo wörld"}'
          curl -s %1$s/v1/accounts/6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f/usage
          aws --endpoint-url %5$s s3 ls --recursive s3://%6$s/

        Ctrl-C drains and stops.
        """.formatted(api, aws.sqsEndpoint(), service.config().stack().queueName(), service.config().stack().dlqName(),
        aws.s3Endpoint(), service.config().stack().bucket(), aws.dynamodbEndpoint(), service.config().stack().ledgerTable(),
        service.config().stack().usageTable(), queue,
        service.config().http().authDisabled() ? "no authentication in local mode" : "API keys required");
  }

}
