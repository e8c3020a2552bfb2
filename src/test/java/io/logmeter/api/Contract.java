package io.logmeter.api;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.concurrent.TimeUnit;

/** The OpenAPI description the service serves, as a checker of real responses. */
final class Contract implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  /** Where every validation runs, whichever thread asks for it: the validator's own Vert.x, never a caller's. */
  private final Context context = vertx.getOrCreateContext();
  private final ResponseValidator validator;

  Contract() throws Exception {
    validator = ResponseValidator.create(vertx, OpenAPIContract.from(vertx, validatable())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  /**
   * Media types the validator cannot check: the export's, checked line by line in UsageExportTest,
   * and the console's page, checked in a browser by ConsoleBrowserTest.
   */
  private static final java.util.Set<String> STREAMED = java.util.Set.of("application/x-ndjson", "text/csv", "text/html");

  /** The served description, less the streamed media types (the validator refuses to load them). */
  @SuppressWarnings("unchecked")
  private static JsonObject validatable() throws Exception {
    Object yaml = new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(
        java.nio.file.Path.of("src/main/resources/openapi.yaml")));
    JsonObject description = new JsonObject((java.util.Map<String, Object>) yaml);
    for (String path : description.getJsonObject("paths").fieldNames()) {
      JsonObject item = description.getJsonObject("paths").getJsonObject(path);
      for (String method : item.fieldNames()) {
        JsonObject responses = item.getJsonObject(method).getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject content = responses.getJsonObject(status).getJsonObject("content");
          if (content != null) {
            STREAMED.forEach(content::remove);
            if (content.isEmpty()) {
              responses.getJsonObject(status).remove("content");
            }
          }
        }
      }
    }
    return description;
  }

  /** Fails unless the contract allows this status and body for the operation. */
  void check(String operationId, int status, String contentType, String body) {
    try {
      allows(operationId, status, contentType, body).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (AssertionError) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(operationId + " " + status + " " + body + " was not checked: " + e, e);
    }
  }

  /**
   * Completes if the contract allows this status and body for the operation, and fails with an
   * AssertionError if not: for callers on an event loop, which must not wait.
   */
  Future<Void> allows(String operationId, int status, String contentType, String body) {
    // The media type without parameters: the validator knows "application/json", not every spelling of its charset.
    String type = contentType == null ? null : contentType.split(";")[0].trim();
    Promise<Void> allowed = Promise.promise();
    context.runOnContext(v -> {
      // A check that never ends would hold the test to its 30 s timeout without saying where: bounded
      // by a timer of this Vert.x, which is the one that completes it.
      long bound = vertx.setTimer(10_000, t -> allowed.tryFail(new AssertionError(operationId + " " + status + " "
          + body + " was not checked within 10 s")));
      Future<?> validated;
      try {
        validated = validator.validate(ValidatableResponse.create(status, Buffer.buffer(body), type), operationId);
      } catch (RuntimeException e) {
        validated = Future.failedFuture(e);
      }
      validated.onComplete(done -> {
        vertx.cancelTimer(bound);
        if (done.succeeded()) {
          allowed.tryComplete();
        } else {
          allowed.tryFail(new AssertionError(operationId + " " + status + " " + body + " does not match the contract: "
              + done.cause().getMessage(), done.cause()));
        }
      });
    });
    return allowed.future();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
