package io.logmeter.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.concurrent.TimeUnit;

/** The OpenAPI description the service serves, as a checker of real responses. */
final class Contract implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final ResponseValidator validator;

  Contract() throws Exception {
    validator = ResponseValidator.create(vertx, OpenAPIContract.from(vertx, "src/main/resources/openapi.yaml")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  /** Fails unless the contract allows this status and body for the operation. */
  void check(String operationId, int status, String contentType, String body) {
    // The media type without parameters: the validator knows "application/json", not every spelling of its charset.
    String type = contentType == null ? null : contentType.split(";")[0].trim();
    try {
      validator.validate(ValidatableResponse.create(status, Buffer.buffer(body), type), operationId)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(operationId + " " + status + " " + body + " does not match the contract: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
