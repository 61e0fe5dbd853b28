package dev.trustbundle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.testing.UpstreamSim;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
  static int run(String... args) {
    return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  @Test
  void exportsTheActiveTreeForIisAndNginxAndReplacesItWhole(@TempDir Path dir) throws Exception {
    UpstreamSim.require();
    BuildCommandTest.keys(dir.resolve("keys"));
    Path trust = dir.resolve("publisher.crt");
    Files.write(trust, BuildCommandTest.key.certificate().getEncoded());
    Path bundle = dir.resolve("b.tar.gz");
    assertThat(
            BuildCommandTest.build(
                    UpstreamSim.tree("2025-06-16").toString(), bundle, Instant.now().toString())
                .code())
        .isZero();
    Path state = dir.resolve("state");
    assertThat(
            run(
                "import",
                bundle.toString(),
                "--state",
                state.toString(),
                "--trust",
                trust.toString()))
        .isZero();

    Path iis = dir.resolve("iis");
    assertThat(
            run("export", "--state", state.toString(), "--out", iis.toString(), "--format", "iis"))
        .isZero();
    assertThat(iis.resolve("authrootstl.cab")).exists();
    assertThat(iis.resolve("DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt")).exists();
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(iis.resolve("web.config").toFile());
    assertThat(doc.getElementsByTagName("mimeMap").getLength()).isEqualTo(6);
    assertThat(
            doc.getElementsByTagName("directoryBrowse")
                .item(0)
                .getAttributes()
                .getNamedItem("enabled")
                .getNodeValue())
        .isEqualTo("false");
    // Only the mirror's kinds of file are answered: nothing a handler could run.
    var extensions = doc.getElementsByTagName("fileExtensions");
    assertThat(extensions.item(0).getAttributes().getNamedItem("allowUnlisted").getNodeValue())
        .isEqualTo("false");
    assertThat(((org.w3c.dom.Element) extensions.item(0)).getElementsByTagName("add").getLength())
        .isEqualTo(6);

    Path ng = dir.resolve("ng");
    assertThat(
            run("export", "--state", state.toString(), "--out", ng.toString(), "--format", "nginx"))
        .isZero();
    assertThat(ng.resolve("df3c24f9bfd666761b268073fe06d1cc8d4f82a4.crt")).exists();
    assertThat(Files.readString(ng.resolve("trustbundle-nginx.conf")))
        .contains("application/vnd.ms-cab-compressed cab;")
        .contains("/msdownload/update/v3/static/trustedr/en/")
        // Its own configuration is answered 404 under every location, the alias one included.
        .contains("location ~* /trustbundle-nginx\\.conf$ { return 404; }");
    // Exporting again replaces the tree; a foreign folder is refused.
    assertThat(
            run("export", "--state", state.toString(), "--out", ng.toString(), "--format", "plain"))
        .isZero();
    assertThat(ng.resolve("trustbundle-nginx.conf")).doesNotExist();
    Path foreign = dir.resolve("foreign");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("keep.txt"), "x");
    assertThat(run("export", "--state", state.toString(), "--out", foreign.toString()))
        .isEqualTo(2);
    assertThat(foreign.resolve("keep.txt")).exists();
  }
}
