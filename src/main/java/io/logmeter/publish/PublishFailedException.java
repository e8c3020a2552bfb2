package io.logmeter.publish;

/** No payload was accepted by the topic or queue; the client should try again. */
public final class PublishFailedException extends RuntimeException {

  public PublishFailedException(String message) {
    super(message);
  }
}
