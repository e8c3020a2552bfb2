package io.logmeter.fold;

import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RawRecordReader;
import io.logmeter.archive.RecordLocation;
import io.logmeter.ledger.PackedEntries;
import io.logmeter.ledger.UsageLedger;
import io.logmeter.message.LogRecord;
import io.logmeter.retry.AwsErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fold's owner, on every instance, acting on the one that holds the {@link Lease}. While it
 * holds it, it receives the fold queue's pointers, reads the archive objects they name, counts each
 * message once per account and hour ({@link FoldState}), and each period publishes what it counted:
 * a {@link FoldPeriod} object, then the {@link FoldHead} under its epoch, then the pointers'
 * deletes. Records of hours already written go through the pages ledger ({@link UsageLedger}), which
 * finds their duplicates in the hour's pages. Hours over for {@code foldCompactAfterSeconds} are
 * written account by account ({@link Compactor}).
 *
 * <p>Exact across failures: what a period counted is kept until the head names it, and a period
 * once written is published unchanged, however many tries it takes; a pointer is deleted only once
 * its period is published; a new owner rebuilds the ids of the hours not compacted from the
 * archive objects the head's periods name, so that a pointer folded again counts nothing twice.
 * Confined to its verticle's context.
 */
public final class FoldOwner {

  private static final Logger log = LoggerFactory.getLogger(FoldOwner.class);

  /**
   * How long the owner holds a pointer it received, in leases: an earlier owner's come back after
   * it. Longer than a period takes, and no longer than an owner may act unrenewed, twice over.
   */
  static int pointerVisibilitySeconds(FoldSettings settings) {
    return 2 * settings.foldLeaseSeconds();
  }
  /** Allowance for the clocks of the instances that send pointers. */
  static final Duration SEND_SKEW = Duration.ofSeconds(1);
  /** With nothing to fold, a period is still published this often, so that {@code countedThrough} moves. */
  static final Duration IDLE_PUBLISH = Duration.ofSeconds(5);
  static final int MAX_COMPACTED_PER_PERIOD = 2000;
  /** How soon a receive paused by a full period looks again. */
  static final long RECEIVE_PAUSE_MILLIS = 50;
  static final int PARALLEL_WRITES = 16;
  static final int PARALLEL_READS = 16;

  /** What the owner tells: a period published, how many it folded, what it compacted. */
  public interface Observer {
    Observer NONE = new Observer() {
    };

    /** A period the head names now. */
    default void published(FoldPeriod period) {
    }

    /** Records read from archive objects: counted, found counted before, or of hours already written. */
    default void folded(long counted, int duplicates, int late) {
    }

    default void compacted(int accountHours, int pages) {
    }

    default void took(long epoch) {
    }
  }

  private final Vertx vertx;
  private final Lease lease;
  private final FoldHead head;
  private final PeriodChain chain;
  private final FoldQueue queue;
  private final Function<String, Future<byte[]>> objects;
  private final Compactor compactor;
  private final UsageLedger late;
  private final FoldSettings settings;
  private final Clock clock;
  private final Observer observer;
  private final String owner;

  private long leaseTimer = -1;
  private long cycleTimer = -1;
  private boolean leasing;
  private boolean cycling;
  private boolean receiving;
  /** The long poll under way, if any: a stop waits for it, since SQS may have handed it pointers. */
  private Future<Void> polling = Future.succeededFuture();

