package io.logmeter.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logmeter.Records;
import io.logmeter.message.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveObjectTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant RECEIVED = Instant.parse("2026-11-21T10:15:30.123Z");

  @Test
  void everyRecordCanBeReadBackFromItsOffsetAndLength() throws Exception {
    ArchiveObject object = new ArchiveObject("raw/k");
    List<LogRecord> added = List.of(Records.record("m1").account("a").logData("héllo wörld").build(),
        Records.record("m2").account("b").logData("日本語🎉\n\"q\"").build());
    added.forEach(r -> object.add(r, RECEIVED));
    byte[] bytes = object.bytes();

    // The records, in the order added: the loop below then checks each of them, not whatever came out.
    assertThat(object.records()).extracting(ArchivedRecord::record).containsExactlyElementsOf(added);
    for (ArchivedRecord archived : object.records()) {
      RecordLocation at = archived.location();
      byte[] line = Arrays.copyOfRange(bytes, (int) at.offset(), (int) at.offset() + at.length());
      JsonNode record = JSON.readTree(new String(line, StandardCharsets.UTF_8));
      assertThat(at.objectKey()).isEqualTo("raw/k");
      assertThat(record.get("messageId").asText()).isEqualTo(archived.record().messageId());
      assertThat(record.get("logData").asText()).isEqualTo(archived.record().logData());
      assertThat(record.get("bytes").asLong()).isEqualTo(archived.record().bytes());
      assertThat(record.get("receivedAt").asText()).isEqualTo("2026-11-21T10:15:30.123Z");
    }
    assertThat(new String(bytes, StandardCharsets.UTF_8).split("\n")).hasSize(2);
  }

  @Test
  void rejectedRecordsKeepTheUntouchedBodyAndReason() throws Exception {
    ArchiveObject object = new ArchiveObject("rejected/k");
    object.addRejected("sqs-1", RECEIVED, "not_json", "body is not JSON", "{{not json\n");

    JsonNode line = JSON.readTree(object.bytes());

    assertThat(line.get("body").asText()).isEqualTo("{{not json\n");
    assertThat(line.get("reason").asText()).isEqualTo("not_json");
    assertThat(object.records()).isEmpty();
  }

  @Test
  void keysArePartitionedByReceiveTimeForAthena() {
    assertThat(ArchiveKeys.key(ArchiveKeys.RAW, RECEIVED, "i-0abc", 7))
        .isEqualTo("raw/dt=2026-11-21/hr=10/20261121T101530123Z-i-0abc-000007.ndjson");
    assertThat(ArchiveKeys.key(ArchiveKeys.REJECTED, RECEIVED, "x", 1)).startsWith("rejected/dt=2026-11-21/hr=10/");
  }
}
