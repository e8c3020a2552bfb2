package io.logmeter.ledger;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The ledger's conditional single-item writes, sent up to 25 in one {@code BatchExecuteStatement}
 * (PartiQL): each statement is applied or refused on its own, exactly as the single-item call it
 * stands for, and billed as that call; only the HTTP request is shared. Writes asked for within
 * {@value #WINDOW_MILLIS} ms go out together, never two on the same item in one request (DynamoDB
 * refuses such a batch whole). A statement's own error comes back as the exception its single-item
 * call would have thrown, so that callers classify it the same way. Confined to the ledger's
 * context.
 */
final class Statements {

  /** DynamoDB's limit of statements in one BatchExecuteStatement. */
  static final int MAX = 25;
  /**
   * How long a write waits for others to share its request, unless 25 are there sooner. The writes
   * of a commit are started together but reach this point one read of their partition apart.
   */
  static final long WINDOW_MILLIS = 3;

  private record Pending(String key, BatchStatementRequest statement, Promise<Void> result) {
  }

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final java.util.function.DoubleConsumer consumed;
  private final List<Pending> queued = new ArrayList<>();
  private boolean scheduled;

  /** @param consumed told the write capacity DynamoDB reports for each batch */
  Statements(DynamoDbAsyncClient dynamo, Context context, java.util.function.DoubleConsumer consumed) {
    this.dynamo = dynamo;
    this.context = context;
    this.consumed = consumed;
  }

  /** Runs {@code statement} with {@code parameters}, on the item {@code key} names, in the next batch. */
  Future<Void> run(String key, String statement, List<AttributeValue> parameters) {
    Promise<Void> result = Promise.promise();
    queued.add(new Pending(key, BatchStatementRequest.builder().statement(statement).parameters(parameters).build(),
        result));
    if (queued.size() >= MAX) {
      send();
    } else if (!scheduled) {
      scheduled = true;
      context.owner().setTimer(WINDOW_MILLIS, id -> context.runOnContext(v -> {
        scheduled = false;
        send();
      }));
    }
    return result.future();
  }

  private void send() {
    while (!queued.isEmpty()) {
      List<Pending> batch = new ArrayList<>(MAX);
      Set<String> keys = new HashSet<>();
      for (Iterator<Pending> it = queued.iterator(); it.hasNext() && batch.size() < MAX; ) {
        Pending p = it.next();
        if (keys.add(p.key())) {
          batch.add(p);
          it.remove();
        }
      }
      send(batch);
    }
  }

  private void send(List<Pending> batch) {
    List<BatchStatementRequest> statements = new ArrayList<>(batch.size());
    batch.forEach(p -> statements.add(p.statement()));
    Future.fromCompletionStage(dynamo.batchExecuteStatement(b -> b.statements(statements)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)), context)
        .onComplete(done -> {
          if (done.failed()) {
            batch.forEach(p -> p.result().fail(done.cause()));
            return;
          }
          if (done.result().hasConsumedCapacity()) {
            done.result().consumedCapacity().forEach(c -> consumed.accept(UsageLedger.units(c)));
          }
          List<BatchStatementResponse> responses = done.result().responses();
          for (int i = 0; i < batch.size(); i++) {
            BatchStatementError error = i < responses.size() ? responses.get(i).error() : null;
            if (i >= responses.size()) {
              batch.get(i).result().fail(failure("InternalServerError", 500, "no response for the statement"));
            } else if (error == null) {
              batch.get(i).result().complete();
            } else {
              batch.get(i).result().fail(exception(error));
            }
          }
        });
  }

  /** The exception the single-item call would have thrown for a statement's error. */
  static Throwable exception(BatchStatementError error) {
    String code = error.codeAsString() == null ? "" : error.codeAsString();
    String message = error.message() == null ? code : error.message();
    return switch (code) {
      case "ConditionalCheckFailed", "DuplicateItem" -> ConditionalCheckFailedException.builder().message(message)
          .statusCode(400).awsErrorDetails(details("ConditionalCheckFailedException", message)).build();
      case "ValidationError" -> failure("ValidationException", 400, message);
      case "ProvisionedThroughputExceeded" -> failure("ProvisionedThroughputExceededException", 400, message);
      case "RequestLimitExceeded" -> failure("RequestLimitExceeded", 400, message);
      case "ThrottlingError" -> failure("ThrottlingException", 400, message);
      case "AccessDenied" -> failure("AccessDeniedException", 400, message);
      case "ResourceNotFound" -> failure("ResourceNotFoundException", 400, message);
      // An item taken by a transaction under way: as transient as a server error.
      case "TransactionConflict", "InternalServerError" -> failure(code, 500, message);
      default -> failure(code, 400, message);
    };
  }

  private static DynamoDbException failure(String code, int status, String message) {
    return (DynamoDbException) DynamoDbException.builder().message(message).statusCode(status)
        .awsErrorDetails(details(code, message)).build();
  }

  private static AwsErrorDetails details(String code, String message) {
    return AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("DynamoDb").build();
  }
}
