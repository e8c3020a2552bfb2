package io.logmeter.api;

import io.logmeter.usage.UsageCache;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;

/** In-memory stand-ins for everything the API serves from: the usage counters, the logs and the ingest topic. */
final class Fakes {

  final InMemoryUsage usage = new InMemoryUsage();
  final InMemoryLogs logs = new InMemoryLogs();
  final InMemoryTopic topic = new InMemoryTopic();

  /**
   * The API's services on the fakes. The cache is the real one, loading the fake's totals as the
   * service's loads the store's.
   */
  ApiServices services(Vertx vertx, ApiKeys keys) {
    UsageCache cache = new UsageCache(account -> usage.total(account, false), vertx.getOrCreateContext(),
        Duration.ofMinutes(10), 1_000);
    return new ApiServices(usage, cache, logs, logs, topic, keys, new Readiness(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
