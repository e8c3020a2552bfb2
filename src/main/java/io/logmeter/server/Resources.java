package io.logmeter.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import io.logmeter.retry.AwsErrors;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import io.logmeter.ledger.CounterKeys;
import io.logmeter.ledger.Page;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import io.vertx.core.json.JsonObject;
import io.logmeter.message.SnsEnvelope;

/**
 * The queue, bucket and tables (ledger pages, usage counters) logmeter works with. {@link #create} makes them (local mode, tests
 * and the emulators command; production provisions them with Ansible); {@link #verify} checks they
 * answer and resolves the queue URL, before the service calls itself ready.
 *
 * <p>The ledger table is created here without TTL: the local DynamoDB server (dynalite) has no TTL
 * API, and ledger pages expire only after 400 days anyway. Provisioning enables TTL on
 * {@value #TTL_ATTRIBUTE} for the real table.
 */
public final class Resources {

  /** The ledger's TTL attribute, written by the ledger and enabled by provisioning. */
  public static final String TTL_ATTRIBUTE = Page.EXPIRES_AT;

  private Resources() {
  }

  /** Creates whatever is missing; existing resources are left as they are. Returns the queue URL. */
  public static CompletableFuture<String> create(AwsClients aws, Config config) {
    Config.Stack stack = config.stack();
    CompletableFuture<String> queue = createQueue(aws, stack.dlqName(), Map.of(
            QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(SnsEnvelope.MAX_QUEUE_MESSAGE_BYTES)))
        .thenCompose(dlq -> aws.sqs().getQueueAttributes(a -> a.queueUrl(dlq)
            .attributeNames(QueueAttributeName.QUEUE_ARN)))
        .thenCompose(dlq -> createQueue(aws, stack.queueName(), Map.of(
            QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(config.ingest().receiving().visibilityTimeoutSeconds()),
            QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20",
            QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(14 * 24 * 3600),
            QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(SnsEnvelope.MAX_QUEUE_MESSAGE_BYTES),
            QueueAttributeName.REDRIVE_POLICY, new JsonObject()
                .put("deadLetterTargetArn", dlq.attributes().get(QueueAttributeName.QUEUE_ARN))
                .put("maxReceiveCount", Integer.toString(stack.maxReceiveCount())).encode())));
    CompletableFuture<?> alerts = aws.sqs().createQueue(q -> q.queueName(config.alerts().alertQueueName()));
    CompletableFuture<?> fold = createQueue(aws, config.fold().foldQueueName(), Map.of(
        QueueAttributeName.VISIBILITY_TIMEOUT, "60",
        QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(14 * 24 * 3600)));
    CompletableFuture<Void> bucket = aws.s3().createBucket(b -> b.bucket(config.stack().bucket()))
        .handle((ok, failure) -> ignoreIf(failure, "BucketAlreadyOwnedByYou", "BucketAlreadyExists"));
    CompletableFuture<Void> ledger = createTable(aws, CreateTableRequest.builder()
        .tableName(config.stack().ledgerTable())
        .keySchema(key(Page.PARTITION, KeyType.HASH), key(Page.VERSION, KeyType.RANGE))
        .attributeDefinitions(string(Page.PARTITION), AttributeDefinition.builder().attributeName(Page.VERSION)
            .attributeType(ScalarAttributeType.N).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .build());
    CompletableFuture<Void> usage = createTable(aws, CreateTableRequest.builder()
        .tableName(config.stack().usageTable())
        .keySchema(key(CounterKeys.PARTITION, KeyType.HASH), key(CounterKeys.SORT, KeyType.RANGE))
        .attributeDefinitions(string(CounterKeys.PARTITION), string(CounterKeys.SORT), string(CounterKeys.MONTH))
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(CounterKeys.BY_MONTH_INDEX)
            .keySchema(key(CounterKeys.MONTH, KeyType.HASH), key(CounterKeys.PARTITION, KeyType.RANGE))
            .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
            .build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .build())
        .thenCompose(v -> addMonthIndexIfMissing(aws, config.stack().usageTable()));
    return CompletableFuture.allOf(queue, alerts, fold, bucket, ledger, usage).thenCompose(v -> queue);
  }

  /** Checks that every resource answers; returns the queue URL. */
  public static CompletableFuture<String> verify(AwsClients aws, Config config) {
    CompletableFuture<String> queueUrl = queueUrl(aws, config.stack());
    CompletableFuture<?> queue = queueUrl.thenCompose(url -> aws.sqs().getQueueAttributes(a -> a.queueUrl(url)
        .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)));
    CompletableFuture<?> bucket = aws.s3().headBucket(b -> b.bucket(config.stack().bucket()));
    CompletableFuture<?> ledger = aws.dynamo().describeTable(t -> t.tableName(config.stack().ledgerTable()));
    CompletableFuture<?> usage = aws.dynamo().describeTable(t -> t.tableName(config.stack().usageTable()))
        .thenAccept(described -> {
          if (!hasMonthIndex(described.table())) {
            throw new IllegalStateException("the usage table " + config.stack().usageTable() + " has no index "
                + CounterKeys.BY_MONTH_INDEX + " (the bulk export needs it): provision it as ansible/tasks/tables.yml does");
          }
        });
    CompletableFuture<?> fold = config.fold().folding()
        ? aws.sqs().getQueueUrl(q -> q.queueName(config.fold().foldQueueName()))
        : CompletableFuture.completedFuture(null);
    return CompletableFuture.allOf(queue, fold, bucket, ledger, usage).thenCompose(v -> queueUrl);
  }

