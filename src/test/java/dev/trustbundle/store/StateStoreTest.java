package dev.trustbundle.store;

import static dev.trustbundle.store.Versions.bundle;
import static dev.trustbundle.store.Versions.importInto;
import static dev.trustbundle.store.Versions.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The state folder: guard ordering, complete versions, damaged files, history repair. */
class StateStoreTest {
  static final SortedMap<String, byte[]> A = bundle("bundle-a", 2, "0A");
  static final SortedMap<String, byte[]> B = bundle("bundle-b", 3, "0B");

  /** Counts the renames of a change, or fails the Nth with an I/O error. */
  static final class FailAt implements Durable.Faults {
    final int failAt;
    final List<String> steps = new ArrayList<>();

    FailAt(int failAt) {
      this.failAt = failAt;
    }

    @Override
    public void before(String step) throws IOException {
      steps.add(step);
      if (steps.size() == failAt) {
        throw new IOException("injected failure before " + step);
      }
    }
  }

  @Test
  void anImportFailingAtAnyRenameNeverLeavesTheNewVersionActiveBelowTheGuard(@TempDir Path root)
      throws Exception {
    FailAt count = new FailAt(0);
    Path probe = root.resolve("probe");
    importInto(store(probe), A);
    importInto(store(probe, count), B);
    assertThat(count.steps)
        .as("the renames of an import")
        .containsSubsequence("version bundle-b", "state.json", "active.json");
    for (int n = 1; n <= count.steps.size(); n++) {
      Path dir = root.resolve("step-" + n);
      importInto(store(dir), A);
      FailAt fault = new FailAt(n);
      assertThatThrownBy(() -> importInto(store(dir, fault), B))
          .as("failing before " + count.steps.get(n - 1))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("injected failure");
      StateStore after = store(dir);
      String active = after.activeId().orElseThrow();
      long guard = readState(dir).get("highestSequence").asLong();
      String where = "failed before " + count.steps.get(n - 1);
      assertThat(active).as(where).isIn("bundle-a", "bundle-b");
      assertThat(after.verifyVersion(active)).as(where).isEmpty();
      if (active.equals("bundle-b")) {
        assertThat(guard).as(where + ": the new version is active, so the guard").isEqualTo(3);
        assertThatThrownBy(() -> importInto(after, A))
            .as(where + ": an older bundle afterwards")
            .isInstanceOf(VerificationException.class)
            .hasMessageContaining("refusing a rollback");
      } else {
        assertThat(guard).as(where).isIn(2L, 3L);
      }
      // Running the import again completes it.
      importInto(after, B);
      assertThat(after.activeId()).contains("bundle-b");
      assertThatThrownBy(() -> importInto(after, A)).hasMessageContaining("refusing a rollback");
    }
  }

  @Test
  void reimportingTheActiveBundleNeverLeavesActiveJsonNamingAMissingFolder(@TempDir Path root)
      throws Exception {
    // The active version rotted on disk; the README says to import its bundle again, which
    // replaces the folder active.json names.
    FailAt count = new FailAt(0);
    Path probe = root.resolve("probe");
    importInto(store(probe), A);
    Files.writeString(probe.resolve("versions/bundle-a/mirror/authrootseq.txt"), "rot");
    importInto(store(probe, count), A);
    assertThat(count.steps).contains("set aside bundle-a", "version bundle-a");
    for (int n = 1; n <= count.steps.size(); n++) {
      Path dir = root.resolve("step-" + n);
      importInto(store(dir), A);
      Files.writeString(dir.resolve("versions/bundle-a/mirror/authrootseq.txt"), "rot");
      FailAt fault = new FailAt(n);
      String where = "failed before " + count.steps.get(n - 1);
      assertThatThrownBy(() -> importInto(store(dir, fault), A)).as(where);
      StateStore after = store(dir);
      after.cleanLeftovers();
      assertThat(after.activeId()).as(where).contains("bundle-a");
      // The folder active.json names is there (rotted or replaced), never gone.
      assertThat(dir.resolve("versions/bundle-a/manifest.json")).as(where).exists();
      importInto(after, A);
      assertThat(after.verifyVersion("bundle-a")).as(where).isEmpty();
    }
  }

