package io.logmeter.ingestion;

import static io.logmeter.ingestion.Deliveries.deliveries;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the batcher cuts a batch and when it starts its flush, on a real Vert.x context: by count,
 * by bytes, by age, at most so many at once, and what drain and close promise.
 */
@ExtendWith(VertxExtension.class)
class BatcherTest {

  /** Flushes that complete only when the test says so. */
  static final class Flushes {
    final List<List<Delivery>> started = new ArrayList<>();
    final List<Promise<Void>> pending = new ArrayList<>();

    Future<Void> flush(List<Delivery> batch) {
      started.add(batch);
      Promise<Void> done = Promise.promise();
      pending.add(done);
      return done.future();
    }

    List<Integer> sizes() {
      return started.stream().map(List::size).toList();
    }
  }

  @Test
  void aBatchIsCutAtItsMessageLimitAndTheRestWaitsForItsAge(Vertx vertx, VertxTestContext test) {
    Flushes flushes = new Flushes();
    vertx.runOnContext(go -> {
      Batcher batcher = new Batcher(vertx, flushes::flush, 4, Long.MAX_VALUE, 100, 10);
      batcher.add(deliveries(9, 10));
      test.verify(() -> assertThat(flushes.sizes()).containsExactly(4, 4));
      vertx.setTimer(400, t -> test.verify(() -> {
        assertThat(flushes.sizes()).containsExactly(4, 4, 1);
        test.completeNow();
      }));
    });
  }

  @Test
  void aBatchIsCutWhenItsBytesReachTheLimit(Vertx vertx, VertxTestContext test) {
    Flushes flushes = new Flushes();
    vertx.runOnContext(go -> {
      Batcher batcher = new Batcher(vertx, flushes::flush, 1000, 250, 60_000, 10);
      batcher.add(deliveries(7, 100));
      test.verify(() -> {
        // 100 + 100 + 100 bytes reach 250 at the third delivery; the 7th waits for more or for its age.
        assertThat(flushes.sizes()).containsExactly(3, 3);
        assertThat(flushes.started.get(1).get(0).sqsMessageId).isEqualTo("m3");
      });
      test.completeNow();
    });
  }

  @Test
  void noMoreThanMaxConcurrentFlushesRunAndTheNextStartsWhenOneEnds(Vertx vertx, VertxTestContext test) {
    Flushes flushes = new Flushes();
    vertx.runOnContext(go -> {
      Batcher batcher = new Batcher(vertx, flushes::flush, 2, Long.MAX_VALUE, 60_000, 2);
      batcher.add(deliveries(8, 10));
      test.verify(() -> assertThat(flushes.sizes()).containsExactly(2, 2));
      flushes.pending.get(1).fail("a flush that failed frees its slot too");
      test.verify(() -> assertThat(flushes.started).hasSize(3));
      flushes.pending.get(0).complete();
      test.verify(() -> {
        assertThat(flushes.started).hasSize(4);
        // In the order they were cut.
        assertThat(flushes.started.get(3).get(0).sqsMessageId).isEqualTo("m6");
      });
      test.completeNow();
    });
  }

  @Test
  void aFlushThatThrowsFreesItsSlot(Vertx vertx, VertxTestContext test) {
    List<List<Delivery>> seen = new ArrayList<>();
    vertx.runOnContext(go -> {
      Batcher batcher = new Batcher(vertx, batch -> {
        seen.add(batch);
        throw new IllegalStateException("a defect");
      }, 1, Long.MAX_VALUE, 60_000, 1);
      batcher.add(deliveries(3, 10));
      test.verify(() -> assertThat(seen).hasSize(3));
      batcher.drain().onComplete(test.succeedingThenComplete());
    });
  }

  @Test
  void drainFlushesWhatGatheredAndCompletesOnlyWhenEveryFlushHasEnded(Vertx vertx, VertxTestContext test) {
    Flushes flushes = new Flushes();
    vertx.runOnContext(go -> {
      Batcher batcher = new Batcher(vertx, flushes::flush, 5, Long.MAX_VALUE, 60_000, 1);
      batcher.add(deliveries(7, 10));
      Future<Void> drained = batcher.drain();
      test.verify(() -> {
        assertThat(flushes.sizes()).containsExactly(5);
        assertThat(drained.isComplete()).isFalse();
      });
      flushes.pending.get(0).complete();
      test.verify(() -> {
        assertThat(flushes.sizes()).containsExactly(5, 2);
        assertThat(drained.isComplete()).isFalse();
      });
      flushes.pending.get(1).complete();
      test.verify(() -> assertThat(drained.succeeded()).isTrue());
      test.completeNow();
    });
  }

  @Test
  void afterCloseTheWaitingBatchesAreNotFlushed(Vertx vertx, VertxTestContext test) {
    Flushes flushes = new Flushes();
    vertx.runOnContext(go -> {
      Batcher batcher = new Batcher(vertx, flushes::flush, 2, Long.MAX_VALUE, 60_000, 1);
      batcher.add(deliveries(6, 10));
      batcher.close();
      flushes.pending.get(0).complete();
      test.verify(() -> assertThat(flushes.sizes()).containsExactly(2));
      test.completeNow();
    });
  }
}
