package dev.trustbundle.store;

import static dev.trustbundle.store.Versions.bundle;
import static dev.trustbundle.store.Versions.importInto;
import static dev.trustbundle.store.Versions.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** export: verified mirror files only, nothing left behind on failure, nginx paths quoted. */
class ExportTest {
  static final SortedMap<String, byte[]> A = bundle("bundle-a", 2, "0A");

  @Test
  void writesOnlyTheVerifiedMirrorFilesNeverClient(@TempDir Path dir) throws Exception {
    StateStore s = store(dir.resolve("state"));
    importInto(s, A);
    Path out = dir.resolve("www");
    Export.Exported e = Export.write(s, out, Export.Format.PLAIN);
    assertThat(e.files()).isEqualTo(4);
    assertThat(names(out))
        .containsExactlyInAnyOrder(
            ".trustbundle-export",
            "authrootstl.cab",
            "authrootseq.txt",
            "disallowedcertstl.cab",
            "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt");
    assertThat(Files.readAllBytes(out.resolve("authrootstl.cab")))
        .isEqualTo(A.get("mirror/authrootstl.cab"));
    assertThat(names(dir)).containsExactlyInAnyOrder("state", "www");
  }

  @Test
  void refusesAVersionThatFailsVerificationAndWritesNothing(@TempDir Path dir) throws Exception {
    StateStore s = store(dir.resolve("state"));
    importInto(s, A);
    Files.write(
        dir.resolve("state/versions/bundle-a/mirror/authrootstl.cab"),
        new byte[] {1},
        StandardOpenOption.APPEND);
    assertThatThrownBy(() -> Export.write(s, dir.resolve("www"), Export.Format.IIS))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("mirror/authrootstl.cab has")
        .hasMessageContaining("nothing was exported");
    assertThat(names(dir)).containsExactly("state");
    assertThat(s.history().get(s.history().size() - 1).get("action").asText())
        .isEqualTo("version-failed");
  }

  @Test
  void refusesAVersionMissingAMirrorFileAndLeavesNoTemporaryFolder(@TempDir Path dir)
      throws Exception {
    StateStore s = store(dir.resolve("state"));
    importInto(s, A);
    Files.delete(dir.resolve("state/versions/bundle-a/mirror/authrootseq.txt"));
    assertThatThrownBy(() -> Export.write(s, dir.resolve("www"), Export.Format.NGINX))
        .hasMessageContaining("mirror/authrootseq.txt is missing");
    assertThat(names(dir)).containsExactly("state");
  }

  @Test
  void aFailureAtAnyStepRemovesWhatWasWrittenAndKeepsThePreviousTree(@TempDir Path dir)
      throws Exception {
    importInto(store(dir.resolve("state")), A);
    Path out = dir.resolve("www");
    Export.write(store(dir.resolve("state")), out, Export.Format.NGINX);
    List<String> before = names(out);
    StateStoreTest.FailAt count = new StateStoreTest.FailAt(0);
    Export.write(store(dir.resolve("state"), count), out, Export.Format.NGINX);
    assertThat(count.steps).contains("export aside", "export swap");
    for (int n = 1; n <= count.steps.size(); n++) {
      StateStoreTest.FailAt fault = new StateStoreTest.FailAt(n);
      assertThatThrownBy(
              () -> Export.write(store(dir.resolve("state"), fault), out, Export.Format.NGINX))
          .as(count.steps.get(n - 1))
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("injected failure");
      assertThat(names(dir)).as(count.steps.get(n - 1)).containsExactlyInAnyOrder("state", "www");
      assertThat(names(out)).isEqualTo(before);
    }
  }

  @Test
  void theNginxSnippetQuotesTheFolder(@TempDir Path dir) throws Exception {
    StateStore s = store(dir.resolve("state"));
    importInto(s, A);
    Path out = dir.resolve("web root; deny all");
    Export.write(s, out, Export.Format.NGINX);
    String conf = Files.readString(out.resolve("trustbundle-nginx.conf"));
    assertThat(conf)
        .contains("root \"" + out.toAbsolutePath() + "\";")
        .contains("alias \"" + out.toAbsolutePath() + "/\";")
        .contains("include \"" + out.toAbsolutePath().resolve("trustbundle-nginx.conf") + "\";");
    assertThat(out.resolve("df3c24f9bfd666761b268073fe06d1cc8d4f82a4.crt")).exists();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\"b", "a$document_root", "a\\b", "a\nroot /etc"})
  void anNginxFolderNginxCannotQuoteSafelyIsRefusedBeforeAnythingIsWritten(
      String name, @TempDir Path dir) throws Exception {
    StateStore s = store(dir.resolve("state"));
    importInto(s, A);
    assertThatThrownBy(() -> Export.write(s, dir.resolve(name), Export.Format.NGINX))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("nginx cannot take")
        .hasMessageNotContaining("\n");
    assertThat(names(dir)).containsExactly("state");
  }

  static List<String> names(Path p) throws IOException {
    try (Stream<Path> s = Files.list(p)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }
}
