package io.logmeter.logs;

import io.logmeter.archive.RecordLocation;
import java.time.Instant;

/** One counted message of an account: when it happened and where its raw record lies. */
public record IndexEntry(String messageId, Instant eventTime, long bytes, RecordLocation location) {
}
