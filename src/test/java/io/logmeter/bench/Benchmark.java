package io.logmeter.bench;

import io.logmeter.TestStack;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Performance in one command and one report: starts {@code java -jar target/logmeter.jar emulators}
 * and the service as separate processes, runs the write cost ({@link CostRun}), ingest ({@link IngestRun}), read ({@link ReadRun})
 * and latency ({@link LatencyRun}) parts against them, checks the figures against the targets, and
 * writes target/bench/report.md and report.json. A missed target is reported, not failed: the
 * figures depend on the machine, the verdicts are for the reader.
 *
 * <p>{@code mvn -q -DskipTests package && mvn -q test -Dtest=Benchmark -Dlogmeter.benchmark=true}
 * ({@code -Dlogmeter.benchmark.parts=cost,ingest,read,latency} chooses the parts). The fleet cost
 * of both ledgers ({@link FleetCostRun}) runs only when asked for ({@code parts=fleet}): it takes
 * about half an hour.
 */
@EnabledIfSystemProperty(named = "logmeter.benchmark", matches = "true")
class Benchmark {

  private static final String PARTS = System.getProperty("logmeter.benchmark.parts", "cost,ingest,read,latency");

  /** One target: what it is, the figure measured, and whether it holds. */
  record Verdict(String section, String measure, Object value, String target, boolean met) {
  }

  @Test
  void run() throws Exception {
    Set<String> parts = Set.of(PARTS.split(","));
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("date", LocalDate.now(ZoneOffset.UTC).toString());
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    sections.put("machine", machine);
    EmbeddedProcess.Ports ports = new EmbeddedProcess.Ports(TestStack.freePort(), TestStack.freePort(),
        TestStack.freePort());
    try (EmbeddedProcess emulators = EmbeddedProcess.emulators(ports)) {
      if (parts.contains("cost")) {
        sections.put("write cost", CostRun.run(ports));
      }
      if (parts.contains("ingest")) {
        sections.putAll(IngestRun.run(ports, emulators));
      }
      if (parts.contains("read")) {
        sections.put("reads", ReadRun.run(ports));
      }
      if (parts.contains("latency")) {
        sections.put("publish to visible", LatencyRun.run(ports));
      }
      if (parts.contains("fleet")) {
        sections.put("fleet cost", FleetCostRun.run(ports));
      }
    }
    write(sections, verdicts(sections));
  }

  @SuppressWarnings("unchecked")
  static List<Verdict> verdicts(Map<String, Map<String, Object>> sections) {
    List<Verdict> verdicts = new ArrayList<>();
    sections.forEach((name, section) -> {
      if (name.startsWith("ingest, logmeter")) {
        Map<?, ?> requests = (Map<?, ?>) section.get("awsRequestsPer1000Messages");
        atLeast(verdicts, name, "ingest / SQS drain limit", section.get("ratioToDrain"), 0.35);
        atLeast(verdicts, name, "ingest / per-message baseline", section.get("ratioToBaseline"), 10);
        atMost(verdicts, name, "SQS requests per 1,000 messages", round(sum(requests, "sqs ")), 220);
        atMost(verdicts, name, "S3 PutObject per 1,000 messages", requests.get("s3 PutObject"), 2);
        atMost(verdicts, name, "service CPU µs per message", section.get("serviceCpuMicrosPerMessage"), 25);
      }
    });
    Map<String, Object> cost = sections.get("write cost");
    if (cost != null) {
      cost.forEach((mix, designs) -> {
        Object units = ((Map<?, ?>) ((Map<?, ?>) designs).get("pages")).get("writeUnitsPerMessage");
        if (mix.startsWith("zipf:")) {
          atMost(verdicts, "write cost", "write units per message, Zipf at load", units, 1.0);
          atMost(verdicts, "write cost", "write units per message, Zipf at load (stretch)", units, 0.3);
        }
      });
    }
    Map<String, Object> fleet = sections.get("fleet cost");
    if (fleet != null) {
      for (Map<?, ?> row : (List<Map<?, ?>>) fleet.get("cases")) {
        if (row.get("ledger").equals("fold")) {
          if (FleetCostRun.FOLD_UNIT_TARGET_CASES.contains(row.get("case"))) {
            atMost(verdicts, "fleet cost", "fold write units per message, " + row.get("case"),
                row.get(FleetCostRun.WRITE_UNITS), 0.1);
          }
          atMost(verdicts, "fleet cost", "fold metering $ per million messages, " + row.get("case"),
              row.get(FleetCostRun.METERING_DOLLARS), 0.08);
        }
      }
      for (Map<?, ?> ratio : (List<Map<?, ?>>) fleet.get("3 instances against 1")) {
        if (ratio.get("ledger").equals("fold")) {
          atMost(verdicts, "fleet cost", "fold metering requests, 3 instances / 1, " + ratio.get("traffic"),
              ratio.get("ratio"), 1.2);
        }
      }
    }
    Map<String, Object> reads = sections.get("reads");
    if (reads != null) {
      atLeast(verdicts, "reads", "cached GET / bare endpoint", reads.get("ratioToBare"), 0.8);
      atMost(verdicts, "reads", "cached GET p99 ms", reads.get("usageP99Ms"), 2);
      atMost(verdicts, "reads", "heap bytes per cached account", reads.get("heapBytesPerCachedAccount"), 200);
    }
    return verdicts;
  }

