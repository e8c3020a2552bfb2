package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RecordLocation;
import io.logmeter.faults.DynamoDbFaultsAccess;
import io.logmeter.message.LogRecord;
import io.logmeter.retry.Backoff;
import io.logmeter.retry.Retry;
import io.logmeter.usage.UsageStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The lanes of one commit end together, against DynamoDB Local behind a relay that throttles most
 * transactions and refuses one chunk as invalid: when the commit fails, no lane is still sending,
 * and every chunk that did commit was reported, so that the cache and the alerts hear of all that
 * was counted.
 */
class CommitLanesTest {

  @Test
  void aFailedLaneStopsTheOthersAndWhatTheyCommittedIsReported() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.stop(stack.start(stack.config(names, port))); // creates the tables

    Vertx vertx = Vertx.vertx();
    String account = UUID.randomUUID().toString();
    String poison = "refused-" + UUID.randomUUID();
    try (DynamoDbFaultsAccess dynamoFaults = DynamoDbFaultsAccess.throttling(stack.dynamodbEndpoint(), 0.5, poison);
        DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder().endpointOverride(URI.create(dynamoFaults.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build()) {
      Context context = vertx.getOrCreateContext();
      Retry retry = new Retry(vertx, new Backoff(20, 200), () -> true);
      UsageLedger ledger = new UsageLedger(dynamo, context, retry, names.ledger(), names.usage(), 4, 3600, 8,
          Clock.systemUTC(), reason -> { });
      List<ArchivedRecord> records = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        // The refused message lies in the last chunk, so that the other lanes still have work when it fails.
        String id = i == 570 ? poison : UUID.randomUUID().toString();
        records.add(new ArchivedRecord(new LogRecord(id, account, Instant.parse("2026-11-21T10:00:00Z"), 10, "x"),
            new RecordLocation("raw/x", i * 10L, 10)));
      }

      AtomicLong reportedBytes = new AtomicLong();
      CompletableFuture<Throwable> failed = new CompletableFuture<>();
      context.runOnContext(v -> ledger.commit(records, chunk -> chunk.counted().stream()
              .filter(CounterDelta::isTotal).forEach(d -> reportedBytes.addAndGet(d.bytes())))
          .onComplete(done -> failed.complete(done.failed() ? done.cause() : null)));
      Throwable cause = failed.get(60, TimeUnit.SECONDS);
      assertThat(cause).as("the commit fails with the refusal").isNotNull();
      long sentAtFailure = dynamoFaults.transactions();

      // Nothing is under way any more: nothing more is sent, however long one waits.
      Thread.sleep(1500);
      assertThat(dynamoFaults.transactions()).as("transactions sent after the commit failed")
          .isEqualTo(sentAtFailure);
      assertThat(dynamoFaults.throttled()).as("throttled on the way").isPositive();
      long counted = new UsageStore(dynamo, names.usage()).total(account, true).get(10, TimeUnit.SECONDS).bytes();
      assertThat(reportedBytes.get()).as("reported as counted").isEqualTo(counted)
          .isPositive().isLessThan(600 * 10);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
