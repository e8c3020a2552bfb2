package io.logmeter.faults;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay in front of S3 that, for a while, answers every PUT {@code 403 AccessDenied}, as S3 does
 * when a role's policy, a bucket policy or a KMS key grant stops allowing the write.
 */
final class S3Denial implements AutoCloseable {

  private static final String ACCESS_DENIED = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>0</RequestId></Error>";

  private final HttpRelay relay;
  private volatile long deniedUntilNanos = System.nanoTime();
  final AtomicLong denied = new AtomicLong();

  S3Denial(String target) throws Exception {
    relay = new HttpRelay(target, this::handle);
  }

  void denyPutsFor(Duration window) {
    deniedUntilNanos = System.nanoTime() + window.toNanos();
  }

  String endpoint() {
    return relay.endpoint();
  }

  private void handle(HttpServerRequest request, Buffer body) {
    if (request.method() == HttpMethod.PUT && System.nanoTime() - deniedUntilNanos < 0) {
      denied.incrementAndGet();
      request.response().setStatusCode(403).putHeader("Content-Type", "application/xml").end(ACCESS_DENIED);
      return;
    }
    relay.forward(request, body, false);
  }

  @Override
  public void close() throws Exception {
    relay.close();
  }
}
