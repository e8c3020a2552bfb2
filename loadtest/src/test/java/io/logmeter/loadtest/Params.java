package io.logmeter.loadtest;

import java.util.Locale;

/**
 * Run parameters, read from {@code -D} system properties (Maven passes {@code -Dname=value} given on
 * its command line through to the Gatling JVM). Every parameter has a default that suits a short run
 * against local mode on a developer's machine.
 */
final class Params {

  private Params() {}

  /** Base URL of the service or of its load balancer, without a trailing slash. */
  static String baseUrl() {
    String url = string("baseUrl", "http://127.0.0.1:8080");
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("baseUrl must start with http:// or https://, got " + url);
    }
    return url;
  }

  /** The API key to send as {@code Authorization: Bearer <key>}, or {@code null} to send none. */
  static String apiKey() {
    String key = string("apiKey", "");
    return key.isEmpty() ? null : key;
  }

  static String string(String name, String defaultValue) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  static int integer(String name, int defaultValue, int min, int max) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  static double decimal(String name, double defaultValue, double min, double max) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    double parsed;
    try {
      parsed = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  /** One line for the console, so a run's log says what it was asked to do. */
  static String describe(String simulation, Object... namesAndValues) {
    StringBuilder line = new StringBuilder(simulation).append(':');
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      line.append(' ').append(namesAndValues[i]).append('=');
      Object value = namesAndValues[i + 1];
      line.append(value instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : value);
    }
    return line.toString();
  }
}
