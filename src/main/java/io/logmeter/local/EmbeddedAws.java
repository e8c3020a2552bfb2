package io.logmeter.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * ElasticMQ (SQS) and S3Proxy (S3) in this process, and dynalite (DynamoDB) as its child, all on
 * loopback. Each can be stopped and started again to simulate an outage: S3 keeps its objects (the
 * blob store outlives the server), DynamoDB keeps its tables when given a directory, SQS starts
 * empty.
 */
public final class EmbeddedAws implements AutoCloseable {

  public record Ports(int sqs, int s3, int dynamodb) {
    public static final Ports DEFAULT = new Ports(9324, 9000, 8000);

    /** Three ports free right now, for tests that must not collide with a running local stack. */
    public static Ports free() {
      return new Ports(FreePorts.next(), FreePorts.next(), FreePorts.next());
    }
  }

  private static final String HOST = "127.0.0.1";

  private final Ports ports;
  private final Path dynamoDbDirectory;
  private final BlobStore blobs = new TransientNio2BlobStore();
  private SQSRestServer sqs;
  private S3Proxy s3;
  private Dynalite dynamodb;

  private EmbeddedAws(Ports ports, Path dynamoDbDirectory) {
    this.ports = ports;
    this.dynamoDbDirectory = dynamoDbDirectory;
  }

  /** @param dynamoDbDirectory where DynamoDB keeps its tables, or null to keep them in memory */
  public static EmbeddedAws start(Ports ports, Path dynamoDbDirectory) throws Exception {
    EmbeddedAws aws = new EmbeddedAws(ports, dynamoDbDirectory);
    try {
      aws.startDynamoDb();
      aws.startSqs();
      aws.startS3();
    } catch (Exception e) {
      aws.close();
      throw e;
    }
    return aws;
  }

  public String sqsEndpoint() {
    return "http://" + HOST + ":" + ports.sqs();
  }

  public String s3Endpoint() {
    return "http://" + HOST + ":" + ports.s3();
  }

  public String dynamodbEndpoint() {
    return "http://" + HOST + ":" + ports.dynamodb();
  }

  public synchronized void startSqs() {
    sqs = SQSRestServerBuilder.withInterface(HOST).withPort(ports.sqs())
        .withServerAddress(new NodeAddress("http", HOST, ports.sqs(), ""))
        .start();
    sqs.waitUntilStarted();
  }

  public synchronized void stopSqs() {
    if (sqs != null) {
      sqs.stopAndWait();
      sqs = null;
    }
  }

  public synchronized void startS3() throws Exception {
    // Without authorization, so that any access key works, as the local defaults promise.
    s3 = S3Proxy.builder()
        .blobStore(blobs)
        .endpoint(URI.create(s3Endpoint()))
        .awsAuthentication(AuthenticationType.NONE, null, null)
        .build();
    s3.start();
    while (!"STARTED".equals(s3.getState())) {
      Thread.sleep(10);
    }
  }

  public synchronized void stopS3() throws Exception {
    if (s3 != null) {
      s3.stop();
      s3 = null;
    }
  }

  public synchronized void startDynamoDb() throws Exception {
    dynamodb = Dynalite.start(HOST, ports.dynamodb(), dynamoDbDirectory);
  }

  public synchronized void stopDynamoDb() {
    if (dynamodb != null) {
      dynamodb.close();
      dynamodb = null;
    }
  }

  @Override
  public void close() throws Exception {
    stopSqs();
    stopS3();
    stopDynamoDb();
  }
}
