package io.logmeter.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The AWS SDK's async clients, doing their I/O on Vert.x's own Netty event loops (no second set of
 * I/O threads) and completing their futures there too, without a hop through the SDK's executor.
 * Callers bring results onto their verticle's context with {@code Future.fromCompletionStage}.
 */
public record AwsClients(SqsAsyncClient sqs, S3AsyncClient s3, DynamoDbAsyncClient dynamo, SnsAsyncClient sns,
    AwsCallMetrics metrics, List<SdkAsyncHttpClient> httpClients) implements AutoCloseable {

  public static AwsClients create(Config config, Vertx vertx, AwsCallMetrics metrics) {
    SdkEventLoopGroup loops = sdkEventLoops(vertx);
    AwsCredentialsProvider credentials = config.aws().awsAccessKeyId() != null
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.aws().awsAccessKeyId(),
            config.aws().awsSecretAccessKey() == null ? "unused" : config.aws().awsSecretAccessKey()))
        : DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build();
    resolveNow(credentials);

    // Long polls hold a connection for up to 20 s each: the SQS client gets room for them all.
    SdkAsyncHttpClient sqsHttp = http(loops, config.ingest().receiving().pollers() + 64);
    SdkAsyncHttpClient s3Http = http(loops, 64);
    SdkAsyncHttpClient dynamoHttp = http(loops, 128);
    SdkAsyncHttpClient snsHttp = http(loops, 64);
    SqsAsyncClient sqs = configure(SqsAsyncClient.builder(), config, config.aws().sqsEndpoint(), credentials, metrics,
        sqsHttp, Duration.ofSeconds(config.ingest().receiving().receiveWaitSeconds() + 10), RetryMode.ADAPTIVE_V2).build();
    S3AsyncClient s3 = configure(S3AsyncClient.builder(), config, config.aws().s3Endpoint(), credentials, metrics,
        s3Http, Duration.ofSeconds(30), RetryMode.ADAPTIVE_V2)
        .forcePathStyle(config.aws().s3Endpoint() != null)
        // CRC32 of every flush costs CPU for no gain over TLS and Content-Length; S3 needs no checksum.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
    // Standard, not adaptive: the ledger writes to many partitions of its tables, and the adaptive
    // mode's one rate limiter per client would slow every write down for a throttled partition, to
    // a crawl under steady throttling of a few percent. The ledger backs off per write itself.
    DynamoDbAsyncClient dynamo = configure(DynamoDbAsyncClient.builder(), config, config.aws().dynamodbEndpoint(),
        credentials, metrics, dynamoHttp, Duration.ofSeconds(10), RetryMode.STANDARD).build();
    SnsAsyncClient sns = configure(SnsAsyncClient.builder(), config, config.aws().snsEndpoint(), credentials, metrics,
        snsHttp, Duration.ofSeconds(10), RetryMode.ADAPTIVE_V2).build();
    return new AwsClients(sqs, s3, dynamo, sns, metrics, List.of(sqsHttp, s3Http, dynamoHttp, snsHttp));
  }

  /**
   * The first resolution of credentials (instance metadata, a profile, SSO) blocks the thread that
   * asks: do it here, on the thread that starts the service, not on an event loop at the first call.
   * Later refreshes run in the background. If it fails now, the first call tries again.
   */
  private static void resolveNow(AwsCredentialsProvider credentials) {
    if (credentials instanceof StaticCredentialsProvider) {
      return;
    }
    try {
      credentials.resolveCredentials();
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(AwsClients.class).warn("AWS credentials not available yet: {}", e.getMessage());
    }
  }

  /**
   * Vert.x's own event loops when it runs on {@link SharedEventLoops}; otherwise (a Vert.x built
   * elsewhere, as in a test) a small group of the SDK's own.
   */
  private static SdkEventLoopGroup sdkEventLoops(Vertx vertx) {
    EventLoopGroup loops = ((VertxInternal) vertx).nettyEventLoopGroup();
    return loops instanceof NioEventLoopGroup ? SdkEventLoopGroup.create(loops)
        : SdkEventLoopGroup.builder().numberOfThreads(2).build();
  }

  private static SdkAsyncHttpClient http(SdkEventLoopGroup loops, int maxConcurrency) {
    return NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(loops)
        .maxConcurrency(maxConcurrency)
        .connectionAcquisitionTimeout(Duration.ofSeconds(30))
        .build();
  }

  private static <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(B builder,
      Config config, String endpoint, AwsCredentialsProvider credentials, AwsCallMetrics metrics,
      SdkAsyncHttpClient http, Duration attemptTimeout, RetryMode retryMode) {
    builder.region(Region.of(config.aws().region()))
        .credentialsProvider(credentials)
        .httpClient(http)
        .asyncConfiguration(async -> async.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
            Runnable::run))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(retryMode)
            .apiCallAttemptTimeout(attemptTimeout)
            .apiCallTimeout(attemptTimeout.multipliedBy(3))
            .addExecutionInterceptor(metrics)
            .build());
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder;
  }

  @Override
  public void close() {
    sqs.close();
    s3.close();
    dynamo.close();
    sns.close();
    httpClients.forEach(SdkAsyncHttpClient::close);
  }
}
