package io.logmeter.faults;

/** {@link DynamoDbFaults} for tests of other packages that drive the ledger directly. */
public final class DynamoDbFaultsAccess implements AutoCloseable {

  private final DynamoDbFaults faults;

  private DynamoDbFaultsAccess(DynamoDbFaults faults) {
    this.faults = faults;
  }

  /** Throttles {@code share} of the writes and refuses as invalid those holding {@code refused}. */
  public static DynamoDbFaultsAccess throttling(String target, double share, String refused) throws Exception {
    DynamoDbFaults faults = new DynamoDbFaults(target, new DynamoDbFaults.Rates(0, 0, share, 0));
    faults.refuseItemsContaining(refused);
    return new DynamoDbFaultsAccess(faults);
  }

  public String endpoint() {
    return faults.endpoint();
  }

  public long throttled() {
    return faults.throttled.get();
  }

  @Override
  public void close() throws Exception {
    faults.close();
  }
}
