package io.logmeter.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.retry.AwsErrors.Kind;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The switch between holding messages and giving them back, over the SDK's own exception types
 * and the codes and statuses S3, DynamoDB and SQS answer with.
 */
class AwsErrorsTest {

  /** The one request DynamoDB refuses as invalid in itself, among all the failures below. */
  private static final AwsServiceException VALIDATION = dynamo(DynamoDbException.builder(), "ValidationException",
      400);

  static Stream<Arguments> failures() {
    return Stream.of(
        // Throttling, server errors, the network: hold and retry.
        row(dynamo(ProvisionedThroughputExceededException.builder(), "ProvisionedThroughputExceededException", 400),
            Kind.TRANSIENT),
        row(dynamo(RequestLimitExceededException.builder(), "RequestLimitExceeded", 400), Kind.TRANSIENT),
        row(dynamo(DynamoDbException.builder(), "ThrottlingException", 400), Kind.TRANSIENT),
        row(dynamo(DynamoDbException.builder(), "InternalServerError", 500), Kind.TRANSIENT),
        row(dynamo(DynamoDbException.builder(), "TransactionInProgressException", 400), Kind.TRANSIENT),
        row(s3(S3Exception.builder(), "SlowDown", 503), Kind.TRANSIENT),
        row(s3(S3Exception.builder(), "InternalError", 500), Kind.TRANSIENT),
        row(s3(S3Exception.builder(), "RequestTimeout", 400), Kind.TRANSIENT),
        row(sqs(SqsException.builder(), "ServiceUnavailable", 503), Kind.TRANSIENT),
        row(sqs(SqsException.builder(), "TooManyRequestsException", 429), Kind.TRANSIENT),
        row(SdkClientException.create("Unable to execute HTTP request: connection refused"), Kind.TRANSIENT),
        row(SdkClientException.create("Unable to load credentials from any of the providers"), Kind.TRANSIENT),
        row(ApiCallTimeoutException.create(1000), Kind.TRANSIENT),
        row(ApiCallAttemptTimeoutException.create(1000), Kind.TRANSIENT),
        row(new IOException("connection reset"), Kind.TRANSIENT),
        row(new TimeoutException(), Kind.TRANSIENT),
        // A resource missing during an outage or a deployment comes back: hold.
        row(dynamo(ResourceNotFoundException.builder(), "ResourceNotFoundException", 400), Kind.TRANSIENT),
        row(s3(NoSuchBucketException.builder(), "NoSuchBucket", 404), Kind.TRANSIENT),
        row(sqs(QueueDoesNotExistException.builder(), "AWS.SimpleQueueService.NonExistentQueue", 400),
            Kind.TRANSIENT),
        row(sqs(QueueDoesNotExistException.builder(), "QueueDoesNotExist", 400), Kind.TRANSIENT),
        // Who is asking, not what: credentials, authorization, clock skew. Hold, and alarm.
        row(s3(S3Exception.builder(), "AccessDenied", 403), Kind.ACCESS_DENIED),
        row(s3(S3Exception.builder(), "InvalidAccessKeyId", 403), Kind.ACCESS_DENIED),
        row(s3(S3Exception.builder(), "SignatureDoesNotMatch", 403), Kind.ACCESS_DENIED),
        row(s3(S3Exception.builder(), "ExpiredToken", 400), Kind.ACCESS_DENIED),
        row(s3(S3Exception.builder(), "RequestTimeTooSkewed", 403), Kind.ACCESS_DENIED),
        row(s3(S3Exception.builder(), "KMS.DisabledException", 400), Kind.ACCESS_DENIED),
        row(s3(S3Exception.builder(), "KMS.KMSInvalidStateException", 400), Kind.ACCESS_DENIED),
        row(dynamo(DynamoDbException.builder(), "AccessDeniedException", 400), Kind.ACCESS_DENIED),
        row(dynamo(DynamoDbException.builder(), "UnrecognizedClientException", 400), Kind.ACCESS_DENIED),
        row(dynamo(DynamoDbException.builder(), "ExpiredTokenException", 400), Kind.ACCESS_DENIED),
        row(dynamo(DynamoDbException.builder(), "InvalidSignatureException", 400), Kind.ACCESS_DENIED),
        row(dynamo(DynamoDbException.builder(), "KMSAccessDeniedException", 400), Kind.ACCESS_DENIED),
        row(sqs(SqsException.builder(), "AccessDenied", 403), Kind.ACCESS_DENIED),
        row(sqs(SqsException.builder(), "KMS.AccessDeniedException", 400), Kind.ACCESS_DENIED),
        row(sqs(SqsException.builder(), "MissingAuthenticationToken", 400), Kind.ACCESS_DENIED),
        // The request itself is wrong: the same request cannot succeed.
        row(VALIDATION, Kind.PERMANENT),
        row(dynamo(ConditionalCheckFailedException.builder(), "ConditionalCheckFailedException", 400), Kind.PERMANENT),
        row(dynamo(DynamoDbException.builder(), "SerializationException", 400), Kind.PERMANENT),
        row(s3(S3Exception.builder(), "InvalidArgument", 400), Kind.PERMANENT),
        row(s3(S3Exception.builder(), "EntityTooLarge", 400), Kind.PERMANENT),
        row(sqs(SqsException.builder(), "InvalidParameterValue", 400), Kind.PERMANENT),
        row(new IllegalStateException("a defect"), Kind.PERMANENT));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void eachFailureHasItsKindWrappedOrNot(Throwable failure, Kind kind) {
    assertThat(AwsErrors.kind(failure)).isEqualTo(kind);
    assertThat(AwsErrors.kind(new CompletionException(failure))).isEqualTo(kind);
    assertThat(AwsErrors.isTransient(failure)).isEqualTo(kind != Kind.PERMANENT);
  }

  @Test
  void onlyValidationIsAnInvalidRequest() {
    assertThat(failures().map(row -> (Throwable) row.get()[0]).filter(AwsErrors::isInvalidRequest))
        .containsExactly(VALIDATION);
    assertThat(AwsErrors.isInvalidRequest(new CompletionException(VALIDATION))).as("wrapped").isTrue();
  }

  @ParameterizedTest
  @MethodSource("cancellations")
  void aCancelledTransactionIsInvalidIfAnyOfItsReasonsIsAValidationError(List<String> codes, boolean invalid) {
    TransactionCanceledException cancelled = TransactionCanceledException.builder()
        .cancellationReasons(codes.stream().map(c -> CancellationReason.builder().code(c).build()).toList())
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException").build())
        .statusCode(400).build();
    assertThat(AwsErrors.isInvalidRequest(new CompletionException(cancelled))).isEqualTo(invalid);
  }

  static Stream<Arguments> cancellations() {
    return Stream.of(
        Arguments.of(List.of("None", "ValidationError"), true),
        Arguments.of(List.of("TransactionConflict", "ValidationError"), true),
        Arguments.of(List.of("ConditionalCheckFailed", "None"), false),
        Arguments.of(List.of("ThrottlingError", "None"), false),
        Arguments.of(List.of("TransactionConflict"), false));
  }

  private static Arguments row(Throwable failure, Kind kind) {
    return Arguments.of(failure, kind);
  }

  private static AwsServiceException dynamo(DynamoDbException.Builder builder, String code, int status) {
    return builder.awsErrorDetails(details(code, "DynamoDb", status)).statusCode(status).build();
  }

  private static AwsServiceException s3(S3Exception.Builder builder, String code, int status) {
    return builder.awsErrorDetails(details(code, "S3", status)).statusCode(status).build();
  }

  private static AwsServiceException sqs(SqsException.Builder builder, String code, int status) {
    return builder.awsErrorDetails(details(code, "Sqs", status)).statusCode(status).build();
  }

  private static AwsErrorDetails details(String code, String service, int status) {
    return AwsErrorDetails.builder().errorCode(code).serviceName(service)
        .sdkHttpResponse(software.amazon.awssdk.http.SdkHttpResponse.builder().statusCode(status).build()).build();
  }
}
