package io.logmeter.faults;

import io.logmeter.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Load as publishers and SNS produce it, with its ground truth: envelopes (event time up to three
 * days back) and raw messages over a set of accounts, one envelope in ten delivered twice (an SNS
 * duplicate), and malformed bodies of every kind, at least one in a hundred. Sent through the real
 * SQS API at a steady pace, so that faults land in the middle of it.
 */
final class Traffic {

  private static final String[] SAMPLES = {"plain ascii line ", "héllo wörld ", "日本語のログ ", "emoji 🎉🚀 ",
      "\"quoted\" \\ back\\slash ", "tab\tand\nnewline ", "𝄞 clef "};

  /** One SQS body to send; {@code account} and {@code bytes} are null/0 for malformed ones. */
  record Body(String text, String envelopeId, String account, long bytes) {
    boolean raw() {
      return account != null && envelopeId == null;
    }
  }

  private final List<Body> bodies = new ArrayList<>();
  private final Map<String, long[]> expected = new HashMap<>();
  private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
  private final List<String> malformed = new ArrayList<>();
  private final List<String> accounts = new ArrayList<>();
  private LocalDate firstDay = LocalDate.now(ZoneOffset.UTC);
  private int snsDuplicates;

  /**
   * @param messages  distinct messages to bill
   * @param logBytes  rough size of each message's log data
   */
  Traffic(long seed, int accountCount, int messages, int logBytes) {
    Random random = new Random(seed);
    for (int i = 0; i < accountCount; i++) {
      accounts.add(new UUID(random.nextLong(), random.nextLong()).toString().toLowerCase());
    }
    Instant now = Instant.now();
    List<Body> duplicates = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      String account = accounts.get(random.nextInt(accounts.size()));
      String logData = logData(random, logBytes);
      long bytes = logData.getBytes(StandardCharsets.UTF_8).length;
      long[] sum = expected.computeIfAbsent(account, a -> new long[2]);
      sum[0] += bytes;
      sum[1]++;
      if (random.nextInt(10) < 6) {
        String id = UUID.randomUUID().toString();
        Instant time = now.minusSeconds(random.nextInt(3 * 86_400));
        LocalDate day = LocalDate.ofInstant(time, ZoneOffset.UTC);
        firstDay = day.isBefore(firstDay) ? day : firstDay;
        acceptedIds.add(id);
        Body body = new Body(Messages.envelope(id, time, account, logData), id, account, bytes);
        bodies.add(body);
        if (random.nextInt(10) == 0) {
          duplicates.add(body);
        }
      } else {
        bodies.add(new Body(Messages.raw(account, logData), null, account, bytes));
      }
    }
    snsDuplicates = duplicates.size();
    bodies.addAll(duplicates);
    List<String> kinds = Messages.malformed();
    int bad = Math.max(kinds.size(), messages / 100);
    for (int i = 0; i < bad; i++) {
      String text = kinds.get(i % kinds.size());
      malformed.add(text);
      bodies.add(new Body(text, null, null, 0));
    }
    Collections.shuffle(bodies, random);
  }

  private static String logData(Random random, int size) {
    StringBuilder text = new StringBuilder();
    int target = size <= 0 ? 0 : random.nextInt(2 * size);
    while (text.length() < target) {
      text.append(SAMPLES[random.nextInt(SAMPLES.length)]);
    }
    return text.toString();
  }

  /**
   * Sends every body over {@code duration}, in batches of ten, on a thread of its own; the future
   * completes when all are sent. Raw messages are billed under the SQS message id they get.
   */
  CompletableFuture<Void> sendOver(SqsAsyncClient sqs, String queueUrl, Duration duration) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread sender = new Thread(() -> {
      try {
        send(sqs, queueUrl, duration);
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "traffic");
    sender.setDaemon(true);
    sender.start();
    return done;
  }

  private void send(SqsAsyncClient sqs, String queueUrl, Duration duration) throws InterruptedException {
    List<List<Body>> batches = batches();
    long start = System.nanoTime();
    Semaphore window = new Semaphore(16);
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int b = 0; b < batches.size(); b++) {
      long due = start + duration.toNanos() * b / batches.size();
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      List<Body> batch = batches.get(b);
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(batch.get(i).text())
            .build());
      }
      window.acquire();
      sends.add(sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries))
          .whenComplete((response, failure) -> window.release())
          .thenAccept(response -> {
            if (!response.failed().isEmpty()) {
              throw new IllegalStateException("send failed: " + response.failed());
            }
            for (SendMessageBatchResultEntry entry : response.successful()) {
              if (batch.get(Integer.parseInt(entry.id())).raw()) {
                acceptedIds.add(entry.messageId());
              }
            }
          }));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
  }

  /** Up to ten bodies each, and within SQS's 256 KiB for a whole batch. */
  private List<List<Body>> batches() {
    List<List<Body>> batches = new ArrayList<>();
    List<Body> batch = new ArrayList<>();
    int size = 0;
    for (Body body : bodies) {
      int bytes = body.text().getBytes(StandardCharsets.UTF_8).length;
      if (batch.size() == 10 || size + bytes > 256 * 1024) {
        batches.add(batch);
        batch = new ArrayList<>();
        size = 0;
      }
      batch.add(body);
      size += bytes;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** The size of the largest body, in UTF-8 bytes. */
  long largestBodyBytes() {
    return bodies.stream().mapToLong(b -> b.text().getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
  }

  /** Bytes and messages each account must be billed: every distinct valid message once. */
  Map<String, long[]> expected() {
    return expected;
  }

  List<String> accounts() {
    return accounts;
  }

  /** The idempotency keys of every message that must be archived and billed. */
  Set<String> acceptedIds() {
    return acceptedIds;
  }

  List<String> malformed() {
    return malformed;
  }

  /** The earliest event day; raw messages are billed to the day they were sent. */
  LocalDate firstDay() {
    return firstDay;
  }

  int messages() {
    return (int) expected.values().stream().mapToLong(v -> v[1]).sum();
  }

  long bytes() {
    return expected.values().stream().mapToLong(v -> v[0]).sum();
  }

  int deliveries() {
    return bodies.size();
  }

  int snsDuplicates() {
    return snsDuplicates;
  }
}
