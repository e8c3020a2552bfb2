package io.logmeter.api;

import io.logmeter.archive.RawRecords;
import io.logmeter.logs.LogPages;
import io.logmeter.publish.LogPublisher;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What the HTTP API serves from; none of it is an AWS client. */
public record ApiServices(UsageStore usage, UsageCache cache, LogPages logPages,
    RawRecords records, LogPublisher publisher, ApiKeys keys, Readiness readiness, PrometheusMeterRegistry registry) {
}
