package dev.trustbundle.bench;

import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.CtlVerification;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse and parse+verify of the newest real authroot list (2026-04-22, 515 entries) and of a
 * synthetic signed list of 100,000 entries. Run with {@code scripts/bench/jmh}; add {@code -prof
 * gc} (the script does) for allocation per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CtlBenchmark {
  /** Entries of the synthetic list. */
  public static final int SYNTHETIC_ENTRIES = 100_000;

  private static final Instant AT = Instant.parse("2026-11-23T00:00:00Z");

  byte[] real;
  CtlVerifier realVerifier;
  byte[] synthetic;
  CtlVerifier syntheticVerifier;

  @Setup(Level.Trial)
  public void setUp() {
    Path fixtures =
        Path.of(System.getProperty("trustbundle.fixtures", "../shared/fixtures")).toAbsolutePath();
    real = read(fixtures.resolve("ctl/authroot-2026-04-22.stl"));
    Path roots = fixtures.resolve("certs/roots");
    AnchorSource src =
        sha1 -> {
          Path p = roots.resolve(sha1 + ".crt");
          return Files.exists(p) ? Optional.of(read(p)) : Optional.empty();
        };
    realVerifier = new CtlVerifier(TrustAnchors.microsoft(), src, VerifyOptions.DEFAULT);

    TestPki pki = TestPki.standard();
    CtlBuilder b = new CtlBuilder(pki);
    for (int i = 0; i < SYNTHETIC_ENTRIES; i++) {
      byte[] der = new byte[600];
      der[0] = (byte) i;
      der[1] = (byte) (i >> 8);
      der[2] = (byte) (i >> 16);
      b.addRoot(der, "Synthetic root " + i);
    }
    synthetic = b.thisUpdate(Instant.parse("2026-01-01T00:00:00Z")).build();
    byte[] root = CtlBuilder.der(pki.root.cert());
    syntheticVerifier =
        new CtlVerifier(
            new TrustAnchors(List.of(), List.of()).plus(List.of(root), List.of("test root")),
            AnchorSource.none(),
            VerifyOptions.DEFAULT);
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses the newest real list. */
  @Benchmark
  public SignedCtl parseReal() {
    return CtlParser.parse(real);
  }

  /** Parses and verifies the newest real list (digest, RSA-4096 signature, chain). */
  @Benchmark
  public CtlVerification parseAndVerifyReal() {
    CtlVerification v =
        realVerifier.verify(CtlParser.parse(real), Optional.of(CtlKind.AUTHROOT), AT);
    if (!v.valid()) {
      throw new IllegalStateException(v.failures().toString());
    }
    return v;
  }

  /** Parses and verifies 100,000 entries; divide by the entry count for time per entry. */
  @Benchmark
  public CtlVerification parseAndVerifySynthetic100k() {
    CtlVerification v =
        syntheticVerifier.verify(CtlParser.parse(synthetic), Optional.empty(), AT);
    if (!v.valid()) {
      throw new IllegalStateException(v.failures().toString());
    }
    return v;
  }
}
