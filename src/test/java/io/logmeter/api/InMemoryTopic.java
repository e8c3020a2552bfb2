package io.logmeter.api;

import io.logmeter.publish.LogPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The ingest topic in memory: keeps what is published, and answers ids {@code msg-1}, {@code msg-2}, … */
final class InMemoryTopic implements LogPublisher {

  final Faults faults = new Faults();
  /** Each publish's payloads, in order. */
  final List<List<String>> published = new CopyOnWriteArrayList<>();
  private volatile Set<Integer> refused = Set.of();
  private int ids;

  /** The topic refuses the entries of a batch at these indexes. */
  void refuse(Set<Integer> indexes) {
    refused = indexes;
  }

  @Override
  public CompletableFuture<List<String>> publish(List<String> payloads) {
    return faults.answer(() -> {
      published.add(List.copyOf(payloads));
      List<String> answer = new ArrayList<>();
      for (int i = 0; i < payloads.size(); i++) {
        answer.add(refused.contains(i) ? null : nextId());
      }
      return answer;
    });
  }

  private synchronized String nextId() {
    return "msg-" + ++ids;
  }
}
