package io.logmeter.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** When a retry tries again, and when it gives up: on a real Vert.x timer, with no AWS behind it. */
@ExtendWith(VertxExtension.class)
class RetryTest {

  private static final Backoff QUICK = new Backoff(1, 5);

  @Test
  void transientFailuresAreTriedAgainUntilTheActionSucceeds(Vertx vertx, VertxTestContext test) {
    AtomicInteger attempts = new AtomicInteger();
    Retry retry = new Retry(vertx, QUICK, () -> true);
    retry.run(() -> attempts.incrementAndGet() < 3 ? Future.failedFuture(new RuntimeException("throttled"))
            : Future.succeededFuture("done"), failure -> true)
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(result).isEqualTo("done");
          assertThat(attempts).hasValue(3);
          test.completeNow();
        })));
  }

  @Test
  void aFailureThatIsNotTransientEndsItAtOnce(Vertx vertx, VertxTestContext test) {
    AtomicInteger attempts = new AtomicInteger();
    Retry retry = new Retry(vertx, QUICK, () -> true);
    retry.run(() -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new IllegalArgumentException("invalid"));
    }, failure -> !(failure instanceof IllegalArgumentException))
        .onComplete(test.failing(cause -> test.verify(() -> {
          assertThat(cause).hasMessage("invalid");
          assertThat(attempts).hasValue(1);
          test.completeNow();
        })));
  }

  @Test
  void oneThatStopsWantingItGetsTheLastFailure(Vertx vertx, VertxTestContext test) {
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean wanted = new AtomicBoolean(true);
    Retry retry = new Retry(vertx, QUICK, wanted::get);
    retry.run(() -> {
      if (attempts.incrementAndGet() == 4) {
        wanted.set(false); // shutdown past its grace period
      }
      return Future.failedFuture(new RuntimeException("down " + attempts.get()));
    }, failure -> true)
        .onComplete(test.failing(cause -> test.verify(() -> {
          assertThat(cause).hasMessage("down 4");
          assertThat(attempts).hasValue(4);
          test.completeNow();
        })));
  }
}
