package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the first table of docs/api.md is served with exactly the scope it names there:
 * a key with every other scope is refused, a key with only that one is let through; a route the
 * table says needs none answers without a key.
 */
@ExtendWith(VertxExtension.class)
class RouteScopesTest extends RouteTest {

  private static final Set<String> SCOPES = Set.of(ApiKeys.USAGE_READ, ApiKeys.LOGS_READ, ApiKeys.LOGS_WRITE);
  private static final String ACCOUNT = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final Pattern ROUTE = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE) ([^`\\s]+)`");
  private static final Pattern SCOPE = Pattern.compile("`([a-z]+:[a-z]+)`");

  /** A row of the table: a method and path, and its scope, null for none. */
  record Route(HttpMethod method, String path, String scope) {

    @Override
    public String toString() {
      return method + " " + path + " with " + (scope == null ? "no key" : scope);
    }

    /** The path of a record that exists, from (for the export) a range it can read. */
    String uri() {
      return path.replace("{accountId}", ACCOUNT).replace("{messageId}", "m-1") + "?from=2026-11-01&to=2026-11-30";
    }
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    Map<String, Set<String>> keys = new HashMap<>();
    for (String scope : SCOPES) {
      keys.put(only(scope), Set.of(scope));
      keys.put(allBut(scope), SCOPES.stream().filter(s -> !s.equals(scope)).collect(Collectors.toSet()));
    }
    serve(vertx, test, ApiRig.keys(keys));
    fakes.logs.add(ACCOUNT, "m-1", "2026-11-21T10:00:00Z", "GET / 200");
  }

  /** The rows of the table, each method and path of a row on its own. */
  static List<Route> documented() throws IOException {
    List<Route> routes = new ArrayList<>();
    List<String> lines = Files.readAllLines(Path.of("docs/api.md"));
    int header = lines.indexOf("| method and path | scope | what |");
    assertThat(header).as("the table's header in docs/api.md").isNotNegative();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.split("\\|");
      String scopeCell = cells[2].trim();
      Matcher scope = SCOPE.matcher(scopeCell);
      assertThat(scope.matches() || scopeCell.startsWith("none")).as("a scope or none: %s", line).isTrue();
      Matcher route = ROUTE.matcher(cells[1]);
      while (route.find()) {
        routes.add(new Route(HttpMethod.valueOf(route.group(1)), route.group(2),
            scope.matches() ? scope.group(1) : null));
      }
    }
    return routes;
  }

  @Test
  void theTableNamesEveryScopeAndEveryOperationOfTheContract() throws IOException {
    List<Route> routes = documented();
    assertThat(routes.stream().map(Route::scope).filter(Objects::nonNull).collect(Collectors.toSet())).isEqualTo(SCOPES);
    Set<String> documented = new HashSet<>();
    routes.forEach(route -> documented.add(route.method() + " " + route.path()));
    @SuppressWarnings("unchecked")
    JsonObject paths = new JsonObject((Map<String, Object>) new org.yaml.snakeyaml.Yaml()
        .load(Files.readString(Path.of("src/main/resources/openapi.yaml")))).getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        assertThat(documented).contains(method.toUpperCase() + " " + path);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documented")
  void eachRouteIsServedWithExactlyItsScope(Route route, VertxTestContext test) {
    if (route.scope() == null) {
      send(route, null).onComplete(test.succeeding(open -> test.verify(() -> {
        assertThat(open.status()).as(open.body()).isNotIn(401, 403, 404, 405);
        test.completeNow();
      })));
      return;
    }
    Checkpoint answered = test.checkpoint(2);
    send(route, allBut(route.scope())).onComplete(test.succeeding(refused -> test.verify(() -> {
      assertThat(refused.status()).as(refused.body()).isEqualTo(403);
      assertThat(refused.json().getString("error")).isEqualTo("forbidden");
      answered.flag();
    })));
    send(route, only(route.scope())).onComplete(test.succeeding(allowed -> test.verify(() -> {
      assertThat(allowed.status()).as(allowed.body()).isNotIn(401, 403, 404, 405);
      answered.flag();
    })));
  }

  private Future<ApiRig.Answer> send(Route route, String key) {
    return api.send(route.method(), route.uri(), key, Map.of(), null);
  }

  private static String only(String scope) {
    return "key-for-" + scope;
  }

  private static String allBut(String scope) {
    return "key-for-all-but-" + scope;
  }
}
