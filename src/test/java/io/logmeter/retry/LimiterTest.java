package io.logmeter.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limiter's decisions, without I/O: who runs, who waits, and in what order. */
class LimiterTest {

  @Test
  void atMostTheLimitRunAndTheRestStartInOrderAsSlotsFree() {
    Limiter limiter = new Limiter(2);
    List<Promise<String>> running = new ArrayList<>();
    List<String> started = new ArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      results.add(limiter.run(() -> {
        started.add(name);
        Promise<String> p = Promise.promise();
        running.add(p);
        return p.future();
      }));
    }
    assertThat(started).containsExactly("a", "b");
    running.get(1).complete("B");
    assertThat(started).containsExactly("a", "b", "c");
    assertThat(results.get(1).result()).isEqualTo("B");
    running.get(0).fail("a failed");
    assertThat(started).containsExactly("a", "b", "c", "d");
    assertThat(results.get(0).failed()).isTrue();
    assertThat(results.get(2).isComplete()).isFalse();
  }

  @Test
  void anActionThatThrowsFailsItsFutureAndFreesItsSlot() {
    Limiter limiter = new Limiter(1);
    Future<Object> thrown = limiter.run(() -> {
      throw new IllegalStateException("a defect");
    });
    assertThat(thrown.failed()).isTrue();
    assertThat(thrown.cause()).hasMessage("a defect");
    assertThat(limiter.run(() -> Future.succeededFuture("next")).result()).isEqualTo("next");
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new Limiter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
