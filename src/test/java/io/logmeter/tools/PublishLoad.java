package io.logmeter.tools;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Publishes a mixed load to a queue, as SNS and publishers would: envelope and raw bodies over many
 * accounts, about 5% duplicate SNS deliveries and 1% malformed bodies. Writes the expected usage
 * per account (the ground truth) as JSON for {@link CheckUsage}.
 *
 * <p>{@code PublishLoad <sqs-endpoint> <queue-url> <messages> <accounts> <expected.json>}
 */
public final class PublishLoad {

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    String queueUrl = args[1];
    int messages = Integer.parseInt(args[2]);
    int accountCount = Integer.parseInt(args[3]);
    Path expectedFile = Path.of(args[4]);
    Random random = new Random(1);
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < accountCount; i++) {
      accounts.add(UUID.randomUUID().toString());
    }
    JsonObject expected = new JsonObject();
    List<String> bodies = new ArrayList<>(messages * 11 / 10);
    byte[] filler = new byte[900];
    for (int i = 0; i < messages; i++) {
      String account = accounts.get(random.nextInt(accounts.size()));
      random.nextBytes(filler);
      String logData = "ñ " + i + " " + java.util.Base64.getEncoder().encodeToString(filler).substring(0, 700 + random.nextInt(300));
      long bytes = logData.getBytes(StandardCharsets.UTF_8).length;
      JsonObject sum = expected.getJsonObject(account, new JsonObject().put("bytes", 0L).put("messages", 0L));
      expected.put(account, sum.put("bytes", sum.getLong("bytes") + bytes).put("messages", sum.getLong("messages") + 1));
      if (random.nextBoolean()) {
        String body = Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, logData);
        bodies.add(body);
        if (random.nextInt(10) == 0) {
          bodies.add(body);
        }
      } else {
        bodies.add(Messages.raw(account, logData));
      }
      if (random.nextInt(100) == 0) {
        List<String> malformed = Messages.malformed();
        bodies.add(malformed.get(random.nextInt(malformed.size())));
      }
    }
    java.util.Collections.shuffle(bodies, random);
    Files.writeString(expectedFile, expected.encodePrettily());

    try (SqsAsyncClient sqs = SqsAsyncClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("load", "load"))).build()) {
      long started = System.nanoTime();
      TestStack.sendAll(sqs, queueUrl, bodies);
      System.out.printf("published %d deliveries (%d messages over %d accounts) in %d ms%n", bodies.size(), messages,
          accountCount, (System.nanoTime() - started) / 1_000_000);
    }
  }
}
