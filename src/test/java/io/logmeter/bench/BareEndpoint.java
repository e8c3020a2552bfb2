package io.logmeter.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The baseline of the read benchmark: a bare Vert.x HTTP server answering a constant JSON body of
 * the usage response's size, one verticle per core like logmeter's API. {@code BareEndpoint <port>}
 */
public final class BareEndpoint extends VerticleBase {

  private static final String BODY = new JsonObject().put("accountId", "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f")
      .put("bytes", 123456789L).put("messages", 4321L).put("consistent", false).encode();

  private final int port;

  private BareEndpoint(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("content-type", "application/json").end(BODY))
        .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx.vertx().deployVerticle(() -> new BareEndpoint(port),
        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("bare endpoint ready"));
  }
}
