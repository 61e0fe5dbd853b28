package dev.trustbundle.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The URLs serve prints: what clients can connect to, never the wildcard address. */
class ListenUrlsTest {
  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void aWildcardBindIsShownAsTheHostNameAndEachReachableAddress() throws Exception {
    List<InetAddress> addrs =
        List.of(ip("127.0.0.1"), ip("10.1.2.3"), ip("169.254.1.1"), ip("::1"), ip("2001:db8::5"));
    assertThat(ListenUrls.of("http", "0.0.0.0", 80, addrs, Optional.of("ctl01.corp.example")))
        .containsExactly("http://ctl01.corp.example/", "http://10.1.2.3/");
    assertThat(ListenUrls.of("http", null, 8080, addrs, Optional.empty()))
        .containsExactly("http://10.1.2.3:8080/");
    assertThat(ListenUrls.of("https", "::", 443, addrs, Optional.empty()))
        .containsExactly("https://10.1.2.3/", "https://[2001:db8:0:0:0:0:0:5]/");
    assertThat(ListenUrls.of("http", "0.0.0.0", 80, List.of(ip("127.0.0.1")), Optional.empty()))
        .containsExactly("http://localhost/")
        .noneMatch(u -> u.contains("0.0.0.0"));
  }

  @Test
  void aSpecificBindIsShownAsIs() {
    assertThat(ListenUrls.of("http", "127.0.0.1", 18080, List.of(), Optional.empty()))
        .containsExactly("http://127.0.0.1:18080/");
    assertThat(ListenUrls.of("http", "::1", 80, List.of(), Optional.empty()))
        .containsExactly("http://[::1]/");
  }
}
