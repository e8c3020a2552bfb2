package io.logmeter.bench;

import io.logmeter.faults.HttpRelay;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A meter in front of DynamoDB that bills every request the way AWS bills an on-demand table,
 * from the requests and replies themselves, whatever the emulator reports:
 * <ul>
 *   <li>a write: 1 write unit per KB of item, rounded up; for an update the larger of the item
 *       before and after (both read by the meter, strongly consistent, around the request);</li>
 *   <li>a write that fails its condition: billed all the same (the larger of the item sent and
 *       the item found for a put, the item found for an update, at least 1);</li>
 *   <li>a batch write: each item written, those left unprocessed not;</li>
 *   <li>a read: 1 read unit per 4 KB of the items returned in one request, rounded up, half that
 *       when eventually consistent.</li>
 * </ul>
 * Item sizes follow AWS's rules: attribute names plus values (strings in UTF-8, numbers one byte
 * per two significant digits plus one, maps and lists 3 bytes plus 1 per element).
 */
public final class WriteMeter implements AutoCloseable {

  private static final String PREFIX = "DynamoDB_20120810.";

  private final HttpRelay relay;
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder> writeUnits = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder> readUnits = new ConcurrentHashMap<>();
  private final LongAdder failedConditions = new LongAdder();

  public WriteMeter(String dynamodbEndpoint) throws Exception {
    relay = new HttpRelay(dynamodbEndpoint, this::handle);
  }

  public String endpoint() {
    return relay.endpoint();
  }

