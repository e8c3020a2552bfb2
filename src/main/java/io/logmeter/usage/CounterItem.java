package io.logmeter.usage;

/** One shard of one counter as read from the usage table. */
public record CounterItem(String sortKey, long bytes, long messages) {
}
