package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleBuilder;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Build progress: a progress bar (files, bytes, rate, ETA) on a terminal, plain lines every few
 * seconds otherwise, nothing with --quiet or --json.
 */
final class ConsoleProgress implements BundleBuilder.Progress {
  private static final long PLAIN_INTERVAL_NANOS = 2_000_000_000L;
  private final PrintWriter err;
  private final boolean silent;
  private final boolean terminal = System.console() != null;
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong lastLine = new AtomicLong(System.nanoTime());
  private volatile int total;
  private volatile boolean printedAll;
  private ProgressBar bar;

  ConsoleProgress(PrintWriter err, boolean silent) {
    this.err = err;
    this.silent = silent;
  }

  @Override
  public synchronized void expect(int files) {
    total = files;
    if (!silent && terminal && bar == null) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("fetching")
              .setInitialMax(files)
              .setStyle(ProgressBarStyle.ASCII)
              .setUnit(" files", 1)
              .showSpeed()
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
              .build();
    }
  }

  @Override
  public void done(String name, long size, boolean fromCache) {
    int n = done.incrementAndGet();
    long b = bytes.addAndGet(size);
    if (silent) {
      return;
    }
    if (bar != null) {
      synchronized (this) {
        // Read the counters under the lock, so that the bar never moves backwards.
        bar.stepTo(done.get());
        bar.setExtraMessage(" " + (bytes.get() / 1024) + " KiB verified");
      }
      return;
    }
    long now = System.nanoTime();
    long last = lastLine.get();
    if ((now - last > PLAIN_INTERVAL_NANOS || n == total) && lastLine.compareAndSet(last, now)) {
      synchronized (err) {
        err.printf("verified %d/%d files, %d KiB%n", n, total, b / 1024);
        printedAll = n == total;
        err.flush();
      }
    }
  }

  @Override
  public void stage(String message) {
    if (silent) {
      return;
    }
    if (bar == null) {
      synchronized (err) {
        err.println(message);
        err.flush();
      }
    }
  }

  synchronized void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    } else if (!silent && done.get() > 0 && !printedAll) {
      synchronized (err) {
        err.printf("verified %d files, %d KiB%n", done.get(), bytes.get() / 1024);
        err.flush();
      }
    }
  }
}
