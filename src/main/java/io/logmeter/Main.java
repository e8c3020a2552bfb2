package io.logmeter;

import io.logmeter.reconcile.ReconcileCommand;
import io.logmeter.server.FoldStartCommand;
import io.logmeter.server.Launcher;
import io.logmeter.server.Service;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The commands of {@code java -jar logmeter.jar}. */
public final class Main {

  private static final String USAGE = """
      usage: java -jar logmeter.jar <command>

        local       embedded SQS, S3 and DynamoDB plus the service, resources created, ready to use
        serve       production: real AWS, configuration from LOGMETER_* variables or LOGMETER_CONFIG_FILE
        emulators   only the embedded SQS, S3 and DynamoDB servers, with the resources created
        reconcile   the raw archive recounted and compared with the usage counters (reconcile --help)
        fold-start  the first hour the fold counts, before a fleet switches to ledger=fold (fold-start --help)
        --help      this text

      Configuration: docs/configuration.md. Local ports: API 8080, SQS 9324, S3 9000, DynamoDB 8000.
      """;

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "--help" : args[0].toLowerCase(Locale.ROOT);
    switch (command) {
      case "serve" -> serve();
      // Loaded by name so that serve never loads the embedded servers' classes.
      case "local" -> run("io.logmeter.local.LocalCommand");
      case "emulators" -> run("io.logmeter.local.EmulatorsCommand");
      case "reconcile" -> System.exit(ReconcileCommand.run(java.util.Arrays.asList(args).subList(1, args.length)));
      case "fold-start" -> System.exit(FoldStartCommand.run(java.util.Arrays.asList(args).subList(1, args.length)));
      case "--help", "-h", "help" -> System.out.print(USAGE);
      default -> {
        System.err.print("unknown command: " + args[0] + "\n\n" + USAGE);
        System.exit(2);
      }
    }
  }

  private static void serve() throws Exception {
    if (System.getenv("LOGMETER_LOG_FORMAT") == null) {
      System.setProperty("LOGMETER_LOG_FORMAT", "json");
    }
    // Behind a load balancer: listen on every interface unless told otherwise.
    Service service = Launcher.launch(new JsonObject().put("httpHost", "0.0.0.0"), System.getenv());
    Launcher.stopOnShutdown(service, () -> { });
    // Resources that contradict the configuration: retrying would meet them again, so stop, as for
    // any invalid configuration. The exit runs the shutdown hook, which needs the event loops.
    service.ready().onFailure(failure -> new Thread(() -> System.exit(2), "logmeter-exit").start());
  }

  private static void run(String commandClass) throws Exception {
    Class<?> command;
    try {
      command = Class.forName(commandClass);
    } catch (ClassNotFoundException e) {
      // logmeter-serve.jar, the production jar, leaves the embedded servers out.
      System.err.println("this jar has no embedded AWS servers (it is logmeter-serve.jar): run local and emulators "
          + "with logmeter.jar");
      System.exit(2);
      return;
    }
    command.asSubclass(Runnable.class).getDeclaredConstructor().newInstance().run();
  }
}