  /** The epoch acted under; 0 when not owner. Async steps begun under another epoch do nothing. */
  private long epoch;
  private FoldState state;
  private long period;
  private long publishedBy;
  private Instant countedThrough;
  private Instant compactedBefore;
  /** Before this, {@code countedThrough} does not move: pointers an earlier owner held may come back. */
  private Instant holdThroughUntil;
  /** Pointers this instance held under an earlier epoch and could not give back are hidden until then. */
  private Instant hiddenUntil = Instant.EPOCH;
  /** Gives back of pointers under way: until they end, those pointers are not visible to a receive. */
  private int givingBack;
  /** When this epoch's folding began (its rebuild): what it did not receive before may still be on its way. */
  private Instant foldingSince;
  private Instant lastPublished;
  /** Received, not folded yet. */
  private List<Message> received = new ArrayList<>();
  /** Taken from {@link #received} and {@link #unreadable} by the period under way, while their objects are read. */
  private int reading;
  /**
   * Pointers whose object could not be read, by message id (the latest delivery of each): tried
   * again each period, and {@code countedThrough} stays before the oldest until it is folded.
   */
  private final Map<String, Message> unreadable = new LinkedHashMap<>();
  /** The objects of {@link #unreadable}, each logged once. */
  private final Set<String> reportedUnreadable = new java.util.HashSet<>();
  /** When the latest receive that left the queue empty was sent. */
  private Instant drainedAt = Instant.EPOCH;
  /** Folded, not published yet: the pointers, their objects, the sums counted, late records to write. */
  private final List<Message> folded = new ArrayList<>();
  private final Set<String> foldedObjects = new LinkedHashSet<>();
  private final Map<FoldState.AccountHour, FoldState.Tally> counted = new LinkedHashMap<>();
  private final Map<FoldState.AccountHour, PackedEntries> entries = new LinkedHashMap<>();
  private final List<ArchivedRecord> lateRecords = new ArrayList<>();
  /** A period written and sent to the head whose outcome is not known: published again, unchanged. */
  private FoldPeriod unconfirmed;
  private List<Message> unconfirmedPointers = List.of();

  public FoldOwner(Vertx vertx, Lease lease, FoldHead head, PeriodChain chain, FoldQueue queue,
      Function<String, Future<byte[]>> objects, Compactor compactor, UsageLedger late, FoldSettings settings,
      Clock clock, Observer observer, String owner) {
    this.vertx = vertx;
    this.lease = lease;
    this.head = head;
    this.chain = chain;
    this.queue = queue;
    this.objects = objects;
    this.compactor = compactor;
    this.late = late;
    this.settings = settings;
    this.clock = clock;
    this.observer = observer;
    this.owner = owner;
  }

  public void start() {
    leaseTimer = vertx.setPeriodic(0, settings.foldLeaseSeconds() * 1000L / 3, id -> renew());
    cycleTimer = vertx.setPeriodic(settings.foldPeriodMillis(), id -> cycle());
  }

