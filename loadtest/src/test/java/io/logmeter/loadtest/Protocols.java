package io.logmeter.loadtest;

import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.http.HttpProtocolBuilder;

/** The HTTP setup both simulations share. */
final class Protocols {

  private Protocols() {}

  /**
   * One connection pool shared by all virtual users, as a fleet of API clients with keep-alive
   * would use, instead of a new connection for every user of the open injection model; no warm-up
   * request (Gatling's default warm-up would call a host outside the system under test); the API key,
   * when one is given, as a bearer token.
   */
  static HttpProtocolBuilder http(String baseUrl, String apiKey) {
    HttpProtocolBuilder protocol =
        http.baseUrl(baseUrl)
            .shareConnections()
            .disableWarmUp()
            .disableCaching()
            .acceptHeader("application/json")
            .userAgentHeader("logmeter-loadtest");
    if (apiKey != null) {
      protocol = protocol.authorizationHeader("Bearer " + apiKey);
    }
    return protocol;
  }
}
