package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which media type the export answers an Accept header with: NDJSON unless CSV is asked for, 406 for neither. */
class ExportMediaTypeTest {

  private static final String NDJSON = "application/x-ndjson";
  private static final String CSV = "text/csv";

  @Test
  void noPreferenceGetsNdjson() {
    assertThat(ExportRoutes.mediaType(null)).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("  ")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("*/*")).isEqualTo(NDJSON);
  }

  @Test
  void ndjsonOrAnyJsonOrApplicationWildcardGetsNdjson() {
    assertThat(ExportRoutes.mediaType("application/x-ndjson")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("application/json")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("application/*")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("Application/X-NDJSON; charset=utf-8")).isEqualTo(NDJSON);
  }

  @Test
  void csvInAnyCaseAndWithParametersGetsCsv() {
    assertThat(ExportRoutes.mediaType("text/csv")).isEqualTo(CSV);
    assertThat(ExportRoutes.mediaType("TEXT/CSV;charset=utf-8")).isEqualTo(CSV);
    assertThat(ExportRoutes.mediaType(" text/csv ; header=present")).isEqualTo(CSV);
  }

  @Test
  void theFirstTypeTheExportCanGiveIsTaken() {
    assertThat(ExportRoutes.mediaType("text/html, text/csv, application/json")).isEqualTo(CSV);
    assertThat(ExportRoutes.mediaType("text/html,application/x-ndjson,text/csv")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("application/xml, */*")).isEqualTo(NDJSON);
  }

  @Test
  void weightsDecideAndQZeroRefuses() {
    assertThat(ExportRoutes.mediaType("text/csv;q=0, application/x-ndjson")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("application/x-ndjson;q=0.1, text/csv")).isEqualTo(CSV);
    assertThat(ExportRoutes.mediaType("application/x-ndjson;q=0.5, text/csv;q=0.9")).isEqualTo(CSV);
    assertThat(ExportRoutes.mediaType("text/csv;q=0.4, application/json;q=0.6")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("text/*")).isEqualTo(CSV);
    // The more specific range decides: */* does not bring back a type refused by name.
    assertThat(ExportRoutes.mediaType("application/x-ndjson;q=0, */*")).isEqualTo(CSV);
    assertThat(ExportRoutes.mediaType("application/*;q=0, text/*;q=0.2")).isEqualTo(CSV);
    // NDJSON's own name is more specific than its alias application/json.
    assertThat(ExportRoutes.mediaType("application/json;q=0, application/x-ndjson")).isEqualTo(NDJSON);
    assertThat(ExportRoutes.mediaType("*/*;q=0.5, application/json;q=0, application/x-ndjson")).isEqualTo(NDJSON);
  }

  @Test
  void anAcceptThatAllowsNeitherIsNotAcceptable() {
    for (String accept : new String[] {"text/html", "application/xml, text/plain", "image/*", "text/csvx",
        "application/jsonl", "text/csv;q=0, application/x-ndjson;q=0", "*/*;q=0", "text/csv;q=0,application/*;q=0"}) {
      assertThatThrownBy(() -> ExportRoutes.mediaType(accept)).as(accept)
          .isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(406);
            assertThat(e.code()).isEqualTo("not_acceptable");
            assertThat(e.getMessage()).contains(NDJSON).contains(CSV);
          });
    }
  }
}
