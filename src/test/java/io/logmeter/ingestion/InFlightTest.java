package io.logmeter.ingestion;

import static io.logmeter.ingestion.Deliveries.deliveries;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-flight bound: a receive is granted only with room for a full one, in the order asked. */
class InFlightTest {

  @Test
  void aReceiveIsGrantedOnlyWithRoomForTenMoreMessages() {
    InFlight inFlight = new InFlight(25, Long.MAX_VALUE);

    Future<Void> first = inFlight.reserve();
    Future<Void> second = inFlight.reserve();
    Future<Void> third = inFlight.reserve();

    assertThat(first.succeeded()).isTrue();
    assertThat(second.succeeded()).isTrue();
    assertThat(third.isComplete()).as("20 reserved + 10 > 25").isFalse();

    List<Delivery> brought = deliveries(10, 10);
    inFlight.settle(brought);
    assertThat(third.isComplete()).as("10 held + 10 reserved + 10 > 25").isFalse();
    inFlight.settle(List.of());
    assertThat(third.succeeded()).as("an empty receive gives its room back").isTrue();
    assertThat(inFlight.messages()).isEqualTo(10);
  }

  @Test
  void releasingFreesRoomAndWaitersAreServedInOrder() {
    InFlight inFlight = new InFlight(10, Long.MAX_VALUE);
    inFlight.reserve();
    Future<Void> second = inFlight.reserve();
    Future<Void> third = inFlight.reserve();
    List<Delivery> brought = deliveries(10, 10);
    inFlight.settle(brought);
    assertThat(second.isComplete()).isFalse();

    inFlight.release(brought.subList(0, 5));
    assertThat(second.isComplete()).as("5 held + 10 > 10").isFalse();
    inFlight.release(brought.subList(5, 10));
    assertThat(second.succeeded()).isTrue();
    assertThat(third.isComplete()).as("second's reservation holds the room").isFalse();
  }

  @Test
  void theByteBoundStopsReceivesUntilBytesAreReleasedAndIsNotCountedTwice() {
    InFlight inFlight = new InFlight(1000, 250);
    inFlight.reserve();
    List<Delivery> brought = deliveries(3, 100);
    inFlight.settle(brought);
    assertThat(inFlight.bytes()).isEqualTo(300);
    Future<Void> next = inFlight.reserve();
    assertThat(next.isComplete()).as("300 bytes held, bound 250").isFalse();

    inFlight.release(brought.subList(0, 1));
    inFlight.release(brought.subList(0, 1));
    assertThat(inFlight.bytes()).as("a second release of the same delivery frees nothing").isEqualTo(200);
    assertThat(next.succeeded()).isTrue();
    assertThat(inFlight.held()).containsExactlyElementsOf(brought.subList(1, 3));
  }
}