  /** What was billed so far, by operation. */
  public record Bill(Map<String, Long> requests, Map<String, Double> writeUnits, Map<String, Double> readUnits,
      long failedConditions) {

    public double totalWriteUnits() {
      return writeUnits.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public double totalReadUnits() {
      return readUnits.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public long writeRequests() {
      long sum = 0;
      for (Map.Entry<String, Long> e : requests.entrySet()) {
        if (writeUnits.containsKey(e.getKey())) {
          sum += e.getValue();
        }
      }
      return sum;
    }

    /** Requests billed units: the data plane (reads and writes), not the tables' creation and description. */
    public long billedRequests() {
      long sum = 0;
      for (Map.Entry<String, Long> e : requests.entrySet()) {
        if (writeUnits.containsKey(e.getKey()) || readUnits.containsKey(e.getKey())) {
          sum += e.getValue();
        }
      }
      return sum;
    }

    public long totalRequests() {
      return requests.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public Bill bill() {
    Map<String, Long> r = new TreeMap<>();
    requests.forEach((op, n) -> r.put(op, n.sum()));
    Map<String, Double> w = new TreeMap<>();
    writeUnits.forEach((op, n) -> w.put(op, n.sum()));
    Map<String, Double> rd = new TreeMap<>();
    readUnits.forEach((op, n) -> rd.put(op, n.sum()));
    return new Bill(r, w, rd, failedConditions.sum());
  }

  public void reset() {
    requests.clear();
    writeUnits.clear();
    readUnits.clear();
    failedConditions.reset();
  }

  private void handle(HttpServerRequest request, Buffer body) {
    String target = request.getHeader("X-Amz-Target");
    String op = target == null ? "?" : target.substring(target.indexOf('.') + 1);
    requests.computeIfAbsent(op, k -> new LongAdder()).increment();
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (RuntimeException e) {
      relay.forward(request, body, false);
      return;
    }
    switch (op) {
      case "PutItem" -> relay.forward(request, body, false, (status, reply) -> {
        int sent = size(json.getJsonObject("Item"));
        if (status == 200) {
          write(op, units(sent, 1024));
          return Future.succeededFuture();
        }
        if (!reply.toString().contains("ConditionalCheckFailed")) {
          return Future.succeededFuture(); // refused before it was applied: not billed
        }
        failedConditions.increment();
        return sizeOf(request, json.getString("TableName"), key(json.getJsonObject("Item")))
            .map(found -> {
              write(op, units(Math.max(sent, found), 1024));
              return null;
            });
      });
      case "UpdateItem", "DeleteItem" -> sizeOf(request, json.getString("TableName"), json.getJsonObject("Key"))
          .onComplete(before -> relay.forward(request, body, false, (status, reply) -> {
            int was = before.succeeded() ? before.result() : 0;
            if (status != 200) {
              if (reply.toString().contains("ConditionalCheckFailed")) {
                failedConditions.increment();
                write(op, units(was, 1024));
              }
              return Future.succeededFuture();
            }
            if (op.equals("DeleteItem")) {
              write(op, units(was, 1024));
              return Future.succeededFuture();
            }
            return sizeOf(request, json.getString("TableName"), json.getJsonObject("Key")).map(after -> {
              write(op, units(Math.max(was, after), 1024));
              if (was == 0 && createsIndexEntry(json)) {
                // The usage table's by-month index (keys only): its entry is written when the day item
                // is created; an entry is far below 1 KB. The meter's tables carry no index, AWS's do.
                write("index by-month", 1);
              }
              return null;
            });
          }));
      case "BatchWriteItem" -> relay.forward(request, body, false, (status, reply) -> {
        if (status != 200) {
          return Future.succeededFuture();
        }
        JsonObject unprocessed = new JsonObject(reply).getJsonObject("UnprocessedItems", new JsonObject());
        double units = 0;
        for (String table : json.getJsonObject("RequestItems").fieldNames()) {
          List<String> left = new ArrayList<>();
          for (Object w : unprocessed.getJsonArray(table, new JsonArray())) {
            left.add(((JsonObject) w).encode());
          }
          for (Object w : json.getJsonObject("RequestItems").getJsonArray(table)) {
            JsonObject write = (JsonObject) w;
            if (left.remove(write.encode())) {
              continue;
            }
            JsonObject put = write.getJsonObject("PutRequest");
            units += put == null ? 1 : units(size(put.getJsonObject("Item")), 1024);
          }
        }
        write(op, units);
        return Future.succeededFuture();
      });
      case "GetItem", "Query", "Scan" -> relay.forward(request, body, false, (status, reply) -> {
        if (status == 200) {
          JsonObject r = new JsonObject(reply);
          int bytes = 0;
          if (r.containsKey("Item")) {
            bytes = size(r.getJsonObject("Item"));
          }
          for (Object item : r.getJsonArray("Items", new JsonArray())) {
            bytes += size((JsonObject) item);
          }
          read(op, units(bytes, 4096) * (json.getBoolean("ConsistentRead", false) ? 1 : 0.5));
        }
        return Future.succeededFuture();
      });
      default -> relay.forward(request, body, false);
    }
  }

  /** The size of the item under {@code key} now, 0 if there is none; read strongly consistent. */
  private Future<Integer> sizeOf(HttpServerRequest like, String table, JsonObject key) {
    JsonObject get = new JsonObject().put("TableName", table).put("Key", key).put("ConsistentRead", true);
    return relay.send(like, get.toBuffer(), Map.of("X-Amz-Target", PREFIX + "GetItem"))
        .map(reply -> {
          JsonObject item = new JsonObject(reply).getJsonObject("Item");
          return item == null ? 0 : size(item);
        });
  }

  /** The key attributes of a put's item: the usage and ledger tables are keyed by pk and sk. */
  private static JsonObject key(JsonObject item) {
    JsonObject key = new JsonObject();
    for (String name : List.of("pk", "sk", "id")) {
      if (item.containsKey(name)) {
        key.put(name, item.getValue(name));
      }
    }
    return key;
  }

  /** An update that sets the attribute the usage table's by-month index is keyed by. */
  private static boolean createsIndexEntry(JsonObject update) {
    JsonObject names = update.getJsonObject("ExpressionAttributeNames");
    return names != null && names.getMap().containsValue(io.logmeter.ledger.CounterKeys.MONTH);
  }

  private void write(String op, double units) {
    writeUnits.computeIfAbsent(op, k -> new DoubleAdder()).add(units);
  }

  private void read(String op, double units) {
    readUnits.computeIfAbsent(op, k -> new DoubleAdder()).add(units);
  }

  /** Units of {@code per} bytes, rounded up, at least one. */
  static double units(int bytes, int per) {
    return Math.max(1, (bytes + per - 1) / per);
  }

  /** An item's size by AWS's rules. */
  static int size(JsonObject item) {
    int size = 0;
    for (Map.Entry<String, Object> attribute : item) {
      size += utf8(attribute.getKey()) + valueSize((JsonObject) attribute.getValue());
    }
    return size;
  }

  private static int valueSize(JsonObject value) {
    Map.Entry<String, Object> typed = value.iterator().next();
    Object v = typed.getValue();
    return switch (typed.getKey()) {
      case "S" -> utf8((String) v);
      case "N" -> numberSize((String) v);
      case "B" -> Base64.getDecoder().decode((String) v).length;
      case "BOOL", "NULL" -> 1;
      case "SS" -> sum((JsonArray) v, s -> utf8((String) s));
      case "NS" -> sum((JsonArray) v, n -> numberSize((String) n));
      case "BS" -> sum((JsonArray) v, b -> Base64.getDecoder().decode((String) b).length);
      case "M" -> {
        int size = 3;
        for (Map.Entry<String, Object> e : (JsonObject) v) {
          size += utf8(e.getKey()) + valueSize((JsonObject) e.getValue()) + 1;
        }
        yield size;
      }
      case "L" -> 3 + sum((JsonArray) v, e -> valueSize((JsonObject) e) + 1);
      default -> throw new IllegalArgumentException("attribute type " + typed.getKey());
    };
  }

  private static int sum(JsonArray values, java.util.function.ToIntFunction<Object> size) {
    int sum = 0;
    for (Object v : values) {
      sum += size.applyAsInt(v);
    }
    return sum;
  }

  /** One byte per two significant digits, plus one. */
  static int numberSize(String number) {
    String digits = new BigDecimal(number).abs().stripTrailingZeros().unscaledValue().toString();
    return (digits.length() + 1) / 2 + 1;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public void close() throws Exception {
    relay.close();
  }
}