  @Test
  void aGuardLeftBelowTheActiveVersionByAnEarlierReleaseStillRefusesOlderBundles(@TempDir Path dir)
      throws Exception {
    importInto(store(dir), A);
    importInto(store(dir), B);
    // As the window of an earlier release left it: B active, the guard still at A.
    Files.writeString(
        dir.resolve("state.json"),
        "{\"lists\":{\"authroot\":\"0A\"},\"highestSequence\":2,\"highestBundleId\":\"bundle-a\"}");
    assertThatThrownBy(() -> importInto(store(dir), A))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("refusing a rollback");
  }

  @Test
  void aVersionWhoseMirrorWasRemovedIsNotListedAndCannotBeRolledBackTo(@TempDir Path dir)
      throws Exception {
    StateStore s = store(dir);
    importInto(s, A);
    importInto(s, B);
    // What an interrupted prune of an earlier release left: the manifest, without mirror/.
    deleteTree(dir.resolve("versions/bundle-a/mirror"));
    assertThat(s.versions()).extracting(m -> m.bundleId()).containsExactly("bundle-b");
    assertThat(s.kept(java.time.Instant.now()))
        .filteredOn(k -> k.id().equals("bundle-a"))
        .singleElement()
        .satisfies(k -> assertThat(k.problems().get(0)).contains("mirror/").contains("missing"));
    assertThatThrownBy(() -> s.rollback(Optional.of("bundle-a")))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("bundle-a fails verification")
        .hasMessageContaining("is missing");
    assertThatThrownBy(() -> s.rollback(Optional.empty()))
        .hasMessageContaining("fails verification and cannot be activated");
    assertThat(s.activeId()).contains("bundle-b");
  }

