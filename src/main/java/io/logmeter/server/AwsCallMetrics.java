package io.logmeter.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.logmeter.retry.AwsErrors;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every HTTP request the SDK sends (retries included, since each is billed) and every call
 * that finally failed, by service and operation. Also remembers which operations were used, which
 * the least-privilege IAM policy is checked against.
 */
public final class AwsCallMetrics implements ExecutionInterceptor {

  private final MeterRegistry registry;
  private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("logmeter.started");

  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
  private final Set<String> operations = ConcurrentHashMap.newKeySet();

  private final Counter accessDenied;

  public AwsCallMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.accessDenied = Counter.builder("logmeter.aws.access.denied")
        .description("AWS calls refused for credentials, authorization or clock skew: held and retried; alarm on any")
        .register(registry);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(STARTED, System.nanoTime());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    latencies.computeIfAbsent(service + ":" + operation, key -> Timer.builder("logmeter.aws.latency")
        .description("duration of successful AWS calls, retries included")
        .tag("service", service).tag("operation", operation)
        .publishPercentiles(0.5, 0.99)
        .register(registry)).record(System.nanoTime() - attributes.getAttribute(STARTED), TimeUnit.NANOSECONDS);
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    operations.add(service + ":" + operation);
    requests.computeIfAbsent(service + ":" + operation, key -> Counter.builder("logmeter.aws.requests")
        .description("HTTP requests sent to AWS, retries included")
        .tag("service", service).tag("operation", operation)
        .register(registry)).increment();
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    Counter.builder("logmeter.aws.errors")
        .description("AWS calls that failed after the SDK's own retries")
        .tag("service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)))
        .tag("operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)))
        .tag("error", AwsErrors.code(context.exception()))
        .register(registry).increment();
    if (AwsErrors.kind(context.exception()) == AwsErrors.Kind.ACCESS_DENIED) {
      accessDenied.increment();
    }
  }

  /** {@code Service:Operation} pairs sent so far, e.g. {@code DynamoDB:TransactWriteItems}. */
  public Set<String> operationsUsed() {
    return Set.copyOf(operations);
  }
}
