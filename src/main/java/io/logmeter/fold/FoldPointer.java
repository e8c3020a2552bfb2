package io.logmeter.fold;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What a flush tells the fold: the archive object holding its accepted records, how many, and when
 * it was archived. One message of the fold queue; it carries no money (folding an object twice
 * counts nothing twice), only the way to the records.
 */
public record FoldPointer(String objectKey, int records, Instant archivedAt) {

  public String encode() {
    return new JsonObject().put("object", objectKey).put("records", records)
        .put("archivedAt", archivedAt.toEpochMilli()).encode();
  }

  /** The pointer in a fold queue message; IllegalArgumentException when it is not one. */
  public static FoldPointer decode(String body) {
    try {
      JsonObject json = new JsonObject(body);
      String key = json.getString("object");
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("no object");
      }
      return new FoldPointer(key, json.getInteger("records", 0), Instant.ofEpochMilli(json.getLong("archivedAt", 0L)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a fold pointer: " + e.getMessage(), e);
    }
  }
}
