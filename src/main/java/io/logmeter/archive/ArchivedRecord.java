package io.logmeter.archive;

import io.logmeter.message.LogRecord;

/** A log record whose raw copy is durable in the archive. */
public record ArchivedRecord(LogRecord record, RecordLocation location) {
}
