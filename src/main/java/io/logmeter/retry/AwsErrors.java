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

  /**
   * The request was refused for who sent it, not for what it holds: a policy or a KMS grant that no
   * longer allows it, credentials expired or revoked, a clock skewed past what signing allows. Not
   * transient by status (400 or 403), but by nature: an operator or the credential refresh fixes it,
   * and the messages are safe to hold until then. Given back instead, they would burn their receives
   * and reach the DLQ within seconds, all of them.
   */
  private static final Set<String> ACCESS_DENIED = Set.of(
      "AccessDenied", "AccessDeniedException", "AllAccessDisabled", "AuthFailure", "AuthorizationError",
      "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "InvalidToken",
      "InvalidAccessKeyId", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
      "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
      "MissingAuthenticationToken", "MissingAuthenticationTokenException", "NotAuthorized",
      "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "KMSAccessDeniedException",
      "KmsAccessDenied");

  /** What a failure means for the messages that wait on it. */
  public enum Kind {
    /** Throttling, a server error, the network, a resource briefly missing: hold and try again. */
    TRANSIENT,
    /** Refused for who sent it (see {@link #ACCESS_DENIED}): hold and try again, and alarm. */
    ACCESS_DENIED,
    /** Anything else: trying the same request again cannot succeed. */
    PERMANENT
  }

  private AwsErrors() {
  }

  /** The decision between holding messages and giving them back, in one place. */
  public static Kind kind(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof AwsServiceException e) {
      String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
          ? "" : e.awsErrorDetails().errorCode();
      if (ACCESS_DENIED.contains(code) || code.startsWith("KMS.") || e.statusCode() == 403
          || e.isClockSkewException()) {
        return Kind.ACCESS_DENIED;
      }
      return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException()
          || THROTTLING.contains(code) || code.contains("NotFound") || code.startsWith("NoSuch")
          || code.contains("NonExistent") || code.equals("QueueDoesNotExist")
          ? Kind.TRANSIENT : Kind.PERMANENT;
    }
    return t instanceof SdkClientException || t instanceof java.io.IOException
        || t instanceof java.util.concurrent.TimeoutException ? Kind.TRANSIENT : Kind.PERMANENT;
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
   * Worth another try while the messages are held: network failures, timeouts, throttling, server
   * errors, and access refused (see {@link Kind#ACCESS_DENIED}). A missing resource is treated as
   * transient too: during an outage or a deployment it comes back, and giving up would mean
   * dropping messages that are safe to hold.
   */
  public static boolean isTransient(Throwable failure) {
    return kind(failure) != Kind.PERMANENT;
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
