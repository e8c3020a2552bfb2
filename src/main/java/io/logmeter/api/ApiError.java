package io.logmeter.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A request that cannot be answered as asked: sent as {@code {"error": code, "message": …}}. */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static void send(RoutingContext ctx, int status, String code, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", code).put("message", message).encode());
  }

  public static void send(RoutingContext ctx, ApiError error) {
    send(ctx, error.status, error.code, error.getMessage());
  }
}
