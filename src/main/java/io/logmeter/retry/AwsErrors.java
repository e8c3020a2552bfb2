package io.logmeter.retry;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Classifies AWS SDK failures: which are worth another try. */
public final class AwsErrors {

  private static final Set<String> THROTTLING = Set.of(
      "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
      "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
      "TransactionInProgressException", "SlowDown", "RequestTimeout", "RequestTimeoutException",
      "InternalError", "InternalFailure", "ServiceUnavailable");

  private AwsErrors() {
  }

  /** The SDK's futures fail with wrappers; the cause is what says what happened. */
  public static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Network failures, timeouts, throttling and server errors are transient. A missing resource is
   * treated as transient too: during an outage or a deployment it comes back, and giving up would
   * mean dropping messages that are safe to hold.
   */
  public static boolean isTransient(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException()
          || (code != null && (THROTTLING.contains(code) || code.contains("NotFound") || code.startsWith("NoSuch")));
    }
    return t instanceof SdkClientException || t instanceof java.io.IOException
        || t instanceof java.util.concurrent.TimeoutException;
  }

  /**
   * DynamoDB found the request itself invalid (a key or an item over its limits, say): sending it
   * again cannot succeed, and the cause is usually one message of the many a request carries.
   */
  public static boolean isInvalidRequest(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()) {
      return cancelled.cancellationReasons().stream().anyMatch(r -> "ValidationError".equals(r.code()));
    }
    return "ValidationException".equals(code(t));
  }

  /** The AWS error code, or the exception's simple name for client-side failures. */
  public static String code(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof AwsServiceException e && e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
      return e.awsErrorDetails().errorCode();
    }
    return t.getClass().getSimpleName();
  }
}
