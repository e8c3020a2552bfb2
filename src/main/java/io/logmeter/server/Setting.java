package io.logmeter.server;

import java.math.BigDecimal;
import java.util.function.Function;

/**
 * One setting, declared once in {@link Config#SETTINGS}: its name (which is also its LOGMETER_*
 * variable's and the name of the slice component that carries it), the type of its value, its
 * default (null: none), and how a raw value from the defaults, a file or the environment is read
 * and checked. A value that breaks the rule is refused with a one-line message naming the setting.
 */
record Setting(String name, Class<?> type, Object defaultValue, Function<Object, Object> read) {

  /** Text with a default. Blank is refused: leaving the setting out is how one asks for the default. */
  static Setting text(String name, String defaultValue) {
    return new Setting(name, String.class, defaultValue, raw -> {
      requirePresent(name, raw, defaultValue);
      return textOf(name, raw);
    });
  }

  /** One of {@code choices}, the first being the default. */
  static Setting choice(String name, String... choices) {
    java.util.List<String> allowed = java.util.List.of(choices);
    return new Setting(name, String.class, choices[0], raw -> {
      requirePresent(name, raw, choices[0]);
      String text = textOf(name, raw).trim();
      if (!allowed.contains(text)) {
        throw invalid(name, "must be one of " + String.join(", ", allowed) + ", not " + raw);
      }
      return text;
    });
  }

  /** Text without a default: unset when absent, null or blank. */
  static Setting optionalText(String name) {
    return optional(name, String.class, text -> text);
  }

  /** Without a default, {@code convert} gets the text, or null when it is absent, null or blank. */
  static Setting optional(String name, Class<?> type, Function<String, Object> convert) {
    return new Setting(name, type, null, raw -> {
      String text = raw == null ? null : textOf(name, raw);
      return convert.apply(text == null || text.isBlank() ? null : text);
    });
  }

  /** A switch, off by default: {@code true} or {@code false}, in any case. */
  static Setting flag(String name) {
    return new Setting(name, Boolean.class, false, raw -> {
      requirePresent(name, raw, false);
      if (raw instanceof Boolean on) {
        return on;
      }
      String text = raw.toString().trim();
      if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(text);
      }
      throw invalid(name, "must be true or false, not " + raw);
    });
  }

  /** A whole number that fits an {@code int}, within {@code range}. */
  static Setting integer(String name, int defaultValue, Range range) {
    return new Setting(name, Integer.class, defaultValue, raw -> {
      long value = range.check(name, wholeNumber(name, raw, defaultValue));
      if (value > Integer.MAX_VALUE) {
        throw invalid(name, "must be at most " + Integer.MAX_VALUE);
      }
      return (int) value;
    });
  }

  /** A whole number that needs a {@code long} (bytes, counts of accounts), within {@code range}. */
  static Setting longInteger(String name, long defaultValue, Range range) {
    return new Setting(name, Long.class, defaultValue, raw -> range.check(name, wholeNumber(name, raw, defaultValue)));
  }

  /** The rule a number keeps, and how a message states it. */
  record Range(long min, long max, String rule) {

    static Range atLeast(long min) {
      return atLeast(min, "must be at least " + min);
    }

    static Range atLeast(long min, String rule) {
      return new Range(min, Long.MAX_VALUE, rule);
    }

    static Range between(long min, long max) {
      return new Range(min, max, "must be " + min + ".." + max);
    }

    long check(String name, long value) {
      if (value < min || value > max) {
        throw invalid(name, rule);
      }
      return value;
    }
  }

  /** How every refusal reads: {@code configuration: <name> <problem>}. */
  static IllegalArgumentException invalid(String name, String problem) {
    return new IllegalArgumentException("configuration: " + name + " " + problem);
  }

  /** A setting with a default is never empty: null or blank would only hide a mistake. */
  private static void requirePresent(String name, Object raw, Object defaultValue) {
    if (raw == null || raw.toString().isBlank()) {
      throw invalid(name, "must not be " + (raw == null ? "null" : "blank")
          + " (leave it out for the default, " + defaultValue + ")");
    }
  }

  /** Text is a JSON string; a number or a switch where text belongs is a mix-up, not a name. */
  private static String textOf(String name, Object raw) {
    if (raw instanceof String text) {
      return text;
    }
    throw invalid(name, "must be text, not " + raw);
  }

  private static long wholeNumber(String name, Object raw, Object defaultValue) {
    requirePresent(name, raw, defaultValue);
    try {
      if (raw instanceof Integer || raw instanceof Long) {
        return ((Number) raw).longValue();
      }
      if (raw instanceof Number number) {
        return new BigDecimal(number.toString()).longValueExact();
      }
      if (raw instanceof String text) {
        return Long.parseLong(text.trim());
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // refused below, with the others
    }
    throw invalid(name, "must be a whole number, not " + raw);
  }
}
