package io.logmeter.api;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Timer;
import java.util.TimerTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every route test shares: the OpenAPI contract, loaded once per class, the in-memory stores,
 * and the API served over them on a real HTTP server.
 */
@ExtendWith(VertxExtension.class)
abstract class RouteTest {

  static Contract contract;
  final Fakes fakes = new Fakes();
  ApiRig api;

  @BeforeAll
  static void loadContract() throws Exception {
    contract = new Contract();
  }

  @AfterAll
  static void closeContract() throws Exception {
    contract.close();
  }

  /**
   * A route test once in a few full runs waits out its whole 30 s timeout, though every wait it
   * makes is bounded well below that by a timer (docs/reliability.md, "A hang in the route tests"):
   * a test still running after 15 s prints every thread's stack, to say where it waits.
   */
  private static final Timer WATCHDOG = new Timer("route-test-watchdog", true);
  private TimerTask watch;

  @BeforeEach
  void watch(TestInfo info) {
    watch = new TimerTask() {
      @Override
      public void run() {
        StringBuilder dump = new StringBuilder("ROUTE TEST STILL RUNNING AFTER 15 s: " + info.getDisplayName() + "\n");
        for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
          dump.append(thread);
          for (StackTraceElement frame : thread.getStackTrace()) {
            dump.append("\tat ").append(frame).append('\n');
          }
        }
        System.out.println(dump);
      }
    };
    WATCHDOG.schedule(watch, 15_000);
  }

  @AfterEach
  void unwatch() {
    watch.cancel();
  }

  /** Serves the API over the fakes with these keys; the test goes on once it listens. */
  void serve(Vertx vertx, VertxTestContext test, ApiKeys keys) {
    ApiRig.deploy(vertx, fakes.services(vertx, keys), contract).onComplete(test.succeeding(rig -> {
      api = rig;
      test.completeNow();
    }));
  }
}
