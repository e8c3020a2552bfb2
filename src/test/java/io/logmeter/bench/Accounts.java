package io.logmeter.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

/** The accounts messages are sent for, and how often each is drawn: uniformly, or by Zipf's law (s = 1). */
final class Accounts {

  private final String[] ids;
  /** Cumulative weights: account i is drawn with probability (cumulative[i] - cumulative[i-1]) / total. */
  private final double[] cumulative;

  private Accounts(int count, boolean zipf) {
    ids = new String[count];
    cumulative = new double[count];
    double sum = 0;
    for (int i = 0; i < count; i++) {
      ids[i] = UUID.nameUUIDFromBytes(("account" + i).getBytes(StandardCharsets.UTF_8)).toString();
      sum += zipf ? 1.0 / (i + 1) : 1;
      cumulative[i] = sum;
    }
  }

  static Accounts uniform(int count) {
    return new Accounts(count, false);
  }

  static Accounts zipf(int count) {
    return new Accounts(count, true);
  }

  String draw(Random random) {
    int pick = Arrays.binarySearch(cumulative, random.nextDouble() * cumulative[cumulative.length - 1]);
    return ids[pick >= 0 ? pick : Math.min(ids.length - 1, -pick - 1)];
  }
}
