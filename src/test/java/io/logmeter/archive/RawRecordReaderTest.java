package io.logmeter.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Records;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawRecordReaderTest {

  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";

  @Test
  void readsTheRecordsTheArchiveWrites() {
    ArchiveObject object = new ArchiveObject("raw/dt=2026-11-21/hr=10/x.ndjson");
    Instant event = Instant.parse("2026-11-21T10:00:00.123Z");
    object.add(Records.record("m-1").account(ACCOUNT).at(event).logData("héllo wörld").build(),
        Instant.parse("2026-11-21T10:00:01Z"));
    object.add(Records.record("m-2").account(ACCOUNT).at(event).logData("line\nwith \"quotes\" and 🎉").build(),
        event);

    List<RawRecord> records = new ArrayList<>();
    int unreadable = RawRecordReader.read(object.bytes(), records::add);

    assertThat(unreadable).isZero();
    assertThat(records).containsExactly(new RawRecord("m-1", ACCOUNT, event, 13),
        new RawRecord("m-2", ACCOUNT, event, 27));
  }

  @Test
  void eachRecordComesWithTheOffsetAndLengthTheArchiveGaveItsLine() {
    ArchiveObject object = new ArchiveObject("raw/dt=2026-11-21/hr=10/x.ndjson");
    Instant event = Instant.parse("2026-11-21T10:00:00.123Z");
    object.add(Records.record("m-1").account(ACCOUNT).at(event).logData("héllo wörld").build(), event);
    // A line the reader skips: the locations after it still hold.
    object.addRejected("sqs-1", event, "not_json", "body is not JSON", "{{");
    object.add(Records.record("m-2").account(ACCOUNT).at(event).logData("line\nwith \"quotes\" and 🎉").build(),
        event);
    object.add(Records.record("m-3").account(ACCOUNT).at(event).logData("").build(), event);

    List<RecordLocation> read = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int unreadable = RawRecordReader.read(object.bytes(), (record, offset, length) -> {
      ids.add(record.messageId());
      read.add(new RecordLocation(object.key(), offset, length));
    });

    assertThat(unreadable).isEqualTo(1);
    assertThat(ids).containsExactly("m-1", "m-2", "m-3");
    assertThat(read).containsExactlyElementsOf(object.records().stream().map(ArchivedRecord::location).toList());
  }

  @Test
  void countsDamagedLinesAndKeepsTheRest() {
    String text = String.join("\n",
        "{\"messageId\":\"a\",\"accountId\":\"" + ACCOUNT + "\",\"eventTime\":\"2026-11-21T10:00:00Z\",\"bytes\":3,"
            + "\"logData\":\"abc\"}",
        "{\"messageId\":\"b\",\"accountId\":\"" + ACCOUNT + "\",\"eventTime\":\"2026-11-2",
        "{\"messageId\":\"c\",\"accountId\":\"" + ACCOUNT + "\",\"bytes\":1}",
        "{\"messageId\":\"d\",\"accountId\":\"" + ACCOUNT + "\",\"eventTime\":\"yesterday\",\"bytes\":1}",
        "{\"messageId\":\"e\",\"accountId\":\"" + ACCOUNT + "\",\"eventTime\":\"2026-11-21T10:00:00Z\",\"bytes\":\"1\"}",
        "[1,2]",
        "{\"messageId\":\"f\",\"accountId\":\"" + ACCOUNT + "\",\"eventTime\":\"2026-11-21T11:00:00Z\",\"bytes\":4,"
            + "\"logData\":{\"nested\":[1,{\"x\":\"y\"}]}}",
        "");
    List<RawRecord> records = new ArrayList<>();

    int unreadable = RawRecordReader.read(text.getBytes(StandardCharsets.UTF_8), records::add);

    assertThat(unreadable).isEqualTo(5);
    assertThat(records).extracting(RawRecord::messageId).containsExactly("a", "f");
  }

  @Test
  void billsTheUtcDayOfTheEventTime() {
    RawRecord late = new RawRecord("m", ACCOUNT, Instant.parse("2026-11-21T23:59:59.999Z"), 1);
    RawRecord early = new RawRecord("m", ACCOUNT, Instant.parse("2026-11-22T00:00:00Z"), 1);

    assertThat(late.day()).hasToString("2026-11-21");
    assertThat(early.day()).hasToString("2026-11-22");
  }
}