  /** The ingest queue's URL: as configured, or asked of SQS by the queue's name. */
  static CompletableFuture<String> queueUrl(AwsClients aws, Config.Stack stack) {
    return stack.queueUrl() != null ? CompletableFuture.completedFuture(stack.queueUrl())
        : aws.sqs().getQueueUrl(q -> q.queueName(stack.queueName())).thenApply(r -> r.queueUrl());
  }

  /** A usage table created before the index (local mode keeps its data) gets it added. */
  private static CompletableFuture<Void> addMonthIndexIfMissing(AwsClients aws, String table) {
    return aws.dynamo().describeTable(t -> t.tableName(table)).thenCompose(described -> {
      if (hasMonthIndex(described.table())) {
        return CompletableFuture.completedFuture(null);
      }
      return aws.dynamo().updateTable(u -> u.tableName(table)
              .attributeDefinitions(string(CounterKeys.MONTH), string(CounterKeys.PARTITION))
              .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(CreateGlobalSecondaryIndexAction
                  .builder().indexName(CounterKeys.BY_MONTH_INDEX)
                  .keySchema(key(CounterKeys.MONTH, KeyType.HASH), key(CounterKeys.PARTITION, KeyType.RANGE))
                  .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                  .build()).build()))
          .thenApply(v -> null);
    });
  }

  private static boolean hasMonthIndex(TableDescription table) {
    return table.hasGlobalSecondaryIndexes() && table.globalSecondaryIndexes().stream()
        .anyMatch(index -> index.indexName().equals(CounterKeys.BY_MONTH_INDEX));
  }

  /**
   * Creates the queue, or finds it as asked. SQS refuses to create a queue that exists with other
   * attributes (QueueNameExists): that is told as a {@link ResourceConflict} naming what differs.
   */
  private static CompletableFuture<String> createQueue(AwsClients aws, String name,
      Map<QueueAttributeName, String> attributes) {
    return aws.sqs().createQueue(q -> q.queueName(name).attributes(attributes))
        .<CompletableFuture<String>>handle((created, failure) -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(created.queueUrl());
          }
          if (!(AwsErrors.unwrap(failure) instanceof QueueNameExistsException
              || "QueueAlreadyExists".equals(AwsErrors.code(failure)))) {
            return CompletableFuture.failedFuture(AwsErrors.unwrap(failure));
          }
          return aws.sqs().getQueueUrl(u -> u.queueName(name))
              .thenCompose(url -> aws.sqs().getQueueAttributes(a -> a.queueUrl(url.queueUrl())
                      .attributeNames(attributes.keySet()))
                  .thenApply(existing -> {
                    List<String> differences = differences(attributes, existing.attributes());
                    if (differences.isEmpty()) {
                      // Refused over spelling only (a count written as a number): the queue is as asked.
                      return url.queueUrl();
                    }
                    throw new ResourceConflict("the queue " + name + " exists with other attributes than this "
                        + "configuration gives it: " + String.join("; ", differences) + "; set the configuration to "
                        + "the queue's values, or change or delete the queue, or set createResources=false to use "
                        + "it as it is");
                  }));
        })
        .thenCompose(url -> url);
  }

  /** Each attribute the existing queue has otherwise than asked: its value there, the one asked, the setting. */
  static List<String> differences(Map<QueueAttributeName, String> wanted, Map<QueueAttributeName, String> existing) {
    List<String> differences = new ArrayList<>();
    new TreeMap<>(wanted).forEach((attribute, value) -> {
      String theirs = existing.get(attribute);
      if (!sameAttribute(attribute, value, theirs)) {
        differences.add(attribute + " is " + theirs + ", the configuration asks " + value
            + QUEUE_SETTINGS.getOrDefault(attribute, " (fixed by logmeter)"));
      }
    });
    return differences;
  }

  /** The settings behind the queue's attributes, for the conflict's message. */
  private static final Map<QueueAttributeName, String> QUEUE_SETTINGS = Map.of(
      QueueAttributeName.VISIBILITY_TIMEOUT, " (visibilityTimeoutSeconds)",
      QueueAttributeName.REDRIVE_POLICY, " (maxReceiveCount, dlqName)");

  /** Equal values; a redrive policy by its fields, since SQS may spell the count as a number. */
  private static boolean sameAttribute(QueueAttributeName attribute, String wanted, String existing) {
    if (existing == null || attribute != QueueAttributeName.REDRIVE_POLICY) {
      return wanted.equals(existing);
    }
    try {
      JsonObject a = new JsonObject(wanted);
      JsonObject b = new JsonObject(existing);
      return String.valueOf(a.getValue("deadLetterTargetArn")).equals(String.valueOf(b.getValue("deadLetterTargetArn")))
          && String.valueOf(a.getValue("maxReceiveCount")).equals(String.valueOf(b.getValue("maxReceiveCount")));
    } catch (io.vertx.core.json.DecodeException e) {
      return false;
    }
  }

  private static CompletableFuture<Void> createTable(AwsClients aws, CreateTableRequest request) {
    return aws.dynamo().createTable(request)
        .handle((ok, failure) -> {
          if (failure != null && !(AwsErrors.unwrap(failure) instanceof ResourceInUseException)) {
            throw new CompletionException(AwsErrors.unwrap(failure));
          }
          return null;
        })
        .thenCompose(v -> aws.dynamo().waiter().waitUntilTableExists(t -> t.tableName(request.tableName()),
            // The SDK's default polls every 20 s; a local server's table is active within milliseconds.
            w -> w.backoffStrategyV2(software.amazon.awssdk.retries.api.BackoffStrategy.fixedDelay(
                java.time.Duration.ofMillis(250))).maxAttempts(240)))
        .thenApply(v -> null);
  }

  private static Void ignoreIf(Throwable failure, String... codes) {
    if (failure == null) {
      return null;
    }
    String code = AwsErrors.code(failure);
    for (String ignored : codes) {
      if (ignored.equals(code)) {
        return null;
      }
    }
    throw new CompletionException(AwsErrors.unwrap(failure));
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeDefinition string(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }
}
