package dev.trustbundle.serve;

import dev.trustbundle.error.Messages;
import dev.trustbundle.error.TrustBundleException;
import dev.trustbundle.store.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Which version is served, and why another is not. The version {@code active.json} names is loaded
 * and verified when it changes (import, rollback, start); one that fails is never served, the last
 * good one is kept, and the failure is recorded once in the history and shown in /status and
 * /metrics. A periodic scrub re-hashes the served version on disk and in memory. Nothing that goes
 * wrong in a load (any {@link Throwable}, an {@link OutOfMemoryError} included) escapes: the
 * watcher that calls these keeps running.
 */
final class Versions {
  /** How long a failed version waits before it is loaded again (its files may be repaired). */
  static final Duration RETRY = Duration.ofMinutes(1);

  /** The most failures kept for display. */
  private static final int KEEP = 20;

  /**
   * Why a version is not served, or what a scrub found.
   *
   * @param bundleId the version
   * @param reason one line
   * @param time when it was found
   */
  record Failure(String bundleId, String reason, Instant time) {}

  /** How a version is read and verified: {@link VersionLoader#load} but in tests. */
  interface Loader {
    /** The verified snapshot, or an exception (any Throwable) when it must not be served. */
    Snapshot load(StateStore.Active version, Instant now);
  }

  private final StateStore store;
  private final Clock clock;
  private final Consumer<String> log;
  private final Loader loader;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final Map<String, Failure> failed = new LinkedHashMap<>();
  private final Map<String, Instant> retryAt = new LinkedHashMap<>();
  private final LongAdder failures = new LongAdder();
  private volatile Failure scrubProblem;
  private volatile Instant lastScrub;
  // The version active.json named at the last look: the one that should be served.
  private volatile String wanted;

  Versions(StateStore store, Clock clock, Consumer<String> log, Loader loader) {
    this.store = store;
    this.clock = clock;
    this.log = log;
    this.loader = loader;
  }

  /** The snapshot served now, or null. */
  Snapshot current() {
    return current.get();
  }

  /**
   * Serves the active version if it changed and verifies; never throws.
   *
   * @return whether another version is now served
   */
  synchronized boolean reload() {
    Optional<StateStore.Active> active;
    try {
      active = store.active();
    } catch (Throwable t) {
      wanted = "active.json";
      fail("active.json", reason(t), false);
      return false;
    }
    if (active.isEmpty()) {
      return false;
    }
    StateStore.Active a = active.get();
    wanted = a.id();
    Snapshot now = current.get();
    if (now != null && now.id().equals(a.id())) {
      return false;
    }
    Instant retry = retryAt.get(a.id());
    if (retry != null && clock.instant().isBefore(retry)) {
      return false;
    }
    try {
      Snapshot loaded = loader.load(a, clock.instant());
      current.set(loaded);
      failed.remove(a.id());
      retryAt.remove(a.id());
      scrubProblem = null;
      return true;
    } catch (Throwable t) {
      fail(a.id(), reason(t), true);
      return false;
    }
  }

  /**
   * Re-hashes the served version's files on disk and its buffers in memory. A disk copy that rotted
   * while memory is intact keeps being served (the bytes served are still the verified ones) and is
   * reported; a buffer that changed in memory stops being served. Never throws.
   */
  synchronized void scrub() {
    Snapshot snap = current.get();
    if (snap == null) {
      return;
    }
    try {
      lastScrub = clock.instant();
      List<String> memory = VersionLoader.scrubMemory(snap);
      if (!memory.isEmpty()) {
        current.compareAndSet(snap, null);
        fail(snap.id(), "scrub: " + summary(memory) + "; no longer served", true);
        return;
      }
      Optional<StateStore.Active> a = store.active();
      if (a.isEmpty() || !a.get().id().equals(snap.id())) {
        return;
      }
      List<String> disk = VersionLoader.scrubDisk(a.get().path(), a.get().manifest());
      if (disk.isEmpty()) {
        scrubProblem = null;
      } else {
        String why =
            "scrub: "
                + summary(disk)
                + "; the copy in memory is intact and still served; import the bundle again";
        Failure before = scrubProblem;
        scrubProblem = new Failure(snap.id(), why, clock.instant());
        if (before == null || !before.reason().equals(why)) {
          failures.increment();
          store.recordVersionFailure(snap.id(), why);
          log.accept("version " + snap.id() + ": " + why);
        }
      }
    } catch (Throwable t) {
      log.accept("scrub of " + snap.id() + " failed: " + reason(t));
    }
  }

  private void fail(String id, String reason, boolean record) {
    retryAt.put(id, clock.instant().plus(RETRY));
    Failure before = failed.remove(id);
    failed.put(id, new Failure(id, reason, clock.instant()));
    while (failed.size() > KEEP) {
      failed.remove(failed.keySet().iterator().next());
    }
    if (before != null && before.reason().equals(reason)) {
      return;
    }
    failures.increment();
    Snapshot snap = current.get();
    String keeps = snap == null ? "nothing is served" : "still serving " + snap.id();
    log.accept("version " + id + " is not served: " + reason + "; " + keeps);
    if (record) {
      store.recordVersionFailure(id, reason);
    }
  }

  private static String summary(List<String> problems) {
    return problems.get(0)
        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more files)" : "");
  }

  static String reason(Throwable t) {
    if (t instanceof TrustBundleException) {
      return Messages.plain(t);
    }
    if (t instanceof OutOfMemoryError) {
      return "does not fit in memory ("
          + Messages.plain(t)
          + "); give serve more memory (-XX:MaxDirectMemorySize, -Xmx) or import a smaller bundle";
    }
    return "cannot be loaded: " + t.getClass().getSimpleName() + ": " + Messages.plain(t);
  }

  /** The failures of versions not served, newest last. */
  synchronized List<Failure> failures() {
    return List.copyOf(failed.values());
  }

  /** The failure of the version active.json names, when it is not the one served. */
  synchronized Optional<Failure> activeFailure() {
    Snapshot snap = current.get();
    String w = wanted;
    if (w == null || (snap != null && snap.id().equals(w))) {
      return Optional.empty();
    }
    return Optional.ofNullable(failed.get(w));
  }

  /** What the last scrub found wrong on disk with the served version, if anything. */
  Optional<Failure> scrubProblem() {
    return Optional.ofNullable(scrubProblem);
  }

  /** When the last scrub ran. */
  Optional<Instant> lastScrub() {
    return Optional.ofNullable(lastScrub);
  }

  /** Failures found since start (loads and scrubs). */
  long failureCount() {
    return failures.sum();
  }
}
