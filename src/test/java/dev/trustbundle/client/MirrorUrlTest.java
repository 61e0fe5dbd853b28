package dev.trustbundle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MirrorUrlTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://ctl.example.internal/",
        "http://ctl.example.internal",
        "https://server1/CTL",
        "http://10.0.0.5:8080/trustedr/en/",
        "HTTP://Mirror.Example/ctl",
        "file://\\\\server1\\CTL",
        "file://\\\\fs01.corp.example\\ctl\\trustedr\\",
        "file://\\\\10.1.2.3\\share$\\it's"
      })
  void acceptsHttpHttpsAndMicrosoftsFileShareForm(String url) {
    assertThat(MirrorUrl.parse("--url", url).value()).isEqualTo(url);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ftp://ctl.example/",
        "ctl.example.internal",
        "/srv/ctl",
        "C:\\ctl",
        "file:///srv/ctl",
        "file://server/share",
        "file://\\\\server",
        "file://\\\\server\\",
        "file://\\\\server\\sh|are",
        "http:///nohost",
        "http://user:secret@ctl.example/",
        "http://ctl.example/?x=1",
        "http://ctl.example/#top",
        "http://ctl.example/a b",
        "http://ctl.example/\"x\"",
        "http://ctl.exämple/",
        "http://ctl.example/\r\nX: y",
        "javascript:alert(1)"
      })
  void rejectsEverythingElseWithOneLineUsageError(String url) {
    assertThatThrownBy(() -> MirrorUrl.parse("--url", url))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--url ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
  }

  @Test
  void rejectsOverlongUrls() {
    String url = "http://ctl.example/" + "a".repeat(MirrorUrl.MAX_LENGTH);
    assertThatThrownBy(() -> MirrorUrl.parse("--url", url))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("longer than 1024");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://0.0.0.0/",
        "http://0.0.0.0:80/",
        "http://[::]/",
        "http://127.0.0.1:8080/",
        "http://127.1.2.3/",
        "http://localhost/ctl/",
        "http://mirror.localhost/",
        "http://[::1]/",
        "http://169.254.10.20/",
        "http://[fe80::1]/",
        "file://\\\\127.0.0.1\\ctl"
      })
  void namesHostsClientsCannotReach(String url) {
    assertThat(new MirrorUrl(url).unreachableHost()).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://ctl.example.internal/",
        "http://10.1.2.3/",
        "https://[2001:db8::1]/ctl/",
        "http://128.0.0.1/",
        "file://\\\\fs01\\ctl"
      })
  void acceptsHostsClientsCanReach(String url) {
    assertThat(new MirrorUrl(url).unreachableHost()).isEmpty();
  }
}
