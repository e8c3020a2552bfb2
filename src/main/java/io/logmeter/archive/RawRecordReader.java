package io.logmeter.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/**
 * Reads the records of one NDJSON archive object. Each line is parsed on its own, so one damaged
 * line is counted as unreadable without losing the rest; {@code logData} is skipped undecoded.
 */
public final class RawRecordReader {

  private static final JsonFactory JSON = new JsonFactory();

  private RawRecordReader() {
  }

  /** Takes a record with where its line lies in the object. */
  public interface LocatedSink {
    /**
     * @param offset of the line's first byte
     * @param length of the line without its newline: a {@link RecordLocation}'s, as {@link ArchiveObject} writes it
     */
    void accept(RawRecord record, long offset, int length);
  }

  /** Hands every readable record to {@code sink}; returns the number of non-empty lines that were not. */
  public static int read(byte[] object, Consumer<RawRecord> sink) {
    return read(object, (record, offset, length) -> sink.accept(record));
  }

  /** As {@link #read(byte[], Consumer)}, each record with its line's offset and length in the object. */
  public static int read(byte[] object, LocatedSink sink) {
    int unreadable = 0;
    int start = 0;
    while (start < object.length) {
      int end = start;
      while (end < object.length && object[end] != '\n') {
        end++;
      }
      if (end > start) {
        RawRecord record = parseLine(object, start, end - start);
        if (record == null) {
          unreadable++;
        } else {
          sink.accept(record, start, end - start);
        }
      }
      start = end + 1;
    }
    return unreadable;
  }

  /** The record on one line, or null when a field billing needs is missing or malformed. */
  static RawRecord parseLine(byte[] bytes, int offset, int length) {
    String messageId = null;
    String accountId = null;
    String eventTime = null;
    long size = -1;
    try (JsonParser json = JSON.createParser(bytes, offset, length)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "messageId" -> messageId = value == JsonToken.VALUE_STRING ? json.getText() : null;
          case "accountId" -> accountId = value == JsonToken.VALUE_STRING ? json.getText() : null;
          case "eventTime" -> eventTime = value == JsonToken.VALUE_STRING ? json.getText() : null;
          case "bytes" -> size = value == JsonToken.VALUE_NUMBER_INT ? json.getLongValue() : -1;
          default -> json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || messageId == null || accountId == null
          || eventTime == null || size < 0) {
        return null;
      }
      return new RawRecord(messageId, accountId, Instant.parse(eventTime), size);
    } catch (IOException | DateTimeParseException e) {
      return null;
    }
  }
}
