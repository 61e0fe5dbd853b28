package dev.trustbundle.store;

import static dev.trustbundle.store.Versions.bundle;
import static dev.trustbundle.store.Versions.importInto;
import static dev.trustbundle.store.Versions.store;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, rollback, import and export on damaged state folders, through the command line. */
class StateCommandsTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
    return new Run(code, o.toString(), e.toString());
  }

  @Test
  void statusExitsOneAndNamesTheFileWhenTheActiveVersionChangedOnDisk(@TempDir Path dir)
      throws Exception {
    importInto(store(dir), bundle("bundle-a", 2, "0A"));
    Files.write(
        dir.resolve("versions/bundle-a/mirror/authrootstl.cab"),
        new byte[] {1},
        StandardOpenOption.APPEND);
    Run r = run("status", "--state", dir.toString(), "--at", "2025-06-03T00:00:00Z");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("bundle-a FAILS VERIFICATION: mirror/authrootstl.cab has")
        .contains("damaged      bundle-a: mirror/authrootstl.cab has");
    Run json = run("status", "--state", dir.toString(), "--json");
    assertThat(json.code()).isEqualTo(1);
    assertThat(json.out()).contains("\"healthy\":false").contains("mirror/authrootstl.cab has");
  }

  @Test
  void statusExitsOneWhenTheActiveVersionLostItsMirror(@TempDir Path dir) throws Exception {
    importInto(store(dir), bundle("bundle-a", 2, "0A"));
    Durable.deleteTree(dir.resolve("versions/bundle-a/mirror"));
    Run r = run("status", "--state", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("is missing: the version is incomplete");
  }

  @Test
  void aDamagedStateJsonMakesImportAndStatusExitThreeWithOneLine(@TempDir Path dir)
      throws Exception {
    importInto(store(dir), bundle("bundle-a", 2, "0A"));
    Files.writeString(
        dir.resolve("state.json"),
        "{\"lists\":{\"authroot\":\"XYZ\"},\"highestSequence\":2,\"highestBundleId\":\"a\"}");
    Run imp =
        run(
            "import",
            dir.resolve("any.tar.gz").toString(),
            "--state",
            dir.toString(),
            "--trust",
            dir.resolve("publisher.crt").toString());
    assertThat(imp.code()).isEqualTo(3);
    assertThat(imp.err())
        .startsWith("trustbundle: state folder damaged: ")
        .contains("state.json: lists.authroot is not a hex sequence number")
        .doesNotContain("Exception");
    assertThat(imp.err().strip()).doesNotContain("\n");
    Run status = run("status", "--state", dir.toString());
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.err()).contains("state folder damaged");
    // Every command that acts on the state stops the same way, and nothing is written.
    for (String[] cmd :
        List.of(
            new String[] {"rollback", "--state", dir.toString()},
            new String[] {
              "export", "--state", dir.toString(), "--out", dir.resolve("w").toString()
            },
            new String[] {"check", "--expiring", "--state", dir.toString()})) {
      Run r = run(cmd);
      assertThat(r.code()).as(cmd[0]).isEqualTo(3);
      assertThat(r.err()).as(cmd[0]).contains("state folder damaged");
    }
    assertThat(dir.resolve("w")).doesNotExist();
  }

  @Test
  void commandsThatReadTheStateRefuseAFolderThatIsNotOne(@TempDir Path dir) throws Exception {
    for (String cmd : List.of("status", "rollback")) {
      Run r = run(cmd, "--state", dir.toString());
      assertThat(r.code()).as(cmd).isEqualTo(2);
      assertThat(r.err()).as(cmd).contains("is not a state folder");
    }
    assertThat(dir.resolve("versions")).as("nothing created").doesNotExist();
  }

  @Test
  void rollbackToAVersionThatFailsVerificationIsRefusedAndRecorded(@TempDir Path dir)
      throws Exception {
    importInto(store(dir), bundle("bundle-a", 2, "0A"));
    importInto(store(dir), bundle("bundle-b", 3, "0B"));
    Files.writeString(dir.resolve("versions/bundle-a/mirror/authrootseq.txt"), "FF\r\n");
    Run r = run("rollback", "--state", dir.toString(), "--to", "bundle-a");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("mirror/authrootseq.txt does not match its SHA-256");
    assertThat(store(dir).activeId()).contains("bundle-b");
    assertThat(Files.readString(dir.resolve("history.jsonl"))).contains("version-failed");
  }

  @Test
  void exportOfADamagedActiveVersionExitsOneAndWritesNothing(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("state");
    importInto(store(state), bundle("bundle-a", 2, "0A"));
    Files.delete(state.resolve("versions/bundle-a/mirror/authrootstl.cab"));
    Run r =
        run(
            "export",
            "--state",
            state.toString(),
            "--out",
            dir.resolve("www").toString(),
            "--format",
            "nginx");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("mirror/authrootstl.cab is missing");
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("state");
    }
  }
}
