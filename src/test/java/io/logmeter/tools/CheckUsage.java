package io.logmeter.tools;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares the usage logmeter reports over HTTP with the ground truth {@link PublishLoad} wrote;
 * exits 1 on any difference. {@code CheckUsage <api-base-url> <expected.json>}
 */
public final class CheckUsage {

  public static void main(String[] args) throws Exception {
    String api = args[0];
    JsonObject expected = new JsonObject(Files.readString(Path.of(args[1])));
    HttpClient http = HttpClient.newHttpClient();
    int differences = 0;
    long bytes = 0;
    long messages = 0;
    for (String account : expected.fieldNames()) {
      JsonObject want = expected.getJsonObject(account);
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(api + "/v1/accounts/" + account + "/usage?consistent=true")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonObject got = new JsonObject(response.body());
      if (!want.getLong("bytes").equals(got.getLong("bytes"))
          || !want.getLong("messages").equals(got.getLong("messages"))) {
        differences++;
        System.out.printf("%s: expected %s, got %s%n", account, want.encode(), got.encode());
      }
      bytes += want.getLong("bytes");
      messages += want.getLong("messages");
    }
    System.out.printf("%d accounts, %d messages, %d bytes: %d differences%n", expected.size(), messages, bytes,
        differences);
    System.exit(differences == 0 ? 0 : 1);
  }
}