  private static double sum(Map<?, ?> requests, String prefix) {
    double sum = 0;
    for (Map.Entry<?, ?> e : requests.entrySet()) {
      if (e.getKey().toString().toLowerCase(Locale.ROOT).startsWith(prefix)) {
        sum += ((Number) e.getValue()).doubleValue();
      }
    }
    return sum;
  }

  private static void atLeast(List<Verdict> verdicts, String section, String measure, Object value, double target) {
    double v = value == null ? 0 : ((Number) value).doubleValue();
    verdicts.add(new Verdict(section, measure, value == null ? 0 : value, "≥ " + format(target), v >= target));
  }

  private static void atMost(List<Verdict> verdicts, String section, String measure, Object value, double target) {
    double v = value == null ? 0 : ((Number) value).doubleValue();
    verdicts.add(new Verdict(section, measure, value == null ? 0 : value, "≤ " + format(target), v <= target));
  }

  private static String format(double target) {
    return target == Math.rint(target) ? Long.toString((long) target) : Double.toString(target);
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  @SuppressWarnings("unchecked")
  private static void write(Map<String, Map<String, Object>> sections, List<Verdict> verdicts) throws Exception {
    Path dir = Path.of("target", "bench");
    Files.createDirectories(dir);
    JsonObject json = new JsonObject();
    sections.forEach((name, section) -> json.put(name, new JsonObject(section)));
    List<Object> targets = new ArrayList<>();
    for (Verdict v : verdicts) {
      targets.add(new JsonObject().put("section", v.section()).put("measure", v.measure()).put("value", v.value())
          .put("target", v.target()).put("met", v.met()));
    }
    json.put("targets", targets);
    Files.writeString(dir.resolve("report.json"), json.encodePrettily());

    StringBuilder md = new StringBuilder("# logmeter benchmark\n");
    sections.forEach((name, section) -> {
      md.append("\n## ").append(name).append("\n\n| measure | value |\n|---|---|\n");
      // Rows (a list of maps) become a table of their own, and maps of maps a table per entry, after the section's own.
      Map<String, List<Map<?, ?>>> tables = new LinkedHashMap<>();
      Map<String, Map<?, ?>> groups = new LinkedHashMap<>();
      section.forEach((key, value) -> {
        if (value instanceof List<?> rows && !rows.isEmpty() && rows.get(0) instanceof Map<?, ?>) {
          tables.put(key, (List<Map<?, ?>>) rows);
        } else if (value instanceof Map<?, ?> group && !group.isEmpty()
            && group.values().stream().allMatch(v -> v instanceof Map<?, ?>)) {
          groups.put(key, group);
        } else {
          md.append("| ").append(key).append(" | ").append(value).append(" |\n");
        }
      });
      tables.forEach((key, rows) -> table(md.append("\n### ").append(key).append("\n\n"), rows));
      groups.forEach((key, group) -> {
        md.append("\n### ").append(key).append('\n');
        group.forEach((entry, values) -> {
          md.append("\n#### ").append(entry).append("\n\n| measure | value |\n|---|---|\n");
          ((Map<?, ?>) values).forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        });
      });
    });
    md.append("\n## targets\n\n| section | measure | value | target | met |\n|---|---|---|---|---|\n");
    for (Verdict v : verdicts) {
      md.append("| ").append(v.section()).append(" | ").append(v.measure()).append(" | ").append(v.value())
          .append(" | ").append(v.target()).append(" | ").append(v.met() ? "yes" : "**no**").append(" |\n");
    }
    Files.writeString(dir.resolve("report.md"), md.toString());
    System.out.println(md);
  }

  /** A list of rows with the same keys, as a markdown table with a column per key. */
  private static void table(StringBuilder md, List<Map<?, ?>> rows) {
    md.append("| ").append(String.join(" | ", rows.get(0).keySet().stream().map(String::valueOf).toList()))
        .append(" |\n|").append("---|".repeat(rows.get(0).size())).append('\n');
    for (Map<?, ?> row : rows) {
      md.append("| ").append(String.join(" | ", row.values().stream().map(String::valueOf).toList())).append(" |\n");
    }
  }
}
