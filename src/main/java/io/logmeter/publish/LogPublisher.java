package io.logmeter.publish;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Publishes log payloads ({@code {"accountId","logData"}} JSON) for ingestion; yields their message ids. */
public interface LogPublisher {

  /** Up to 10 payloads, published together; the ids are in the payloads' order. */
  CompletableFuture<List<String>> publish(List<String> payloads);
}
