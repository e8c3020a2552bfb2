package io.logmeter.api;

import io.logmeter.archive.ArchiveReader;
import io.logmeter.logs.LogIndex;
import io.logmeter.publish.LogPublisher;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageReader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What the HTTP API serves from; none of it is an AWS client, and each store is an interface, so
 * the routes can be tested on fakes of them (the cache is given a fake's totals).
 */
public record ApiServices(UsageReader usage, UsageCache cache, LogIndex logIndex,
    ArchiveReader records, LogPublisher publisher, ApiKeys keys, Readiness readiness, PrometheusMeterRegistry registry) {
}
