package io.logmeter.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Giving messages back (visibility 0) must be the last word on their visibility, also when an
 * extension of them is still on its way to SQS, or is asked for while they are given back.
 */
class VisibilityOrderTest {

  private final Vertx vertx = Vertx.vertx();
  private SqsAsyncClient real;

  @AfterEach
  void close() {
    if (real != null) {
      real.close();
    }
    vertx.close();
  }

  @Test
  void aReleaseIsNotOvertakenByAnExtensionSentBeforeIt() throws Exception {
    TestStack stack = TestStack.shared();
    String queueUrl = queue(stack);
    Context context = vertx.getOrCreateContext();
    QueueClient queue = new QueueClient(slowExtensions(stack), context, queueUrl);
    List<Delivery> held = receive(stack, queueUrl);

    onContext(context, () -> {
      queue.changeVisibility(held, 30);
      return queue.changeVisibility(held, 0);
    });

    assertVisibleAgain(stack, queueUrl);
  }

  @Test
  void anExtensionAskedForDuringAReleaseLeavesItsMessagesAlone() throws Exception {
    TestStack stack = TestStack.shared();
    String queueUrl = queue(stack);
    Context context = vertx.getOrCreateContext();
    QueueClient queue = new QueueClient(slowExtensions(stack), context, queueUrl);
    List<Delivery> held = receive(stack, queueUrl);

    onContext(context, () -> {
      Future<List<Delivery>> release = queue.changeVisibility(held, 0);
      queue.changeVisibility(held, 30);
      return release;
    });

    assertVisibleAgain(stack, queueUrl);
  }

  private static String queue(TestStack stack) {
    String url = stack.sqs.createQueue(r -> r.queueName("visibility-order-" + System.nanoTime())
        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
    stack.sqs.sendMessage(r -> r.queueUrl(url).messageBody("{}"));
    return url;
  }

  private static List<Delivery> receive(TestStack stack, String queueUrl) {
    List<Message> messages = stack.sqs.receiveMessage(r -> r.queueUrl(queueUrl).visibilityTimeout(30)
        .waitTimeSeconds(5)).messages();
    assertThat(messages).hasSize(1);
    return List.of(Deliveries.received(messages.get(0)));
  }

  private static void onContext(Context context, java.util.function.Supplier<Future<List<Delivery>>> calls)
      throws Exception {
    CompletableFuture<List<Delivery>> done = new CompletableFuture<>();
    context.runOnContext(v -> calls.get().onComplete(r -> {
      if (r.succeeded()) {
        done.complete(r.result());
      } else {
        done.completeExceptionally(r.cause());
      }
    }));
    assertThat(done.get(10, TimeUnit.SECONDS)).as("deliveries whose release failed").isEmpty();
  }

  private static void assertVisibleAgain(TestStack stack, String queueUrl) throws Exception {
    // Long enough for any delayed extension to have landed: it would hide the message again.
    TestStack.holds(Duration.ofSeconds(1), "the released message stays visible", () -> stack.visible(queueUrl) == 1);
  }

  /** The real client, except that extensions (a timeout above 0) reach SQS 300 ms late. */
  private SqsAsyncClient slowExtensions(TestStack stack) {
    real = TestStack.local(SqsAsyncClient.builder(), stack.aws.sqsEndpoint()).build();
    return (SqsAsyncClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SqsAsyncClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("changeMessageVisibilityBatch") && args[0] instanceof Consumer<?> consumer) {
            @SuppressWarnings("unchecked")
            ChangeMessageVisibilityBatchRequest request = ChangeMessageVisibilityBatchRequest.builder()
                .applyMutation((Consumer<ChangeMessageVisibilityBatchRequest.Builder>) consumer).build();
            boolean extension = request.entries().stream().anyMatch(e -> e.visibilityTimeout() > 0);
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(extension ? 300 : 0, TimeUnit.MILLISECONDS))
                .thenCompose(v -> real.changeMessageVisibilityBatch(request));
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
