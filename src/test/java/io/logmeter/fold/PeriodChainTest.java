package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The periods read back from the head against the local S3: across epochs, and never an overtaken owner's. */
class PeriodChainTest {

  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final Instant TEN = Instant.parse("2026-11-21T10:00:00Z");

  private static TestStack stack;
  private static Vertx vertx;
  private static S3AsyncClient s3;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    vertx = Vertx.vertx();
    s3 = S3AsyncClient.builder().endpointOverride(URI.create(stack.s3Endpoint())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePeriodsAfterOneAreReadBackAcrossEpochsAndAnOvertakenOwnersObjectIsNot() throws Exception {
    String bucket = "fold-" + UUID.randomUUID().toString().substring(0, 8);
    stack.s3.createBucket(b -> b.bucket(bucket));
    Context context = vertx.getOrCreateContext();
    PeriodChain chain = new PeriodChain(s3, context, bucket);
    FoldPeriod one = period(1, 1, 0, 10);
    FoldPeriod two = period(1, 2, 1, 20);
    // Epoch 1 is overtaken after period 2: its late period 3 is written, but the head names epoch 2's.
    FoldPeriod staleThree = period(1, 3, 1, 999);
    FoldPeriod three = period(2, 3, 1, 30);
    FoldPeriod four = period(2, 4, 2, 40);
    for (FoldPeriod p : List.of(one, two, three, four, staleThree)) {
      TestStack.on(context, () -> chain.put(p));
    }
    FoldHead.State head = new FoldHead.State(4, 2, 2, TEN.plusSeconds(4), TEN);
    assertThat(TestStack.on(context, () -> chain.since(0, head))).containsExactly(one, two, three, four);
    assertThat(TestStack.on(context, () -> chain.since(2, head))).containsExactly(three, four);
    assertThat(TestStack.on(context, () -> chain.since(4, head))).isEmpty();
    // What epoch 1 would have published, had it kept the head.
    assertThat(TestStack.on(context, () -> chain.since(2, new FoldHead.State(3, 1, 1, TEN, TEN)))).containsExactly(staleThree);
  }

  private static FoldPeriod period(long epoch, long number, long previousEpoch, long bytes) {
    return new FoldPeriod(epoch, number, previousEpoch, TEN.plusSeconds(number), TEN.plusSeconds(number), TEN,
        List.of("raw/" + number + ".ndjson"),
        List.of(new FoldState.Tally(ACCOUNT, TEN, bytes, 1)), List.of());
  }
}
