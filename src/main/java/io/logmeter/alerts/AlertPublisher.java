package io.logmeter.alerts;

import java.util.concurrent.CompletableFuture;

/** Sends one alert (a JSON document) to whoever watches usage: an SNS topic, or a queue locally. */
public interface AlertPublisher {

  /** @param alertId stable per account and threshold, for consumers to recognise a repeat */
  CompletableFuture<Void> publish(String alertId, String alert);
}
