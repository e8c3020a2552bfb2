package io.logmeter.faults;

import io.logmeter.TestStack;
import io.logmeter.faults.FaultScenarios.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault injection at a size the normal suite affords, against the emulators running as a process of
 * their own: short outages, two crashes and a SIGTERM, a poison message dead-lettered after two
 * receives, three instances through DynamoDB conflicts, throttling and lost replies, and the byte
 * bound while DynamoDB is down. The full-length scenarios are {@link LongFaultScenariosTest}. Every
 * scenario ends with the same verdict: usage over HTTP equals the ground truth, every accepted
 * message is archived, and the reconciliation of archive against counters finds no drift.
 */
class FaultScenariosTest {

  private static TestStack stack;
  private static FaultScenarios scenarios;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.emulatorsProcess();
    scenarios = new FaultScenarios(stack, Size.FAST);
  }

  @AfterAll
  static void close() throws Exception {
    stack.close();
  }

  @Test
  void killedTwiceThenStoppedWithDynamoDbDownUnderLoadBillsEveryMessageOnce() throws Exception {
    scenarios.deaths(2, 0, true);
  }

  @Test
  void s3DynamoDbAndSqsDownInTurnUnderLoadLoseNothingAndKeepTheInFlightBound() throws Exception {
    scenarios.dependenciesDownInTurn();
  }

  @Test
  void malformedBodiesAreRejectedAndACrashingMessageIsDeadLetteredIntact() throws Exception {
    scenarios.poison();
  }

  @Test
  void threeInstancesOnTheSameAccountsThroughConflictsThrottlingAndLostRepliesBillEveryMessageOnce()
      throws Exception {
    scenarios.contention();
  }

  @Test
  void whileDynamoDbIsDownTheByteBoundHoldsAndTheRestWaitsInSqs() throws Exception {
    scenarios.memoryWhileDynamoDbIsDown();
  }
}
