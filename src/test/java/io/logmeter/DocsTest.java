package io.logmeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the docs promise operators and clients, held against what the service does: the metrics of
 * docs/operations.md against a running service's /metrics, the error codes and scopes of
 * docs/api.md against the OpenAPI description and the code.
 */
class DocsTest {

  /**
   * Series that only a fault creates (a failed AWS call, another writer first). For these the test
   * checks that the code registers the name; every other documented series must be in the scrape.
   */
  private static final Set<String> ONLY_AFTER_A_FAULT = Set.of("logmeter_aws_errors_total",
      "logmeter_ledger_conflicts_total");

  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern LABEL_EXAMPLE = Pattern.compile("\\{([a-z_]+=\"[^\"]*\"(?:,[a-z_]+=\"[^\"]*\")*)}");

  @AfterEach
  void stop() throws Exception {
    TestStack.shared().stopServices();
  }

  /** The fold's metrics, exposed only with {@code ledger=fold}: checked by the test after this one. */
  private static final String FOLD = "logmeter_fold_";

  @Test
  void theFoldsMetricsAreExposedWithTheFoldAndEachIsDocumented() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port).put("ledger", "fold").put("foldQueueName", names.queue() + "-fold")
        .put("foldPeriodMillis", 200));
    stack.sendAll(names.queueUrl(stack), List.of(Messages.raw(UUID.randomUUID().toString(), "one")));
    TestStack.await(Duration.ofSeconds(30), "a period published", () ->
        stack.metricIfUp(port, "logmeter_fold_periods_total") >= 1);
    String scrape = stack.get(port, "/metrics").body();
    Set<String> documented = metricRows().keySet().stream().filter(first -> first.startsWith(FOLD))
        .map(first -> first.contains("{") ? first.substring(0, first.indexOf('{')) : first)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> exposed = scrape.lines().filter(line -> line.startsWith("# TYPE " + FOLD))
        .map(line -> line.split(" ")[2]).collect(Collectors.toCollection(TreeSet::new));
    assertThat(exposed).as("the fold's metrics in /metrics against docs/operations.md").isEqualTo(documented);
    for (String outcome : List.of("counted", "duplicate", "late")) {
      assertThat(scrape).contains("logmeter_fold_records_total{outcome=\"" + outcome + "\"");
    }
  }

  @Test
  void everyMetricAndLabelValueOperationsMdNamesIsExposedAndEveryLogmeterMetricIsDocumented() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.start(stack.config(names, port));
    String queueUrl = names.queueUrl(stack);
    String account = UUID.randomUUID().toString();
    String twice = Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, "sent twice");
    stack.sendAll(queueUrl, List.of(Messages.raw(account, "one"), Messages.raw(account, "two"), twice, twice,
        Messages.malformed().get(0)));
    TestStack.await(Duration.ofSeconds(30), "3 accepted, 1 duplicate, 1 rejected", () ->
        stack.metricIfUp(port, "logmeter_messages_accepted_total") == 3
            && stack.metricIfUp(port, "logmeter_messages_duplicates_total") == 1
            && stack.metricIfUp(port, "logmeter_messages_deleted_total") == 5);
    String scrape = stack.get(port, "/metrics").body();
    List<String> series = scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
    String sources = mainSources();

    Map<String, String> documented = metricRows();
    assertThat(documented).as("metric rows read from docs/operations.md").hasSizeGreaterThan(20);
    for (Map.Entry<String, String> row : documented.entrySet()) {
      String first = row.getKey();
      String name = first.contains("{") ? first.substring(0, first.indexOf('{')) : first;
      List<String> labels = first.contains("{")
          ? List.of(first.substring(first.indexOf('{') + 1, first.indexOf('}')).split(",")) : List.of();
      if (ONLY_AFTER_A_FAULT.contains(name) || name.startsWith(FOLD)) {
        assertThat(sources).as("the code registers %s", name).contains('"' + micrometerName(name) + '"');
        continue;
      }
      List<String> ofName = series.stream().filter(s -> s.replaceFirst("\\{.*", "")
          .replaceFirst("_(count|sum|max)$", "").equals(name)).toList();
      assertThat(ofName).as("series named %s in /metrics", name).isNotEmpty();
      // The suffixes a timer's or summary's row lists (`_count`, `_sum`, `_max`).
      Matcher suffix = BACKTICKED.matcher(rowFirstCells.get(first));
      while (suffix.find()) {
        if (suffix.group(1).startsWith("_")) {
          String suffixed = name + suffix.group(1);
          assertThat(ofName).as("series %s in /metrics", suffixed)
              .anyMatch(s -> s.equals(suffixed) || s.startsWith(suffixed + "{"));
        }
      }
      for (String label : labels) {
        assertThat(ofName).as("%s has the label %s", name, label).anyMatch(s -> s.contains(label + "=\""));
      }
      // Label values the row names: an example such as {service="DynamoDb",operation="PutItem"}, and,
      // for a metric of one label, each value it lists in backticks.
      Matcher example = LABEL_EXAMPLE.matcher(row.getValue());
      while (example.find()) {
        for (String pair : example.group(1).split(",")) {
          assertThat(ofName).as("%s has a series with %s", name, pair).anyMatch(s -> s.contains(pair));
        }
      }
      if (labels.size() == 1) {
        Matcher value = BACKTICKED.matcher(row.getValue());
        while (value.find()) {
          if (value.group(1).matches("[a-z][a-z_]*")) {
            String pair = labels.get(0) + "=\"" + value.group(1) + "\"";
            assertThat(ofName).as("%s has a series with %s", name, pair).anyMatch(s -> s.contains(pair));
          }
        }
      }
    }

    Set<String> exposed = new TreeSet<>();
    for (String line : scrape.lines().toList()) {
      if (line.startsWith("# TYPE logmeter_")) {
        exposed.add(line.split(" ")[2]);
      }
    }
    Set<String> documentedNames = documented.keySet().stream()
        .map(first -> first.contains("{") ? first.substring(0, first.indexOf('{')) : first)
        .collect(Collectors.toSet());
    // A timer's or summary's extra series (_max) have their own TYPE line.
    exposed.removeIf(name -> documentedNames.contains(name.replaceAll("_max$", "")));
    assertThat(exposed).as("logmeter metrics exposed but not in docs/operations.md").isEmpty();
  }

  @Test
  void theErrorCodesOfApiMdAreTheOpenApiDescriptionsAndTheCodesTheApiSends() throws Exception {
    Map<String, Integer> documented = new LinkedHashMap<>();
    for (String row : tableRows(section(read("docs/api.md"), "## Errors"))) {
      List<String> cells = cells(row);
      documented.put(cells.get(1).replace("`", ""), Integer.parseInt(cells.get(0)));
    }
    assertThat(documented).as("rows of docs/api.md's error table").hasSizeGreaterThan(15);

    String openapi = read("src/main/resources/openapi.yaml");
    Matcher enumeration = Pattern.compile("error:\\s+type: string\\s+enum: \\[([^]]+)]").matcher(openapi);
    assertThat(enumeration.find()).as("the Error schema's enum in openapi.yaml").isTrue();
    Set<String> described = Stream.of(enumeration.group(1).split(",")).map(String::strip).collect(Collectors.toSet());
    assertThat(documented.keySet()).as("docs/api.md's error codes against openapi.yaml's")
        .containsExactlyInAnyOrderElementsOf(described);

    // The codes the API sends, with their statuses, as its sources spell them.
    String api = apiSources();
    Matcher sent = Pattern.compile("(?:new ApiError\\(|send\\(ctx, )(\\d{3}), \"([a-z_]+)\"").matcher(api);
    Map<String, Integer> inCode = new LinkedHashMap<>();
    while (sent.find()) {
      inCode.put(sent.group(2), Integer.parseInt(sent.group(1)));
    }
    assertThat(inCode).as("codes sent by the API").hasSizeGreaterThan(15);
    inCode.forEach((code, status) ->
        assertThat(documented.get(code)).as("docs/api.md documents %s with status %d", code, status).isEqualTo(status));
    documented.keySet().forEach(code ->
        assertThat(api).as("the API's code sends %s", code).contains('"' + code + '"'));
  }

  @Test
  void theScopeTableOfApiMdAllowsWhatTheEndpointTableGivesEachScope() throws Exception {
    String doc = read("docs/api.md");
    // method and path -> scope, from the first table
    Map<String, String> endpoints = new LinkedHashMap<>();
    for (String row : tableRows(doc.substring(0, doc.indexOf("\n## ")))) {
      List<String> cells = cells(row);
      String scope = cells.get(1).replace("`", "");
      if (scope.matches("[a-z]+:[a-z]+")) {
        endpoints.put(cells.get(0).replace("`", ""), scope);
      }
    }
    assertThat(endpoints).as("scoped endpoints in docs/api.md's first table").hasSizeGreaterThanOrEqualTo(7);
    Map<String, List<String>> allows = new LinkedHashMap<>();
    for (String row : tableRows(section(doc, "## API keys"))) {
      List<String> cells = cells(row);
      List<String> allowed = new ArrayList<>();
      Matcher m = BACKTICKED.matcher(cells.get(1));
      while (m.find()) {
        allowed.add(m.group(1));
      }
      allows.put(cells.get(0).replace("`", ""), allowed);
    }
    assertThat(allows.keySet()).as("scopes of the API keys table").containsExactlyInAnyOrderElementsOf(
        Set.copyOf(endpoints.values()));
    endpoints.forEach((endpoint, scope) -> assertThat(allows.get(scope))
        .as("the API keys table lets %s do %s", scope, endpoint).anyMatch(entry -> covers(entry, endpoint)));
    allows.forEach((scope, entries) -> entries.forEach(entry -> assertThat(endpoints.entrySet())
        .as("%s under %s is an endpoint of that scope", entry, scope)
        .anyMatch(e -> e.getValue().equals(scope) && covers(entry, e.getKey()))));
  }

  /** {@code GET …/usage} covers {@code GET /v1/accounts/{accountId}/usage}; a whole path covers itself. */
  private static boolean covers(String entry, String endpoint) {
    String[] e = entry.split(" ", 2);
    String[] p = endpoint.split(" ", 2);
    if (!e[0].equals(p[0])) {
      return false;
    }
    return e[1].startsWith("…") ? p[1].startsWith("/v1/accounts/{accountId}/") && p[1].endsWith(e[1].substring(1))
        : e[1].equals(p[1]);
  }

  /** The metrics table's first cells (name, then any suffixes), by the name with its labels. */
  private final Map<String, String> rowFirstCells = new LinkedHashMap<>();

  /** First cell's name (labels and all) -> the row's "what" cell. */
  private Map<String, String> metricRows() throws Exception {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String row : tableRows(section(read("docs/operations.md"), "## Metrics"))) {
      List<String> cells = cells(row);
      Matcher name = BACKTICKED.matcher(cells.get(0));
      if (name.find()) {
        rows.put(name.group(1), cells.get(cells.size() - 1));
        rowFirstCells.put(name.group(1), cells.get(0).substring(name.end()));
      }
    }
    return rows;
  }

  /** logmeter_flush_step_seconds -> logmeter.flush.step, as Micrometer's Prometheus naming derives it. */
  private static String micrometerName(String prometheus) {
    return prometheus.replaceAll("_(total|seconds|bytes)$", "").replace('_', '.');
  }

  private static String section(String doc, String heading) {
    int start = doc.indexOf("\n" + heading + "\n");
    assertThat(start).as("section %s", heading).isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    return end < 0 ? doc.substring(start) : doc.substring(start, end);
  }

  /** The body rows of the markdown tables in {@code text}: not the header, not the separator. */
  private static List<String> tableRows(String text) {
    List<String> rows = new ArrayList<>();
    String previous = "";
    for (String line : text.lines().toList()) {
      if (line.startsWith("|") && !line.startsWith("|---") && previous.startsWith("|")) {
        rows.add(line);
      }
      previous = line;
    }
    return rows.stream().filter(row -> !row.startsWith("|---")).toList();
  }

  private static List<String> cells(String row) {
    String inner = row.substring(1, row.lastIndexOf('|'));
    List<String> cells = new ArrayList<>();
    for (String cell : inner.split("\\|")) {
      cells.add(cell.strip());
    }
    return cells;
  }

  private static String read(String path) throws Exception {
    return Files.readString(Path.of(path));
  }

  private static String mainSources() throws Exception {
    return sources(Path.of("src/main/java/io/logmeter"));
  }

  private static String apiSources() throws Exception {
    return sources(Path.of("src/main/java/io/logmeter/api"));
  }

  private static String sources(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      StringBuilder all = new StringBuilder();
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        all.append(Files.readString(file)).append('\n');
      }
      return all.toString();
    }
  }
}
