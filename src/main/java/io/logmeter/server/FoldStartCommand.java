package io.logmeter.server;

import io.logmeter.fold.FoldHead;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code fold-start --hour yyyy-MM-ddTHH}: the first hour a fold that never published counts, set
 * before the first instance runs {@code ledger=fold} (a rolling switch from the pages ledger sets
 * the hour after the deployment will be done). The records the fold meets of earlier hours go
 * through the pages ledger. Configuration as for {@code serve}. Exit status: 0 set (or set to that
 * hour already), 1 refused (the fold has published: its first hour is past changing), 2 could not
 * run.
 */
public final class FoldStartCommand {

  public static final String USAGE = """
      usage: java -jar logmeter.jar fold-start --hour yyyy-MM-ddTHH

        Sets the first UTC hour the fold counts, before any instance runs ledger=fold.
        Configuration (usageTable, endpoints, credentials) as for serve: LOGMETER_* variables.
      """;

  public static final int SET = 0;
  public static final int REFUSED = 1;
  public static final int FAILED = 2;

  private FoldStartCommand() {
  }

  public static int run(List<String> args) {
    if (args.size() != 2 || !args.get(0).equals("--hour")) {
      System.err.print(USAGE);
      return args.contains("--help") ? SET : FAILED;
    }
    Instant hour;
    try {
      hour = Instant.parse(args.get(1) + ":00:00Z").truncatedTo(ChronoUnit.HOURS);
    } catch (DateTimeParseException e) {
      System.err.print("not an hour: " + args.get(1) + "\n\n" + USAGE);
      return FAILED;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Config config = ConfigLoader.load(vertx, new JsonObject(), System.getenv()).toCompletionStage()
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (AwsClients aws = AwsClients.create(config, vertx, new AwsCallMetrics(new SimpleMeterRegistry()))) {
        FoldHead head = new FoldHead(aws.dynamo(), vertx.getOrCreateContext(), config.stack().usageTable());
        Optional<FoldHead.State> set = head.start(hour).toCompletionStage().toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        if (set.isPresent()) {
          System.out.println("the fold counts from " + hour + " on");
          return SET;
        }
        FoldHead.State now = head.read().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.err.println("refused: the fold has published " + now.period() + " periods; it counts from "
            + now.compactedBefore() + " on");
        return REFUSED;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    } catch (Exception e) {
      System.err.println("fold-start failed: " + (e.getCause() != null ? e.getCause() : e));
      return FAILED;
    } finally {
      vertx.close();
    }
  }
}
