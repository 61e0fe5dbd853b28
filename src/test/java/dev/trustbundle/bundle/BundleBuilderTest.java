package dev.trustbundle.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BundleBuilderTest {
  @Test
  void readsCrlDistributionPointsOfRealIntermediates() {
    Path pem =
        Fixtures.require()
            .resolve("certs/intermediates/microsoft_azure_rsa_tls_issuing_ca_03_xsign.pem");
    byte[] der = Certificates.split(Fixtures.read(pem), "x").get(0);
    assertThat(BundleBuilder.cdpUrls(Certificates.parse(der, "x")))
        .containsExactly("http://crl3.digicert.com/DigiCertGlobalRootG2.crl");
    Path root = Fixtures.roots().resolve("DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt");
    assertThat(BundleBuilder.cdpUrls(Certificates.parse(Fixtures.read(root), "root"))).isEmpty();
  }
}
