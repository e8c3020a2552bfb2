package io.logmeter.fold;

import io.logmeter.ledger.CounterKeys;
import io.logmeter.retry.AwsErrors;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** The fold's items in the usage table (the lease, the head): their keys and numbers, and a refused write. */
final class FoldItems {

  static final String PARTITION = "#fold";

  private FoldItems() {
  }

  static Map<String, AttributeValue> key(String sort) {
    return Map.of(CounterKeys.PARTITION, AttributeValue.fromS(PARTITION), CounterKeys.SORT, AttributeValue.fromS(sort));
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? 0 : Long.parseLong(value.n());
  }

  /** A conditional write that found its condition false is an answer (empty), not a failure. */
  static <T> Future<Optional<T>> emptyIfRefused(Throwable failure) {
    return AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException
        ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure);
  }
}
