package io.logmeter.api;

import io.logmeter.message.Identifiers;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads and validates request parameters, from a path parameter's value or the request's decoded
 * query parameters; anything wrong is an {@link ApiError} with status 400.
 */
final class RequestParams {

  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private RequestParams() {
  }

  /** The account of the path, as a lowercase UUID. */
  static String accountId(String value) {
    if (value == null || !Identifiers.isUuid(value)) {
      throw new ApiError(400, "invalid_account_id", "accountId must be a UUID");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  /** The most days a request may span: a year, leap day included. */
  static final int MAX_DAYS = 366;

  /** A required {@code from}..{@code to} (inclusive, UTC) of at most {@value #MAX_DAYS} days. */
  record Period(LocalDate from, LocalDate to) {
  }

  /** The required {@code from} and {@code to} query parameters, in order and at most {@value #MAX_DAYS} days apart. */
  static Period period(MultiMap query) {
    LocalDate from = date(query, "from");
    LocalDate to = date(query, "to");
    if (from == null || to == null) {
      throw new ApiError(400, "missing_parameter", "from and to are required (YYYY-MM-DD, inclusive, UTC)");
    }
    requireOrdered(from, to);
    if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw new ApiError(400, "range_too_large", "at most " + MAX_DAYS + " days per request");
    }
    return new Period(from, to);
  }

  static void requireOrdered(LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      throw new ApiError(400, "invalid_range", "from must not be after to");
    }
  }

  /** An optional date query parameter in the form YYYY-MM-DD, or null when absent. */
  static LocalDate date(MultiMap query, String name) {
    String value = single(query, name);
    if (value == null) {
      return null;
    }
    if (!DATE.matcher(value).matches()) {
      throw new ApiError(400, "invalid_date", name + " must be a date in the form YYYY-MM-DD");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new ApiError(400, "invalid_date", name + " is not a calendar date: " + value);
    }
  }

  static boolean flag(MultiMap query, String name) {
    String value = single(query, name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new ApiError(400, "invalid_parameter", name + " must be true or false");
  }

  /** An optional whole number within [min, max], {@code fallback} when absent. */
  static int integer(MultiMap query, String name, int fallback, int min, int max) {
    String value = single(query, name);
    if (value == null) {
      return fallback;
    }
    if (!value.matches("\\d{1,9}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
      throw new ApiError(400, "invalid_parameter", name + " must be a whole number from " + min + " to " + max);
    }
    return Integer.parseInt(value);
  }

  /** An optional instant in ISO-8601 form ({@code 2026-12-03T13:05:00.123Z}), or null when absent. */
  static Instant instant(MultiMap query, String name) {
    String value = single(query, name);
    if (value == null) {
      return null;
    }
    try {
      Instant instant = Instant.parse(value);
      if (Identifiers.isEventTime(instant)) {
        return instant;
      }
    } catch (DateTimeParseException e) {
      // the same answer as below
    }
    throw new ApiError(400, "invalid_parameter", name + " must be an instant such as 2026-12-03T13:05:00.123Z");
  }

  /** An optional text parameter, null when absent. */
  static String text(MultiMap query, String name) {
    return single(query, name);
  }

  private static String single(MultiMap query, String name) {
    List<String> values = query.getAll(name);
    if (values.size() > 1) {
      throw new ApiError(400, "invalid_parameter", name + " is given more than once");
    }
    return values.isEmpty() ? null : values.get(0);
  }
}
