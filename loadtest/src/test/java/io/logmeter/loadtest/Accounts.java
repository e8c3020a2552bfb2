package io.logmeter.loadtest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The account ids the simulations use. They are derived from their index, so the ingest simulation
 * writes to exactly the accounts the read simulation reads: run ingest first and the reads find
 * data. Hot accounts are a small set used all the time; cold accounts are many, each used rarely.
 */
final class Accounts {

  private final List<String> hot;
  private final int cold;

  private Accounts(List<String> hot, int cold) {
    this.hot = List.copyOf(hot);
    this.cold = cold;
  }

  /**
   * From {@code -DhotAccounts} (how many derived hot ids, default 10), or {@code -DhotAccountIds}
   * (comma-separated real ids, for a deployed environment), and {@code -Daccounts} (how many cold
   * ids, default {@code defaultCold}).
   */
  static Accounts fromParams(int defaultCold) {
    List<String> hot = new ArrayList<>();
    String explicit = Params.string("hotAccountIds", "");
    if (!explicit.isEmpty()) {
      for (String id : explicit.split(",")) {
        String trimmed = id.trim().toLowerCase(Locale.ROOT);
        if (!trimmed.isEmpty()) {
          hot.add(UUID.fromString(trimmed).toString());
        }
      }
    } else {
      int count = Params.integer("hotAccounts", 10, 1, 10_000);
      for (int i = 0; i < count; i++) {
        hot.add(derived("hot", i));
      }
    }
    if (hot.isEmpty()) {
      throw new IllegalArgumentException("hotAccountIds names no account");
    }
    int cold = Params.integer("accounts", defaultCold, 1, 100_000_000);
    return new Accounts(hot, cold);
  }

  int hotCount() {
    return hot.size();
  }

  int coldCount() {
    return cold;
  }

  String randomHot() {
    return hot.get(ThreadLocalRandom.current().nextInt(hot.size()));
  }

  String randomCold() {
    return derived("cold", ThreadLocalRandom.current().nextInt(cold));
  }

  /** A hot account with the given probability, else a cold one. */
  String random(double hotProbability) {
    return ThreadLocalRandom.current().nextDouble() < hotProbability ? randomHot() : randomCold();
  }

  /** A stable UUID (name-based, lowercase) for the index-th account of a kind. */
  static String derived(String kind, int index) {
    byte[] name = ("logmeter-loadtest/" + kind + "/" + index).getBytes(StandardCharsets.UTF_8);
    return UUID.nameUUIDFromBytes(name).toString();
  }
}