  @Test
  void aPruneRenamesTheVersionAsideFirstAndTheNextRunFinishesAnInterruptedDelete(@TempDir Path dir)
      throws Exception {
    StateStore s = store(dir);
    importInto(s, A);
    // An interrupted delete: the version was renamed aside, and half of it removed.
    Path half = dir.resolve("versions/.deleting-bundle-a-0000");
    Files.move(dir.resolve("versions/bundle-a"), half);
    deleteTree(half.resolve("mirror"));
    assertThat(s.versions()).isEmpty();
    FailAt steps = new FailAt(0);
    store(dir, steps).importBundle(B, Versions.evidence(B), false, 1, java.time.Instant.now());
    assertThat(half).doesNotExist();
    assertThat(steps.steps).doesNotContain("prune bundle-a");
    try (Stream<Path> left = Files.list(dir.resolve("versions"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("bundle-b");
    }
    // A normal prune goes through the rename aside.
    SortedMap<String, byte[]> c = bundle("bundle-c", 4, "0C");
    FailAt pruning = new FailAt(0);
    store(dir, pruning).importBundle(c, Versions.evidence(c), false, 1, java.time.Instant.now());
    assertThat(pruning.steps).endsWith("prune bundle-b");
    assertThat(dir.resolve("versions/bundle-b")).doesNotExist();
  }

  @Test
  void anImportOverAnIncompleteFolderOfTheSameBundleWritesItAgain(@TempDir Path dir)
      throws Exception {
    StateStore s = store(dir);
    importInto(s, A);
    importInto(s, B);
    deleteTree(dir.resolve("versions/bundle-b/mirror"));
    importInto(s, B);
    assertThat(s.activeId()).contains("bundle-b");
    assertThat(s.verifyVersion("bundle-b")).isEmpty();
  }

  @Test
  void verificationNamesTheFileAndWhyWhenAVersionChangedOnDisk(@TempDir Path dir) throws Exception {
    StateStore s = store(dir);
    importInto(s, A);
    Path cab = dir.resolve("versions/bundle-a/mirror/authrootstl.cab");
    Files.write(cab, new byte[] {0}, StandardOpenOption.APPEND);
    assertThat(s.verifyVersion("bundle-a"))
        .singleElement()
        .asString()
        .startsWith("mirror/authrootstl.cab has ")
        .contains("bytes, its manifest entry");
    byte[] b = Files.readAllBytes(cab);
    Files.write(cab, java.util.Arrays.copyOf(b, b.length - 1));
    b = Files.readAllBytes(cab);
    b[0] ^= 1;
    Files.write(cab, b);
    assertThat(s.verifyVersion("bundle-a"))
        .containsExactly("mirror/authrootstl.cab does not match its SHA-256 in the manifest");
    Files.write(dir.resolve("versions/bundle-a/mirror/shell.aspx"), new byte[] {1});
    assertThat(s.verifyVersion("bundle-a"))
        .contains("mirror/shell.aspx is in the version folder but not in its manifest");
  }

  @Test
  void theBundleRulesRunOverTheVersionOnDiskWhenItsFilesMatch(@TempDir Path dir) throws Exception {
    importInto(store(dir), A);
    List<String> seen = new ArrayList<>();
    StateStore ruled =
        new StateStore(
            dir,
            (m, files, now) -> {
              seen.add(new String(files.read("mirror/authrootseq.txt"), StandardCharsets.UTF_8));
              return List.of("mirror/authrootstl.cab: a rule failed");
            },
            Durable.Faults.NONE);
    assertThat(ruled.verifyVersion("bundle-a"))
        .containsExactly("mirror/authrootstl.cab: a rule failed");
    assertThat(seen).containsExactly("0A\r\n");
    assertThatThrownBy(() -> ruled.rollback(Optional.of("bundle-a")))
        .hasMessageContaining("a rule failed");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"lists\":{},\"highestSequence\":\"abc\",\"highestBundleId\":\"bundle-a\"}",
        "{\"lists\":{\"authroot\":\"ZZ\"},\"highestSequence\":2,\"highestBundleId\":\"bundle-a\"}",
        "{\"lists\":{\"authroot\":12},\"highestSequence\":2,\"highestBundleId\":\"bundle-a\"}",
        "{\"lists\":[],\"highestSequence\":2,\"highestBundleId\":\"bundle-a\"}",
        "{\"lists\":{},\"highestSequence\":2.5,\"highestBundleId\":\"bundle-a\"}",
        "{\"lists\":{},\"highestSequence\":2,\"highestBundleId\":7}",
        "{\"lists\":{},\"highestSequence\":99999999999999999999,\"highestBundleId\":\"x\"}",
        "{\"lists\":{},\"highestSeq",
        "[2]",
        "",
      })
  void aDamagedStateJsonIsRefusedWithOneLineSayingWhatToDo(String damaged, @TempDir Path dir)
      throws Exception {
    importInto(store(dir), A);
    Files.writeString(dir.resolve("state.json"), damaged);
    assertThatThrownBy(() -> importInto(store(dir), B))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageStartingWith("state folder damaged: " + dir.resolve("state.json") + ": ")
        .hasMessageContaining("restore the state folder from a backup")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("Exception");
    assertThat(store(dir).activeId()).contains("bundle-a");
  }

  @Test
  void aDamagedActivePointerIsRefusedAsADamagedStateFolder(@TempDir Path dir) throws Exception {
    importInto(store(dir), A);
    Files.writeString(dir.resolve("active.json"), "{\"id\":\"../../etc\"}");
    assertThatThrownBy(() -> store(dir).checkState())
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("state folder damaged")
        .hasMessageContaining("active.json");
  }

  @Test
  void aHistoryCutInsideAUtf8SequenceIsReadAndRepairedByTheNextAppend(@TempDir Path dir)
      throws Exception {
    StateStore s = store(dir);
    importInto(s, A);
    Path h = dir.resolve("history.jsonl");
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    Files.write(
        h,
        concat(
            "{\"action\":\"refused\",\"reason\":\"caf".getBytes(StandardCharsets.UTF_8),
            new byte[] {e[0]}),
        StandardOpenOption.APPEND);
    assertThat(s.history()).extracting(n -> n.get("action").asText()).containsExactly("import");
    s.recordRefusal("x.tar.gz", "for a reason é");
    List<String> lines = Files.readAllLines(h, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(new ObjectMapper().readTree(line).isObject()).isTrue();
    }
    assertThat(s.history())
        .extracting(n -> n.get("action").asText())
        .containsExactly("import", "refused");
  }

  @Test
  void anInvalidUtf8LineInTheMiddleOfTheHistoryIsSkipped(@TempDir Path dir) throws Exception {
    StateStore s = store(dir);
    Path h = dir.resolve("history.jsonl");
    Files.write(
        h,
        concat(
            "{\"action\":\"a\"}\n".getBytes(StandardCharsets.UTF_8),
            new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'},
            "{\"action\":\"b\"}\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(s.history()).extracting(n -> n.get("action").asText()).containsExactly("a", "b");
  }

  static JsonNode readState(Path dir) throws IOException {
    return new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("state.json")));
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static void deleteTree(Path root) throws IOException {
    Durable.deleteTree(root);
  }
}
