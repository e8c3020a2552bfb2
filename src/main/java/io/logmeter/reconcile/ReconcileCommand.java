package io.logmeter.reconcile;

import io.logmeter.server.AwsCallMetrics;
import io.logmeter.server.AwsClients;
import io.logmeter.server.Config;
import io.logmeter.server.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code reconcile --from --to [--account]}: the archive against the counters, for operators.
 * Prints the differences and a summary on stdout, progress on stderr. Exit status: 0 no drift,
 * 1 drift, 2 could not run (bad arguments, configuration, or AWS failing).
 */
public final class ReconcileCommand {

  public static final int CLEAN = 0;
  public static final int DRIFT = 1;
  public static final int FAILED = 2;

  private ReconcileCommand() {
  }

  public static int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(ReconcileOptions.USAGE);
      return CLEAN;
    }
    ReconcileOptions options;
    try {
      options = ReconcileOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.print(e.getMessage() + "\n\n" + ReconcileOptions.USAGE);
      return FAILED;
    }
    // stdout carries the report: only warnings may join it.
    if (System.getenv("LOGMETER_LOG_LEVEL") == null) {
      System.setProperty("LOGMETER_LOG_LEVEL", "WARN");
    }
    Vertx vertx = Vertx.vertx();
    try {
      Config config = ConfigLoader.load(vertx, new JsonObject(), System.getenv()).toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (AwsClients aws = AwsClients.create(config, vertx, new AwsCallMetrics(new SimpleMeterRegistry()))) {
        Report report = new Reconciliation(vertx, aws.s3(), aws.dynamo(), config.stack().bucket(), config.stack().usageTable())
            .run(options, Progress.toStderr());
        report.print(System.out);
        return report.clean() ? CLEAN : DRIFT;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    } catch (Exception e) {
      System.err.println("reconcile failed: " + (e.getCause() != null ? e.getCause() : e));
      return FAILED;
    } finally {
      vertx.close();
    }
  }
}
