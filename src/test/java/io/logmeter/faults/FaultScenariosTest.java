package io.logmeter.faults;

import io.logmeter.TestStack;
import io.logmeter.faults.FaultScenarios.Size;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection at a size the normal suite affords, against the emulators running as a process of
 * their own: short outages, two crashes and a SIGTERM, a poison message dead-lettered after two
 * receives, three instances through DynamoDB conflicts, throttling and lost replies, and the byte
 * bound while DynamoDB is down. The crashes, the outages and the contention run with each ledger;
 * the fold has cases of its own (an owner frozen past its lease, a backlog whose owner is killed
 * while writing its hours). The full-length scenarios are {@link LongFaultScenariosTest}. Every
 * scenario ends with the same verdict: usage over HTTP equals the ground truth (with the fold, once
 * the answers count through the moment the queue drained), every accepted message is archived, and
 * the reconciliation of archive against counters finds no drift.
 */
class FaultScenariosTest {

  private static TestStack stack;
  private static FaultScenarios pages;
  private static FaultScenarios fold;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.emulatorsProcess();
    pages = new FaultScenarios(stack, Size.FAST);
    fold = new FaultScenarios(stack, Size.FAST, new JsonObject().put("ledger", "fold")
        .put("foldLeaseSeconds", 6).put("foldPeriodMillis", 250));
  }

  @AfterAll
  static void close() throws Exception {
    stack.close();
  }

  private static FaultScenarios with(String ledger) {
    return ledger.equals("fold") ? fold : pages;
  }

  @ParameterizedTest
  @ValueSource(strings = {"pages", "fold"})
  void killedTwiceThenStoppedWithDynamoDbDownUnderLoadBillsEveryMessageOnce(String ledger) throws Exception {
    with(ledger).deaths(2, 0, true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pages", "fold"})
  void s3DynamoDbAndSqsDownInTurnUnderLoadLoseNothing(String ledger) throws Exception {
    with(ledger).dependenciesDownInTurn();
  }

  @Test
  void malformedBodiesAreRejectedAndACrashingMessageIsDeadLetteredIntact() throws Exception {
    pages.poison();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pages", "fold"})
  void threeInstancesOnTheSameAccountsThroughConflictsThrottlingAndLostRepliesBillEveryMessageOnce(String ledger)
      throws Exception {
    with(ledger).contention();
  }

  @Test
  void whileDynamoDbIsDownTheByteBoundHoldsAndTheRestWaitsInSqs() throws Exception {
    pages.memoryWhileDynamoDbIsDown();
  }

  @Test
  void foldOwnerFrozenPastItsLeasePublishesNothingOnceThawed() throws Exception {
    fold.foldOwnerFrozenPastItsLease();
  }

  @Test
  void foldBacklogWhoseOwnerIsKilledWhileWritingItsHoursIsWrittenOnceByTheNext() throws Exception {
    fold.foldBacklogOwnerKilledWhileWritingHours();
  }
}
