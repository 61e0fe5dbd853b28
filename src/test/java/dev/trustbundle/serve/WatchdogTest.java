package dev.trustbundle.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A critical part that stops running is reported once, so that the process exits. */
class WatchdogTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final List<String> fatal = new ArrayList<>();
  final Watchdog dog = new Watchdog(30_000, now::get, fatal::add);

  @Test
  void partsThatRunTheirBeatAreNeverReported() {
    dog.watch("alive", Runnable::run);
    for (int i = 0; i < 120; i++) {
      now.addAndGet(1000);
      dog.check();
    }
    assertThat(fatal).isEmpty();
  }

  @Test
  void aDeadExecutorIsReportedOnceAfterTheStallTime() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    pool.shutdownNow();
    dog.watch("alive", Runnable::run);
    dog.watch("the worker pool", Watchdog.executor(pool));
    for (int i = 0; i < 30; i++) {
      now.addAndGet(1000);
      dog.check();
    }
    assertThat(fatal).isEmpty();
    for (int i = 0; i < 30; i++) {
      now.addAndGet(1000);
      dog.check();
    }
    assertThat(fatal).hasSize(1);
    assertThat(fatal.get(0)).startsWith("the worker pool has not run for 3");
    assertThat(dog.fired()).isTrue();
  }

  @Test
  void aLongLoadWithinItsGrantIsNotTakenForAStallButAStuckOneIs() {
    dog.watchSelfBeating("the import watcher");
    // A version that takes a minute to verify: the watcher is busy, not dead.
    dog.grant("the import watcher", MirrorServer.LOAD_GRACE_MILLIS);
    for (int i = 0; i < 60; i++) {
      now.addAndGet(1000);
      dog.check();
    }
    assertThat(fatal).isEmpty();
    // One that never ends is still reported, once the grant and the stall time are over.
    now.addAndGet(MirrorServer.LOAD_GRACE_MILLIS);
    dog.check();
    assertThat(fatal).hasSize(1);
  }

  @Test
  void aSelfBeatingPartThatStopsBeatingIsReported() {
    dog.watchSelfBeating("the import watcher");
    now.addAndGet(10_000);
    dog.beat("the import watcher");
    now.addAndGet(29_000);
    dog.check();
    assertThat(fatal).isEmpty();
    now.addAndGet(2_000);
    dog.check();
    assertThat(fatal).containsExactly("the import watcher has not run for 31 s");
  }

  @Test
  void anErrorThatEndsAThreadIsFatal() throws Exception {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      MirrorServer.exitOnThreadDeath(seen::add);
      Thread t =
          new Thread(
              () -> {
                throw new OutOfMemoryError("Java heap space");
              },
              "HttpClient-selector");
      t.start();
      t.join();
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0)).contains("HttpClient-selector").contains("OutOfMemoryError");
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }
}
