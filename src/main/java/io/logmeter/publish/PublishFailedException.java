package io.logmeter.publish;

/** Some payloads of a batch were not accepted by the topic or queue; the client should try again. */
public final class PublishFailedException extends RuntimeException {

  public PublishFailedException(String message) {
    super(message);
  }
}
