package io.logmeter.publish;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Publishes log payloads ({@code {"accountId","logData"}} JSON) for ingestion; yields their message ids. */
public interface LogPublisher {

  /**
   * Up to 10 payloads, published together. The ids are in the payloads' order, null for a payload
   * that was not accepted (the others were: retrying them would count them twice).
   */
  CompletableFuture<List<String>> publish(List<String> payloads);
}
