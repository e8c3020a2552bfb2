package io.logmeter.server;

/**
 * An AWS resource exists with settings other than the configuration's: a configuration error found
 * at the resource, not an outage. Retrying would meet it again, so the service stops and says what
 * differs.
 */
public final class ResourceConflict extends IllegalStateException {

  public ResourceConflict(String message) {
    super(message);
  }
}
