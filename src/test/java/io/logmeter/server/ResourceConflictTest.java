package io.logmeter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.ServiceProcess;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A queue that exists with other attributes is a configuration error, told as one, not an outage. */
class ResourceConflictTest {

  @Test
  void serveStopsAndSaysWhatDiffersWhenTheQueueExistsWithAnotherVisibilityTimeout() throws Exception {
    TestStack stack = TestStack.shared();
    Names names = Names.fresh();
    // As the emulators command or an earlier run made it, with the default timeout.
    stack.sqs.createQueue(q -> q.queueName(names.queue())
        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60")));
    int port = TestStack.freePort();
    try (ServiceProcess service = ServiceProcess.start(stack.config(names, port).put("visibilityTimeoutSeconds", 10))) {
      assertThat(service.awaitExit(Duration.ofSeconds(60))).as("the service stops; log %s", service.log()).isTrue();
      assertThat(service.exitCode()).isEqualTo(2);
      String log = Files.readString(service.log());
      assertThat(log).contains("the queue " + names.queue() + " exists with other attributes")
          .contains("VisibilityTimeout is 60, the configuration asks 10 (visibilityTimeoutSeconds)")
          .doesNotContain("do not answer");
    }
  }

  @Test
  void aRedrivePolicyThatSpellsItsCountAsANumberIsTheSamePolicy() {
    String arn = "arn:aws:sqs:eu-west-1:000000000000:logmeter-dlq";
    Map<QueueAttributeName, String> wanted = Map.of(QueueAttributeName.REDRIVE_POLICY,
        "{\"deadLetterTargetArn\":\"" + arn + "\",\"maxReceiveCount\":\"5\"}");
    assertThat(Resources.differences(wanted, Map.of(QueueAttributeName.REDRIVE_POLICY,
        "{\"maxReceiveCount\":5,\"deadLetterTargetArn\":\"" + arn + "\"}"))).isEmpty();
    assertThat(Resources.differences(wanted, Map.of(QueueAttributeName.REDRIVE_POLICY,
        "{\"maxReceiveCount\":3,\"deadLetterTargetArn\":\"" + arn + "\"}")))
        .singleElement().asString().startsWith("RedrivePolicy is {\"maxReceiveCount\":3")
        .endsWith("(maxReceiveCount, dlqName)");
  }
}
