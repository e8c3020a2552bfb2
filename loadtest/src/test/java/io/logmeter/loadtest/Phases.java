package io.logmeter.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import java.time.Duration;
import java.util.List;

/**
 * The load shape both simulations share. Open model: new virtual users arrive at a fixed rate
 * whatever the service's response times, each sends one request and leaves. A warm-up phase ramps
 * from 1/s up to the rate (a just-started JVM, on either side, answers its first requests far more
 * slowly than it will a few seconds later); then the measured phase holds the rate. Requests carry
 * their phase as their group, so the response-time assertion covers the measured phase only, while
 * a failure in either phase counts.
 */
final class Phases {

  static final String WARM_UP = "warm-up";
  static final String MEASURED = "measured";

  final double rate;
  final int warmUp;
  final int duration;
  final int p99Ms;
  final double maxFailedPercent;

  private Phases(double rate, int warmUp, int duration, int p99Ms, double maxFailedPercent) {
    this.rate = rate;
    this.warmUp = warmUp;
    this.duration = duration;
    this.p99Ms = p99Ms;
    this.maxFailedPercent = maxFailedPercent;
  }

  /**
   * From {@code -Drate} (new users, so requests, per second), {@code -DwarmUp} and {@code
   * -Dduration} (seconds), {@code -Dp99Ms} and {@code -DmaxFailedPercent}.
   */
  static Phases fromParams(double defaultRate, int defaultP99Ms) {
    return new Phases(
        Params.decimal("rate", defaultRate, 0.1, 1_000_000),
        Params.integer("warmUp", 5, 0, 86_400),
        Params.integer("duration", 30, 1, 86_400),
        Params.integer("p99Ms", defaultP99Ms, 1, 600_000),
        Params.decimal("maxFailedPercent", 0, 0, 100));
  }

  /** The warm-up (if any), then the measured phase, each one request of {@code requests} per user. */
  PopulationBuilder population(String name, ChainBuilder requests) {
    PopulationBuilder measured =
        scenario(name)
            .exec(group(MEASURED).on(requests))
            .injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(duration)));
    if (warmUp == 0) {
      return measured;
    }
    return scenario(name + " " + WARM_UP)
        .exec(group(WARM_UP).on(requests))
        .injectOpen(
            rampUsersPerSec(Math.min(1.0, rate)).to(rate).during(Duration.ofSeconds(warmUp)))
        .andThen(measured);
  }

  /** Failed requests of both phases at most {@code maxFailedPercent}; p99 of the measured phase. */
  List<Assertion> assertions() {
    return List.of(
        global().failedRequests().percent().lte(maxFailedPercent),
        details(MEASURED).responseTime().percentile(99.0).lte(p99Ms));
  }

  /** A hard stop, whatever happens to the requests still in flight. */
  Duration maxDuration() {
    return Duration.ofSeconds(warmUp + duration + 30L);
  }

  Object[] describe() {
    return new Object[] {
      "rate", rate, "warmUp", warmUp, "duration", duration, "p99Ms", p99Ms,
      "maxFailedPercent", maxFailedPercent
    };
  }
}
