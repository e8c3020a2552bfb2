package io.logmeter.faults;

import io.logmeter.TestStack;
import io.logmeter.faults.FaultRig.Dependency;
import io.logmeter.faults.FaultScenarios.Size;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault scenarios at full length: 20,000 messages over a minute, outages of 30 s, five crashes,
 * four SIGTERMs with the production grace period, three instances through DynamoDB contention,
 * the queue's real redrive setting; the crashes, a DynamoDB outage and the contention again with
 * the fold (its production lease and period). About twenty-two minutes on two cores; excluded from
 * the normal suite by the tag, run as docs/reliability.md says.
 */
@Tag("long")
class LongFaultScenariosTest {

  private static TestStack stack;
  private static FaultScenarios scenarios;
  private static FaultScenarios fold;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.emulatorsProcess();
    scenarios = new FaultScenarios(stack, Size.LONG);
    fold = new FaultScenarios(stack, Size.LONG, new JsonObject().put("ledger", "fold"));
  }

  @AfterAll
  static void close() throws Exception {
    stack.close();
  }

  @Test
  void killedFiveTimesUnderLoad() throws Exception {
    scenarios.deaths(5, 0, false);
  }

  @Test
  void s3Down30SecondsUnderLoad() throws Exception {
    scenarios.outageUnderLoad(Dependency.S3);
  }

  @Test
  void dynamoDbDown30SecondsUnderLoad() throws Exception {
    scenarios.outageUnderLoad(Dependency.DYNAMODB);
  }

  @Test
  void sqsUnreachable30SecondsUnderLoad() throws Exception {
    scenarios.outageUnderLoad(Dependency.SQS);
  }

  @Test
  void malformedBodiesAndAMessageCrashingItsHolderFiveTimes() throws Exception {
    scenarios.poison();
  }

  @Test
  void sigtermThreeTimesUnderLoadThenWithDynamoDbDown() throws Exception {
    scenarios.deaths(0, 3, true);
  }

  @Test
  void memoryStaysBoundedWhileDynamoDbIsDownAndThousandsWait() throws Exception {
    scenarios.memoryWhileDynamoDbIsDown();
  }

  @Test
  void threeInstancesOnTheSameAccountsThroughConflictsThrottlingAndLostReplies() throws Exception {
    scenarios.contention();
  }

  @Test
  void foldKilledFiveTimesUnderLoad() throws Exception {
    fold.deaths(5, 0, false);
  }

  @Test
  void foldDynamoDbDown30SecondsUnderLoad() throws Exception {
    fold.outageUnderLoad(Dependency.DYNAMODB);
  }

  @Test
  void foldThreeInstancesThroughConflictsThrottlingAndLostReplies() throws Exception {
    fold.contention();
  }
}
