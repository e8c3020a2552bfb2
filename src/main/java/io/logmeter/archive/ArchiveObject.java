package io.logmeter.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.logmeter.message.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One NDJSON object of the archive, built in memory before its single PUT. Each line is a JSON
 * record; the byte offset and length of every line are kept so the ledger can point at it.
 */
public final class ArchiveObject {

  private static final JsonFactory JSON = new JsonFactory();

  private final String key;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
  private final List<ArchivedRecord> records = new ArrayList<>();

  public ArchiveObject(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** The accepted records written so far, with their locations in this object. */
  public List<ArchivedRecord> records() {
    return records;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  public int size() {
    return out.size();
  }

  public boolean isEmpty() {
    return out.size() == 0;
  }

  /** Appends an accepted record: {@code messageId, accountId, eventTime, receivedAt, bytes, logData}. */
  public void add(LogRecord record, Instant receivedAt) {
    int offset = out.size();
    writeLine(json -> {
      json.writeStringField("messageId", record.messageId());
      json.writeStringField("accountId", record.accountId());
      json.writeStringField("eventTime", record.eventTime().toString());
      json.writeStringField("receivedAt", receivedAt.toString());
      json.writeNumberField("bytes", record.bytes());
      json.writeStringField("logData", record.logData());
    });
    int length = out.size() - offset - 1;
    records.add(new ArchivedRecord(record, new RecordLocation(key, offset, length)));
  }

  /** Appends a rejected message: the reason and the untouched body, for later inspection or replay. */
  public void addRejected(String sqsMessageId, Instant receivedAt, String reason, String detail, String body) {
    writeLine(json -> {
      json.writeStringField("sqsMessageId", sqsMessageId);
      json.writeStringField("receivedAt", receivedAt.toString());
      json.writeStringField("reason", reason);
      json.writeStringField("detail", detail);
      json.writeStringField("body", body);
    });
  }

  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private void writeLine(Fields fields) {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
  }
}