  /** Publishes what is folded, then gives the lease up for another instance to take at once. */
  public Future<Void> stop() {
    vertx.cancelTimer(leaseTimer);
    vertx.cancelTimer(cycleTimer);
    if (epoch == 0) {
      return Future.succeededFuture();
    }
    long stopping = epoch;
    receiving = false;
    // The last polls' pointers are folded first: the last period's countedThrough covers them.
    return polling.transform(v -> waitForCycle())
        .compose(v -> epoch == stopping && state != null ? foldAndPublish(stopping) : Future.succeededFuture())
        .otherwise(failure -> {
          log.warn("fold: the last period was not published ({}); the next owner folds its pointers again",
              AwsErrors.code(failure));
          return null;
        })
        // Its pointers visible again before the lease goes, so that the next owner need not wait for
        // them; if they could not be, the lease runs out instead, and the next owner waits.
        .compose(v -> lose("stopping"))
        .compose(released -> released ? lease.release(later(holdThroughUntil, hiddenUntil)) : Future.succeededFuture());
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** When the oldest pointer waiting for its object was sent; the far future when none waits. */
  private Instant oldestUnreadable() {
    Instant oldest = Instant.MAX;
    for (Message m : unreadable.values()) {
      oldest = earlier(oldest, FoldPointer.decode(m.body()).archivedAt());
    }
    return oldest;
  }

  public boolean owning() {
    return epoch != 0;
  }

  private Future<Void> waitForCycle() {
    if (!cycling) {
      return Future.succeededFuture();
    }
    return Future.future(p -> vertx.setTimer(20, id -> waitForCycle().onComplete(p)));
  }

  private void renew() {
    if (leasing) {
      return;
    }
    leasing = true;
    lease.takeOrRenew().onComplete(done -> {
      leasing = false;
      Optional<Long> held = done.succeeded() ? done.result() : lease.held();
      if (done.failed()) {
        log.warn("fold: lease not renewed ({})", AwsErrors.code(done.cause()));
      }
      if (held.isPresent() && held.get() != epoch) {
        take(held.get());
      } else if (held.isEmpty() && epoch != 0) {
        lose("lease lost");
      }
    });
  }

  private void take(long taken) {
    if (epoch != 0) {
      lose("lease taken again under epoch " + taken);
    }
    epoch = taken;
    drainedAt = Instant.EPOCH;
    // Pointers an earlier owner held come back within their visibility timeout (they were received
    // before its lease ended, so before this take), unless it gave them back itself, then the lease:
    // then only what an owner before it still held back (it hands that on with the lease), or nothing
    // (the first epoch).
    Instant now = clock.instant();
    Instant hidden = now.plusSeconds(pointerVisibilitySeconds(settings));
    holdThroughUntil = taken == 1 ? now
        : lease.tookReleased() ? later(now, lease.releasedHoldUntil())
        : hidden;
    // This instance's own pointers of an earlier epoch: those it could not give back, and those a
    // poll, a read or a give-back still under way holds (taken again at once after a lapse).
    boolean underWay = givingBack > 0 || !polling.isComplete() || cycling;
    holdThroughUntil = later(holdThroughUntil, underWay ? hidden : hiddenUntil);
    log.info("fold: owner {} takes epoch {}", owner, taken);
    observer.took(taken);
    head.claim(taken).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("a later epoch claimed the head"));
      }
      return rebuild(taken, claimed.get());
    }).onFailure(failure -> {
      if (epoch == taken) {
        log.warn("fold: epoch {} could not start ({}); giving it up", taken, AwsErrors.code(failure), failure);
        lose("start failed");
        lease.release(later(holdThroughUntil, hiddenUntil));
      }
    });
  }

  /**
   * The ids of the hours not compacted, from the archive objects of the periods since: what the
   * earlier owners counted. Their late records and compactions were written before their periods
   * were published, so only the ids matter here.
   */
  private Future<Void> rebuild(long taken, FoldHead.State at) {
    Instant now = clock.instant();
    // Where the fold begins, when it never folded: the hour set by FoldHead.start, or this one.
    Instant from = at.compactedBefore().isAfter(Instant.EPOCH) ? at.compactedBefore()
        : now.truncatedTo(ChronoUnit.HOURS);
    return chain.since(0, from.minus(FoldView.SKEW), at).compose(periods -> {
      Set<String> keys = new LinkedHashSet<>();
      periods.forEach(p -> keys.addAll(p.objects()));
      return read(new ArrayList<>(keys)).map(read -> {
        if (epoch != taken) {
          return null;
        }
        // Every object the periods name, or no rebuild: an id left out could be counted again.
        List<ArchivedRecord> records = new ArrayList<>();
        read.forEach((key, got) -> {
          if (got == null) {
            throw new IllegalStateException("archive object " + key + " of the periods could not be read");
          }
          records.addAll(got);
        });
        state = new FoldState(from);
        state.fold(records, now);
        period = at.period();
        publishedBy = at.publishedBy();
        countedThrough = at.countedThrough();
        compactedBefore = state.compactedBefore();
        lastPublished = now;
        foldingSince = now;
        log.info("fold: epoch {} rebuilt {} ids from {} objects of {} periods; folding from period {}", taken,
            state.idsHeld(), keys.size(), periods.size(), period);
        receiving = true;
        receive(taken);
        return null;
      });
    });
  }

  /** Stops acting; completes once the pointers held are visible again, true, or could not be made so, false. */
  private Future<Boolean> lose(String why) {
    if (epoch == 0) {
      return Future.succeededFuture(true);
    }
    log.info("fold: owner {} stops folding epoch {} ({})", owner, epoch, why);
    epoch = 0;
    receiving = false;
    state = null;
    // Not deleted: visible again at once for the next owner, which folds them again, counting nothing twice.
    List<Message> held = new ArrayList<>(received);
    held.addAll(unreadable.values());
    unreadable.clear();
    reportedUnreadable.clear();
    held.addAll(folded);
    held.addAll(unconfirmedPointers);
    received = new ArrayList<>();
    folded.clear();
    foldedObjects.clear();
    counted.clear();
    entries.clear();
    lateRecords.clear();
    unconfirmed = null;
    unconfirmedPointers = List.of();
    return giveBack(held);
  }

  /**
   * Makes pointers this instance held visible again at once; true when they are. When they could
   * not be, they come back after their visibility timeout, and a later epoch here waits for them.
   */
  private Future<Boolean> giveBack(List<Message> held) {
    if (held.isEmpty()) {
      return Future.succeededFuture(true);
    }
    givingBack++;
    return queue.release(held).map(true).otherwise(failure -> {
      log.warn("fold: {} pointers not released ({}); they come back after their visibility timeout", held.size(),
          AwsErrors.code(failure));
      hiddenUntil = later(hiddenUntil, clock.instant().plusSeconds(pointerVisibilitySeconds(settings)));
      return false;
    }).onComplete(done -> givingBack--);
  }

  private void receive(long under) {
    if (!receiving || epoch != under || !actingUnder(under)) {
      return;
    }
    // At most foldPointersPerPeriod held: a backlog waits in the queue, not in memory (nor among
    // SQS's messages in flight), and a period, the first after a take-over too, folds at most that.
    int room = settings.foldPointersPerPeriod() - held();
    if (room <= 0) {
      vertx.setTimer(RECEIVE_PAUSE_MILLIS, id -> receive(under));
      return;
    }
    int asked = Math.min(room, FoldQueue.RECEIVE_MAX);
    Instant sent = clock.instant();
    polling = queue.receive(asked, 1, pointerVisibilitySeconds(settings)).map(got -> {
      if (epoch != under) {
        giveBack(got);
      }
      return got;
    }).onComplete(done -> {
      if (epoch != under) {
        return;
      }
      if (done.succeeded()) {
        received.addAll(done.result());
        if (done.result().size() < asked) {
          drainedAt = sent;
        }
        receive(under);
      } else {
        log.warn("fold: receive failed ({})", AwsErrors.code(done.cause()));
        vertx.setTimer(1000, id -> receive(under));
      }
    }).mapEmpty();
  }

  private void cycle() {
    if (cycling || epoch == 0 || state == null) {
      return;
    }
    long under = epoch;
    if (!actingUnder(under)) {
      return;
    }
    cycling = true;
    foldAndPublish(under)
        .onFailure(failure -> {
          if (epoch == under) {
            log.warn("fold: period not published ({}); trying again", AwsErrors.code(failure), failure);
          }
        })
        .onComplete(done -> cycling = false);
  }

  /**
   * Folds the pointers received, then publishes. The drain seen before them is the one the period
   * may count through: every pointer sent before it was received by then, and is folded here.
   */
  private Future<Void> foldAndPublish(long under) {
    List<Message> taking = new ArrayList<>(unreadable.values());
    unreadable.clear();
    taking.addAll(received);
    received = new ArrayList<>();
    Instant drained = drainedAt;
    reading = taking.size();
    return foldPointers(under, taking)
        .onComplete(done -> reading = 0)
        .compose(v -> epoch == under ? publishPending(under, drained) : Future.succeededFuture());
  }

  /**
   * The pointers this instance holds: received, being read, waiting for their object, folded or
   * published and not deleted yet. Each is in flight in the fold queue.
   */
  private int held() {
    return received.size() + reading + unreadable.size() + folded.size() + unconfirmedPointers.size();
  }

  /**
   * Whether this owner may still act under {@code under}: its lease, by the monotonic clock. A
   * renewal that hangs (DynamoDB unreachable while SQS is not) must not let it go on receiving
   * pointers, and hiding them, after another may have taken the lease.
   */
  private boolean actingUnder(long under) {
    if (lease.held().orElse(0L) == under) {
      return true;
    }
    if (epoch == under) {
      lose("lease ran out");
    }
    return false;
  }

  /**
   * Reads the objects the pointers name and folds them. A pointer whose object cannot be read waits
   * for the next period ({@link #unreadable}); the others are folded, so that one object never read
   * stops nothing but {@code countedThrough}.
   */
  private Future<Void> foldPointers(long under, List<Message> pointers) {
    if (pointers.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, List<Message>> byKey = new LinkedHashMap<>();
    List<Message> malformed = new ArrayList<>();
    for (Message m : pointers) {
      try {
        byKey.computeIfAbsent(FoldPointer.decode(m.body()).objectKey(), k -> new ArrayList<>()).add(m);
      } catch (IllegalArgumentException e) {
        log.error("fold: dropping a message of the fold queue that is no pointer: {}", e.getMessage());
        malformed.add(m);
      }
    }
    queue.delete(malformed);
    List<String> keys = new ArrayList<>(byKey.keySet());
    keys.removeAll(foldedObjects);
    return read(keys).map(read -> {
      if (epoch != under) {
        // Stopped while reading (the lease lapsed): visible again at once for the next owner.
        List<Message> pending = new ArrayList<>();
        byKey.values().forEach(pending::addAll);
        giveBack(pending);
        return null;
      }
      List<ArchivedRecord> records = new ArrayList<>();
      read.forEach((key, got) -> {
        if (got == null) {
          if (reportedUnreadable.add(key)) {
            log.warn("fold: {} could not be read; its pointer waits, and countedThrough with it", key);
          }
          byKey.remove(key).forEach(m -> unreadable.put(m.messageId(), m));
        } else {
          reportedUnreadable.remove(key);
          records.addAll(got);
          foldedObjects.add(key);
        }
      });
      FoldState.Folded f = state.fold(records, clock.instant());
      f.counted().forEach(this::addCounted);
      f.entries().forEach((key, added) -> entries.merge(key, added, (held, more) -> {
        held.addAll(more);
        return held;
      }));
      lateRecords.addAll(f.late());
      observer.folded(f.counted().stream().mapToLong(FoldState.Tally::messages).sum(), f.duplicates(),
          f.late().size());
      byKey.values().forEach(folded::addAll);
      return null;
    }).mapEmpty();
  }

  private void addCounted(FoldState.Tally t) {
    counted.merge(new FoldState.AccountHour(t.accountId(), t.hour()), t,
        (a, b) -> new FoldState.Tally(a.accountId(), a.hour(), a.bytes() + b.bytes(), a.messages() + b.messages()));
  }

  /**
   * Publishes, in this order: a period written before and not confirmed (unchanged); the late
   * records, through the pages ledger; the hours due for compaction; the period of what was folded.
   */
  private Future<Void> publishPending(long under, Instant drained) {
    if (unconfirmed != null) {
      return publish(under, unconfirmed, unconfirmedPointers).compose(v -> epoch == under
          ? publishPending(under, drained) : Future.succeededFuture());
    }
    return writeLate(under).compose(v -> compact(under)).compose(compactedAny -> {
      if (epoch != under) {
        return Future.succeededFuture();
      }
      Instant now = clock.instant();
      Instant through = countedThrough;
      // A drain seen by a receive sent once the hold ended: pointers an earlier owner held were
      // visible again by then, so that receive had them too.
      Instant reached = earlier(drained, oldestUnreadable()).minus(SEND_SKEW);
      if (!drained.isBefore(holdThroughUntil) && reached.isAfter(through)) {
        through = reached;
      }
      boolean changed = !counted.isEmpty() || !folded.isEmpty() || compactedAny
          || !state.compactedBefore().equals(compactedBefore);
      if (!changed && Duration.between(lastPublished, now).compareTo(IDLE_PUBLISH) < 0) {
        return Future.succeededFuture();
      }
      if (!changed && through.equals(countedThrough)) {
        return Future.succeededFuture();
      }
      List<FoldPeriod.Entries> listed = new ArrayList<>(entries.size());
      entries.forEach((key, packed) -> listed.add(new FoldPeriod.Entries(key.accountId(), key.hour(),
          packed.packed(), packed.keys())));
      FoldPeriod next = new FoldPeriod(under, period + 1, publishedBy, now, through, state.compactedBefore(),
          new ArrayList<>(foldedObjects), new ArrayList<>(counted.values()), listed);
      List<Message> pointers = new ArrayList<>(folded);
      folded.clear();
      foldedObjects.clear();
      counted.clear();
      entries.clear();
      unconfirmed = next;
      unconfirmedPointers = pointers;
      return publish(under, next, pointers);
    });
  }

  /** Writes the period's object, moves the head to it, then deletes its pointers. */
  private Future<Void> publish(long under, FoldPeriod p, List<Message> pointers) {
    if (lease.held().orElse(0L) != under) {
      lose("lease ran out before period " + p.period());
      return Future.succeededFuture();
    }
    return chain.put(p)
        .compose(v -> head.advance(under, p.period() - 1, p.period(), p.countedThrough(), p.compactedBefore()))
        .compose(advanced -> advanced.isPresent() ? Future.succeededFuture(true) : head.read().map(now ->
            now.period() == p.period() && now.publishedBy() == under))
        .compose(published -> {
          if (epoch != under) {
            return Future.succeededFuture();
          }
          if (!published) {
            lose("another owner published period " + p.period());
            return Future.succeededFuture();
          }
          unconfirmed = null;
          unconfirmedPointers = List.of();
          observer.published(p);
          period = p.period();
          publishedBy = under;
          countedThrough = p.countedThrough();
          compactedBefore = p.compactedBefore();
          lastPublished = p.at();
          return queue.delete(pointers).otherwise(failure -> {
            log.warn("fold: pointers of period {} not deleted ({}); they are folded again, counting nothing",
                p.period(), AwsErrors.code(failure));
            return null;
          });
        });
  }

  /** The late records, through the pages ledger; what it counts joins the period's sums. */
  private Future<Void> writeLate(long under) {
    if (lateRecords.isEmpty()) {
      return Future.succeededFuture();
    }
    List<ArchivedRecord> writing = new ArrayList<>(lateRecords);
    // What is counted joins the period as soon as it is, also when the commit then fails part-way:
    // tried again, those records are found counted, and would be in no period's sums.
    return late.commit(writing, chunk -> {
      if (epoch == under) {
        for (ArchivedRecord r : chunk.committed()) {
          LogRecord record = r.record();
          addCounted(new FoldState.Tally(record.accountId(), record.eventTime().truncatedTo(ChronoUnit.HOURS),
              record.bytes(), 1));
        }
      }
    }).map(outcome -> {
      if (epoch == under) {
        lateRecords.subList(0, writing.size()).clear();
      }
      return null;
    });
  }

  /** Writes the account-hours due, a bounded number per period; true when it wrote any. */
  private Future<Boolean> compact(long under) {
    if (epoch != under || state == null) {
      return Future.succeededFuture(false);
    }
    // An hour is written once it ended and then counted nothing for the margin. Quiet means quiet for
    // this owner too: it has folded for the margin and counted through it. Before that, the pointers
    // of an hour it holds nothing of may still be on their way (a backlog of an ended hour meeting an
    // owner just started, or one behind its queue), and passing the hour would make them all late.
    Instant quietSince = clock.instant().minus(Duration.ofSeconds(settings.foldCompactAfterSeconds()));
    if (quietSince.isBefore(foldingSince) || countedThrough.isBefore(quietSince)) {
      return Future.succeededFuture(false);
    }
    List<FoldState.Due> due = state.due(quietSince.truncatedTo(ChronoUnit.HOURS), quietSince,
        MAX_COMPACTED_PER_PERIOD);
    if (due.isEmpty()) {
      return Future.succeededFuture(false);
    }
    String writer = owner + '/' + under;
    int[] pages = new int[1];
    return inParallel(due, PARALLEL_WRITES, d -> compactor.write(d, writer).map(written -> {
      if (epoch == under) {
        state.compacted(d.accountId(), d.hour());
        pages[0] += written.pages();
      }
      return null;
    })).map(v -> {
      observer.compacted(due.size(), pages[0]);
      return true;
    });
  }

  /** Reads the archive objects: their records with where each lies, by key; null for one that could not be read. */
  private Future<Map<String, List<ArchivedRecord>>> read(List<String> keys) {
    Map<String, List<ArchivedRecord>> byObject = new LinkedHashMap<>();
    keys.forEach(key -> byObject.put(key, null));
    return inParallel(keys, PARALLEL_READS, key -> objects.apply(key).map(bytes -> {
      List<ArchivedRecord> records = new ArrayList<>();
      int unreadableLines = RawRecordReader.read(bytes, (r, offset, length) -> records.add(new ArchivedRecord(
          new LogRecord(r.messageId(), r.accountId(), r.eventTime(), r.bytes(), null),
          new RecordLocation(key, offset, length))));
      if (unreadableLines > 0) {
        log.error("fold: {} lines of {} are unreadable and not counted", unreadableLines, key);
      }
      byObject.put(key, records);
      return null;
    }).otherwise(failure -> {
      log.debug("fold: {} not read ({})", key, AwsErrors.code(failure));
      return null;
    })).map(v -> byObject);
  }

  /** Runs {@code step} on every item, at most {@code parallel} at a time; fails with the first failure, once all ended. */
  private static <T> Future<Void> inParallel(List<T> items, int parallel, Function<T, Future<?>> step) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    int[] next = {0};
    List<Future<?>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(parallel, items.size()); lane++) {
      lanes.add(lane(items, next, step));
    }
    return Future.join(lanes).mapEmpty();
  }

  private static <T> Future<Void> lane(List<T> items, int[] next, Function<T, Future<?>> step) {
    if (next[0] >= items.size()) {
      return Future.succeededFuture();
    }
    T item = items.get(next[0]++);
    return step.apply(item).compose(v -> lane(items, next, step));
  }
}
