package dev.trustbundle.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProfileParserTest {
  static Profile parse(String yaml) {
    return ProfileParser.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesTheShippedProfiles() throws Exception {
    Profile ctl =
        ProfileParser.parse(
            "windows-ctl.yaml", Files.readAllBytes(Path.of("bundles/windows-ctl.yaml")));
    assertThat(ctl.name()).isEqualTo("windows-ctl");
    assertThat(ctl.roots()).isEmpty();
    Profile cm =
        ProfileParser.parse(
            "configmgr-cloud.yaml", Files.readAllBytes(Path.of("bundles/configmgr-cloud.yaml")));
    assertThat(cm.roots()).extracting(Profile.RootItem::name).contains("DigiCert Global Root G2");
    assertThat(cm.roots()).hasSize(7);
    assertThat(cm.intermediates()).hasSize(9);
    assertThat(cm.intermediates().stream().filter(i -> i.sha256().isEmpty()))
        .allMatch(i -> i.subject().isPresent());
    assertThat(cm.crls()).anyMatch(Profile.CrlItem::fromCdp);
    assertThat(cm.sha256()).hasSize(64);
  }

  @Test
  void rejectsUnknownKeysNamingLineAndAllowedKeys() {
    assertThatThrownBy(() -> parse("name: x\nroots:\n  - name: a\n    sha1x: 00\n"))
        .isInstanceOf(ProfileException.class)
        .hasMessageContaining("test.yaml line 4: unknown key 'sha1x'")
        .hasMessageContaining("sha256");
  }

  @Test
  void requiresAPinForRootsFromUrls() {
    assertThatThrownBy(
            () ->
                parse(
                    "name: x\nroots:\n  - name: R\n    sha1: "
                        + "A".repeat(40)
                        + "\n    url: http://example.test/r.crt\n"))
        .hasMessageContaining("roots[0] (R): a root downloaded from a URL needs a pinned sha256");
  }

  @Test
  void requiresPinOrChainAndSubjectForIntermediates() {
    assertThatThrownBy(
            () -> parse("name: x\nintermediates:\n  - name: I\n    url: http://a.test/i.crt\n"))
        .hasMessageContaining("intermediates[0] (I): pin it with sha256");
    assertThatThrownBy(
            () ->
                parse(
                    "name: x\nintermediates:\n  - name: I\n    url: ftp://a.test/i.crt\n    sha256: "
                        + "0".repeat(64)
                        + "\n"))
        .hasMessageContaining("http or https");
  }

  @Test
  void rejectsBadValues() {
    assertThatThrownBy(() -> parse("name: x\nroots:\n  - name: R\n    sha1: XYZ\n"))
        .hasMessageContaining("sha1 must be 40 hex digits");
    assertThatThrownBy(() -> parse("name: x\nvalidity-days: 0\n"))
        .hasMessageContaining("validity-days");
    assertThatThrownBy(() -> parse("name: 'bad name!'\n")).hasMessageContaining("name must be");
    assertThatThrownBy(() -> parse("name: x\ncrls:\n  - from: aia\n"))
        .hasMessageContaining("from must be 'cdp'");
    assertThatThrownBy(() -> parse("name: [unclosed\n")).isInstanceOf(ProfileException.class);
    assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> parse("name: x\nname: y\n"))
        .isInstanceOf(ProfileException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> parse("name: x\nvalidity-days: many\n"))
        .hasMessageContaining("'validity-days' has the wrong type");
  }
}
