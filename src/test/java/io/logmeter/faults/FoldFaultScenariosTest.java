package io.logmeter.faults;

import io.logmeter.TestStack;
import io.logmeter.faults.FaultScenarios.Size;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault scenarios with {@code ledger=fold}: crashes and a SIGTERM with DynamoDB down (the owner
 * among the dead), every dependency down in turn, and the fold's own case, an owner frozen past its
 * lease while another takes over. Each ends with the same verdict as with the pages ledger, once the
 * answers count through the moment the queue drained.
 */
class FoldFaultScenariosTest {

  private static TestStack stack;
  private static FaultScenarios scenarios;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.emulatorsProcess();
    scenarios = new FaultScenarios(stack, Size.FAST, new JsonObject().put("ledger", "fold")
        .put("foldLeaseSeconds", 6).put("foldPeriodMillis", 250));
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
  void s3DynamoDbAndSqsDownInTurnUnderLoadLoseNothing() throws Exception {
    scenarios.dependenciesDownInTurn();
  }

  @Test
  void anOwnerFrozenPastItsLeasePublishesNothingOnceThawed() throws Exception {
    scenarios.foldOwnerFrozenPastItsLease();
  }
}
