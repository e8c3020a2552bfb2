package io.logmeter.api;

import io.logmeter.archive.ArchiveReader;
import io.logmeter.archive.RecordLocation;
import io.logmeter.logs.IndexEntry;
import io.logmeter.logs.LogIndex;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counted records in memory: the index lists each account's in the order they were added, the
 * archive holds their lines. A listing's cursor is the fake's own: {@link #CURSOR_HOUR}, page 1,
 * and the number of the account's records listed so far.
 */
final class InMemoryLogs implements LogIndex, ArchiveReader {

  static final String CURSOR_HOUR = "2026-11-21T10";

  final Faults index = new Faults();
  final Faults archive = new Faults();
  /** The cursor each listing was asked to go on from (null for the first page), and the hour each search was told. */
  final List<Optional<Cursor>> cursorsGiven = new CopyOnWriteArrayList<>();
  final List<Optional<Instant>> hoursGiven = new CopyOnWriteArrayList<>();
  private final Map<String, List<IndexEntry>> entries = new HashMap<>();
  private final Map<RecordLocation, String> lines = new HashMap<>();

  /** Archives and counts a record of the account; the newest first, so add them newest first. */
  synchronized JsonObject add(String accountId, String messageId, String eventTime, String logData) {
    JsonObject record = new JsonObject().put("messageId", messageId).put("accountId", accountId)
        .put("eventTime", eventTime).put("receivedAt", eventTime)
        .put("bytes", logData.getBytes(StandardCharsets.UTF_8).length).put("logData", logData);
    String line = record.encode();
    RecordLocation location = new RecordLocation("raw/" + messageId + ".ndjson", 7 * lines.size(), line.length());
    lines.put(location, line);
    entries.computeIfAbsent(accountId, a -> new ArrayList<>())
        .add(new IndexEntry(messageId, Instant.parse(eventTime), record.getLong("bytes"), location));
    return record;
  }

  /** Replaces the archived lines of the account's records with bytes that are not JSON. */
  synchronized void damage(String accountId) {
    entriesOf(accountId).forEach(entry -> lines.put(entry.location(), "{\"messageId\": tru"));
  }

  @Override
  public CompletableFuture<Listing> recent(String accountId, int limit, Cursor from) {
    cursorsGiven.add(Optional.ofNullable(from));
    return index.answer(() -> {
      List<IndexEntry> all = entriesOf(accountId);
      int start = from == null ? 0 : Math.min(from.listed(), all.size());
      int end = Math.min(all.size(), start + limit);
      return new Listing(List.copyOf(all.subList(start, end)), end < all.size() ? new Cursor(CURSOR_HOUR, 1, end) : null);
    });
  }

  @Override
  public CompletableFuture<Optional<IndexEntry>> find(String accountId, String messageId, Instant eventTime) {
    hoursGiven.add(Optional.ofNullable(eventTime));
    return index.answer(() -> entriesOf(accountId).stream()
        .filter(e -> e.messageId().equals(messageId))
        .filter(e -> eventTime == null
            || e.eventTime().truncatedTo(ChronoUnit.HOURS).equals(eventTime.truncatedTo(ChronoUnit.HOURS)))
        .findFirst());
  }

  @Override
  public CompletableFuture<String> read(RecordLocation at) {
    return archive.answer(() -> {
      synchronized (this) {
        return lines.get(at);
      }
    });
  }

  private synchronized List<IndexEntry> entriesOf(String accountId) {
    return List.copyOf(entries.getOrDefault(accountId, List.of()));
  }
}
