package io.logmeter.archive;

/** Where one raw record lies in the archive: read it back with a ranged GET of {@code length} bytes. */
public record RecordLocation(String objectKey, long offset, int length) {
}
