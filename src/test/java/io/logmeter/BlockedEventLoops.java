package io.logmeter;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Vert.x's blocked-thread checker reported an event loop blocked while it ran:
 * a Logback appender (see logback-test.xml) collects the reports, this extension (registered for
 * every test class) checks them after each class.
 */
public final class BlockedEventLoops extends AppenderBase<ILoggingEvent> implements AfterAllCallback {

  private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getFormattedMessage().contains("has been blocked for")) {
      REPORTS.add(event.getThreadName() + ": " + event.getFormattedMessage());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> reports = takeReports();
    if (!reports.isEmpty()) {
      throw new AssertionError("event loop blocked during " + context.getDisplayName() + ": " + reports);
    }
  }

  /** The reports collected since the last call. */
  static synchronized List<String> takeReports() {
    List<String> reports = List.copyOf(REPORTS);
    REPORTS.removeAll(reports);
    return reports;
  }
}
