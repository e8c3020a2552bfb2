package io.logmeter.faults;

import io.logmeter.TestStack;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An HTTP relay in front of an emulator: each request, with its body read, goes to a handler that
 * answers it itself (a fault) or {@link #forward}s it untouched.
 */
public final class HttpRelay implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient upstream;
  private final HttpServer server;

  public HttpRelay(String target, BiConsumer<HttpServerRequest, Buffer> handler) throws Exception {
    URI uri = URI.create(target);
    upstream = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort()), new PoolOptions().setHttp1MaxSize(64));
    server = vertx.createHttpServer(new HttpServerOptions().setHandle100ContinueAutomatically(true))
        .requestHandler(request -> request.body().onSuccess(body -> handler.accept(request, body)));
    server.listen(TestStack.freePort(), "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Passes the request on; with {@code loseReply}, lets it take effect and then drops the connection. */
  public void forward(HttpServerRequest request, Buffer body, boolean loseReply) {
    forward(request, body, loseReply, (status, reply) -> io.vertx.core.Future.succeededFuture());
  }

  /**
   * Passes the request on and tells {@code replied} the status and body of the reply; the reply is
   * sent once the future {@code replied} returns completes.
   */
  public void forward(HttpServerRequest request, Buffer body, boolean loseReply,
      java.util.function.BiFunction<Integer, Buffer, io.vertx.core.Future<?>> replied) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers()).remove("Expect");
    upstream.request(new RequestOptions().setMethod(request.method()).setURI(request.uri()).setHeaders(headers))
        .compose(out -> out.send(body))
        .compose(in -> in.body().map(reply -> Map.entry(in, reply)))
        .compose(reply -> replied.apply(reply.getKey().statusCode(), reply.getValue()).transform(x ->
            io.vertx.core.Future.succeededFuture(reply)))
        .onSuccess(reply -> {
          if (loseReply) {
            request.connection().close();
            return;
          }
          var response = request.response().setStatusCode(reply.getKey().statusCode());
          reply.getKey().headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                && !name.equalsIgnoreCase("connection")) {
              response.headers().add(name, value);
            }
          });
          response.end(reply.getValue());
        })
        .onFailure(failure -> request.connection().close());
  }

  /** A request of the relay's own, with {@code like}'s headers (the emulators check no signature). */
  public io.vertx.core.Future<Buffer> send(HttpServerRequest like, Buffer body, Map<String, String> headers) {
    return exchange(like, body, headers).map(Map.Entry::getValue);
  }

  /** As {@link #send}, with the reply's status. */
  public io.vertx.core.Future<Map.Entry<Integer, Buffer>> exchange(HttpServerRequest like, Buffer body,
      Map<String, String> headers) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap().addAll(like.headers()).remove("Expect")
        .remove("Content-Length");
    headers.forEach(all::set);
    return upstream.request(new RequestOptions().setMethod(like.method()).setURI(like.uri()).setHeaders(all))
        .compose(out -> out.send(body))
        .compose(in -> in.body().map(reply -> Map.entry(in.statusCode(), reply)));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
