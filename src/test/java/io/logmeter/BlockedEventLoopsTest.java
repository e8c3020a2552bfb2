package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The check every test class gets: a blocked event loop is reported, and so fails its class. */
class BlockedEventLoopsTest {

  @Test
  void anEventLoopBlockedPastTheLimitIsReported() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(20).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    try {
      vertx.runOnContext(v -> {
        try {
          Thread.sleep(400);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      StringBuilder seen = new StringBuilder();
      TestStack.await(Duration.ofSeconds(5), "a blocked-thread report", () -> {
        BlockedEventLoops.takeReports().forEach(seen::append);
        return seen.length() > 0;
      });
      assertThat(seen.toString()).contains("vert.x-eventloop-thread").contains("has been blocked for");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // The sleeping loop may have been reported more than once: leave nothing for this class's own check.
      Thread.sleep(100);
      BlockedEventLoops.takeReports();
    }
  }
}
