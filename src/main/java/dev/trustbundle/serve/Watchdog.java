package dev.trustbundle.serve;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Notices when a thread serve cannot work without has died or stopped, and reports it once, so that
 * the process exits and its supervisor restarts it (issue 11: after an OutOfMemoryError killed
 * Jetty's selector, acceptor and scheduler threads, the process lived on answering nothing, and
 * systemd saw nothing to restart). Each critical part is given a small task every second — the
 * Jetty scheduler, each selector (which also accepts connections), the worker pool and the import
 * watcher — and a part whose task has not run for {@code stallMillis} is taken as dead. The checks
 * run on a thread of their own, started before any load, that allocates next to nothing.
 */
final class Watchdog {
  /** A part under watch: how to give it its heartbeat task. */
  interface Part {
    /** Hands {@code beat} to the part; it runs it when it is alive. */
    void poke(Runnable beat);
  }

  private static final String STALLED = "a part serve needs has stopped running";
  private static final String FAILED = "the watchdog itself failed (out of memory?)";

  private final Map<String, Part> parts = new ConcurrentHashMap<>();
  private final Map<String, Long> beats = new ConcurrentHashMap<>();
  private final long stallMillis;
  private final LongSupplier clock;
  private final Consumer<String> fatal;
  private final AtomicBoolean fired = new AtomicBoolean();
  private volatile boolean running;
  private Thread thread;

  Watchdog(long stallMillis, LongSupplier clock, Consumer<String> fatal) {
    this.stallMillis = stallMillis;
    this.clock = clock;
    this.fatal = fatal;
  }

  /** Watches a part from now on. */
  void watch(String name, Part part) {
    beats.put(name, clock.getAsLong());
    parts.put(name, part);
  }

  /** Watches a part that beats by itself (calls {@link #beat}) at least every second. */
  void watchSelfBeating(String name) {
    watch(name, beat -> {});
  }

  /** Records that a part is alive. */
  void beat(String name) {
    beats.put(name, clock.getAsLong());
  }

  /**
   * Grants a part that is about to do a long, bounded piece of work (loading and verifying a
   * version) {@code graceMillis} more before it counts as stalled; its next beat ends the grant.
   */
  void grant(String name, long graceMillis) {
    beats.put(name, clock.getAsLong() + graceMillis);
  }

  /** Gives every part its task and reports the first one stalled; called every second. */
  void check() {
    long now = clock.getAsLong();
    for (Map.Entry<String, Part> e : parts.entrySet()) {
      String name = e.getKey();
      Long last = beats.get(name);
      if (last != null && now - last > stallMillis) {
        String why = STALLED;
        try {
          why = name + " has not run for " + (now - last) / 1000 + " s";
        } catch (Throwable t) {
          // No memory even for the message: the constant says enough.
        }
        fire(why);
        return;
      }
      try {
        e.getValue().poke(() -> beat(name));
      } catch (RuntimeException ex) {
        // A full queue or a stopped part: its beat stays old and the next checks tell.
      }
    }
  }

  /** Reports a fatal condition (once): the process is to exit. */
  void fire(String why) {
    if (fired.compareAndSet(false, true)) {
      fatal.accept(why);
    }
  }

  /** Whether a fatal condition was reported. */
  boolean fired() {
    return fired.get();
  }

  /** Starts checking every second on a thread of its own. */
  synchronized void start() {
    running = true;
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(1000);
                  if (running) {
                    check();
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (Throwable t) {
                  // Most likely an OutOfMemoryError: the heap is full if even these few bytes
                  // cannot be had. Nothing is built from t, which needs memory too.
                  fire(FAILED);
                  return;
                }
              }
            },
            "trustbundle-watchdog");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops checking (before a graceful stop, which legitimately stops the parts). */
  synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** A part that is an executor: the task is submitted to it. */
  static Part executor(Executor e) {
    return e::execute;
  }
}
