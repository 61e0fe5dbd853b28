package dev.trustbundle.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.bundle.Budget;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.store.StateStore;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules a version's manifest must meet before any of its bytes are read or served. */
class SnapshotRulesTest {
  static Manifest manifest(List<Manifest.FileInfo> files) {
    return new Manifest(
        1,
        "b-1",
        1,
        "2026-01-01T00:00:00Z",
        "2027-01-01T00:00:00Z",
        "test",
        null,
        null,
        List.of(),
        files,
        List.of(),
        List.of());
  }

  static Manifest.FileInfo file(String path, long size, String role) {
    return new Manifest.FileInfo(path, size, "00".repeat(32), role, null, null, null, null);
  }

  @Test
  void aVersionOverTheSizeBudgetIsRefusedBeforeAByteIsRead() {
    Manifest m = manifest(List.of(file("crl/h/big.crl", 60L << 20, "crl")));
    assertThatThrownBy(() -> VersionLoader.checkBudget(m))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("crl/h/big.crl")
        .hasMessageContaining(Budget.human(Budget.MAX_CRL));
    // The folder does not exist: the budget refuses it first.
    assertThatThrownBy(
            () ->
                VersionLoader.load(
                    new StateStore.Active("b-1", java.nio.file.Path.of("/nonexistent"), m, ""),
                    null))
        .hasMessageContaining("over the budget");
  }

  @Test
  void aVersionOverTheTotalBudgetIsRefused() {
    long each = Budget.MAX_CRL;
    int n = (int) (Budget.MAX_TOTAL / each) + 1;
    List<Manifest.FileInfo> files = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      files.add(file("crl/h/" + i + ".crl", each, "crl"));
    }
    assertThatThrownBy(() -> VersionLoader.checkBudget(manifest(files)))
        .hasMessageContaining("in all, over the budget");
  }

  @Test
  void anUnknownRoleIsRefused() {
    assertThatThrownBy(
            () -> VersionLoader.checkBudget(manifest(List.of(file("mirror/x.cab", 1, "web")))))
        .hasMessageContaining("unknown role");
  }

  @Test
  void twoMirrorNamesEqualIgnoringCaseAreRefused() {
    Manifest.FileInfo a = file("mirror/authrootstl.cab", 1, "list");
    Manifest.FileInfo b = file("mirror/AUTHROOTSTL.CAB", 1, "list");
    Map<Manifest.FileInfo, ByteBuffer> verified = new LinkedHashMap<>();
    verified.put(a, ByteBuffer.allocate(1));
    verified.put(b, ByteBuffer.allocate(1));
    assertThatThrownBy(
            () -> Snapshot.of("b-1", manifest(List.of(a, b)), verified, java.time.Instant.EPOCH))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("ignoring case");
  }

  @Test
  void localPathsAreHiddenFromReasons() {
    assertThat(StatusPages.hidePaths("/var/lib/tb/in/x.tar.gz is not a gzip file"))
        .isEqualTo("\u2026/x.tar.gz is not a gzip file");
    assertThat(StatusPages.hidePaths("see C:\\ProgramData\\TrustBundle\\state"))
        .isEqualTo("see \u2026/state");
    assertThat(StatusPages.hidePaths("http://crl.example/a/b.crl and /healthz stay"))
        .isEqualTo("http://crl.example/a/b.crl and /healthz stay");
  }
}
