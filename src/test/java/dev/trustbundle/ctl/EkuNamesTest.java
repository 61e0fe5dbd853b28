package dev.trustbundle.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EkuNamesTest {
  private static final String SERVER = "1.3.6.1.5.5.7.3.1";
  private static final String IKE = "1.3.6.1.5.5.8.2.2";

  @Test
  void namesAnEkuShortlyAndAsWindowsShowsIt() {
    assertThat(EkuNames.name(SERVER)).isEqualTo("serverAuth");
    assertThat(EkuNames.display(SERVER)).hasValue("Server Authentication");
    assertThat(EkuNames.names(List.of(SERVER, "1.3.6.1.5.5.7.3.3")))
        .isEqualTo("serverAuth,codeSigning");
  }

  @Test
  void keepsTheOidOfAnEkuWithoutAShortName() {
    assertThat(EkuNames.display(IKE)).hasValue("IP security IKE intermediate");
    assertThat(EkuNames.name(IKE)).isEqualTo(IKE);
    assertThat(EkuNames.known()).doesNotContainNull().contains("serverAuth", "windowsStore");
    assertThat(EkuNames.name("1.2.3.4")).isEqualTo("1.2.3.4");
    assertThat(EkuNames.display("1.2.3.4")).isEmpty();
  }

  @Test
  void findsTheOidOfAShortNameInAnyCaseOrTakesADottedOid() {
    assertThat(EkuNames.oid("CODESIGNING")).hasValue("1.3.6.1.5.5.7.3.3");
    assertThat(EkuNames.oid(" 1.2.840.113549 ")).hasValue("1.2.840.113549");
    assertThat(EkuNames.oid("Server Authentication")).isEmpty();
  }
}
