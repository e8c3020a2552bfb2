package io.logmeter.api;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every route test shares: the OpenAPI contract, loaded once per class, the in-memory stores,
 * and the API served over them on a real HTTP server.
 */
@ExtendWith(VertxExtension.class)
abstract class RouteTest {

  static Contract contract;
  final Fakes fakes = new Fakes();
  ApiRig api;

  @BeforeAll
  static void loadContract() throws Exception {
    contract = new Contract();
  }

  @AfterAll
  static void closeContract() throws Exception {
    contract.close();
  }

  /** Serves the API over the fakes with these keys; the test goes on once it listens. */
  void serve(Vertx vertx, VertxTestContext test, ApiKeys keys) {
    ApiRig.deploy(vertx, fakes.services(vertx, keys), contract).onComplete(test.succeeding(rig -> {
      api = rig;
      test.completeNow();
    }));
  }
}
