package io.logmeter.api;

/**
 * Whether this instance should get traffic: not until its AWS resources answered and the pipeline
 * runs, and no longer once it drains, so the load balancer takes it out before it stops.
 */
public final class Readiness {

  private volatile boolean started;
  private volatile boolean draining;
  private volatile String reason = "starting";

  public void started() {
    started = true;
  }

  public void waiting(String why) {
    reason = why;
  }

  public void draining() {
    draining = true;
  }

  public boolean isReady() {
    return started && !draining;
  }

  public String reason() {
    return draining ? "draining" : started ? "ready" : reason;
  }
}
