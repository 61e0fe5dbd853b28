package dev.trustbundle.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.CutoffDate;
import dev.trustbundle.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Chain building on Microsoft's real lists, roots and the Azure issuing CAs. */
class ChainBuilderRealDataTest {
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String MS_RSA_2017 = "73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74";
  static final String DIGICERT_G2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4";

  static Ctl list(String date) {
    return CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-" + date + ".stl"))).ctl();
  }

  static ChainCandidate root(String sha1) {
    byte[] der = Fixtures.read(Fixtures.roots().resolve(sha1 + ".crt"));
    return ChainCandidate.of(
        Certificates.parse(der, sha1),
        der,
        ChainCandidate.Source.CTL_ROOT,
        "mirror/" + sha1 + ".crt",
        Optional.empty());
  }

  static ChainCandidate intermediate(String file) {
    Path p = Fixtures.require().resolve("certs/intermediates").resolve(file);
    byte[] der = Certificates.split(Fixtures.read(p), file).get(0);
    return ChainCandidate.of(
        Certificates.parse(der, file), der, ChainCandidate.Source.GIVEN, file, Optional.empty());
  }

  static ChainResult check(TrustMaterial t, Instant at, String eku, ChainCandidate... given) {
    return ChainBuilder.build(
        List.of(given), t, new ChainBuilder.Options(eku, at, Duration.ofDays(30)));
  }

  @Test
  void azureIssuingCaChainsToMicrosoftRsaRoot2017() {
    Ctl ctl = list("2025-06-16");
    ChainResult r =
        check(
            new TrustMaterial(
                List.of(root(MS_RSA_2017), root(DIGICERT_G2)), Optional.of(ctl), Set.of()),
            Instant.parse("2025-07-02T00:00:00Z"),
            SERVER_AUTH,
            intermediate("microsoft_azure_rsa_tls_issuing_ca_03.pem"));
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(r.chain()).hasSize(2);
    assertThat(r.chain().get(1).candidate().sha1()).isEqualTo(MS_RSA_2017);
    assertThat(r.chain().get(1).ctlEntry().orElseThrow().friendlyName())
        .contains("Microsoft RSA Root Certificate Authority 2017");
  }

  @Test
  void crossSignedAzureCaExpiresOn2026_08_25() {
    TrustMaterial t =
        new TrustMaterial(List.of(root(DIGICERT_G2)), Optional.of(list("2026-04-22")), Set.of());
    ChainCandidate xsign = intermediate("microsoft_azure_rsa_tls_issuing_ca_03_xsign.pem");
    ChainResult soon = check(t, Instant.parse("2026-08-01T00:00:00Z"), SERVER_AUTH, xsign);
    assertThat(soon.verdict()).isEqualTo(ChainResult.Verdict.EXPIRING);
    assertThat(soon.findings())
        .anyMatch(f -> f.code().equals("expires-soon") && f.message().contains("2026-08-25"));
    ChainResult late = check(t, Instant.parse("2026-09-01T00:00:00Z"), SERVER_AUTH, xsign);
    assertThat(late.built()).isTrue();
    assertThat(late.verdict()).isEqualTo(ChainResult.Verdict.FAIL);
    assertThat(late.findings()).anyMatch(f -> f.code().equals("expired"));
  }

  @Test
  void namesTheListedRootABundleWithoutItLacks() {
    ChainResult r =
        check(
            new TrustMaterial(
                List.of(root(DIGICERT_G2)), Optional.of(list("2026-04-22")), Set.of()),
            Instant.parse("2026-05-01T00:00:00Z"),
            SERVER_AUTH,
            intermediate("microsoft_azure_rsa_tls_issuing_ca_04.pem"));
    ChainResult.Missing m = r.missing().orElseThrow();
    assertThat(m.kind()).isEqualTo(ChainResult.Kind.CTL_ROOT);
    assertThat(m.ctlRoot().orElseThrow().identifierHex()).isEqualTo(MS_RSA_2017);
    assertThat(m.caIssuers())
        .containsExactly(
            "http://www.microsoft.com/pkiops/certs/Microsoft%20RSA%20Root%20Certificate%20Authority%202017.crt");
  }

  @Test
  void rootsMicrosoftDisabledOrLimitedAreRefused() throws Exception {
    Ctl ctl = list("2026-04-22");
    Instant at = Instant.parse("2026-05-01T00:00:00Z");
    int disabled = 0;
    int notForTls = 0;
    for (CtlEntry e : ctl.entries()) {
      Path file = Fixtures.roots().resolve(e.identifierHex() + ".crt");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      boolean disabledForAll =
          e.disabledAfter()
                  .filter(
                      d ->
                          d instanceof CutoffDate.Always
                              || (d instanceof CutoffDate.At a && a.instant().isBefore(at)))
                  .isPresent()
              && e.disallowedEkus().isEmpty();
      boolean tlsExcluded = e.ekus().filter(l -> !l.contains(SERVER_AUTH)).isPresent();
      if (!disabledForAll && !tlsExcluded) {
        continue;
      }
      ChainCandidate r = root(e.identifierHex());
      X509Certificate c = r.cert();
      if (at.isAfter(c.getNotAfter().toInstant())) {
        continue; // expired roots fail for that reason first
      }
      ChainResult res =
          check(new TrustMaterial(List.of(r), Optional.of(ctl), Set.of()), at, SERVER_AUTH, r);
      assertThat(res.verdict()).as(e.friendlyName().orElse("")).isEqualTo(ChainResult.Verdict.FAIL);
      if (disabledForAll) {
        assertThat(res.findings()).anyMatch(f -> f.code().equals("root-disabled"));
        disabled++;
      }
      if (tlsExcluded) {
        assertThat(res.findings()).anyMatch(f -> f.code().equals("eku-not-allowed"));
        notForTls++;
      }
    }
    assertThat(disabled).isPositive();
    assertThat(notForTls).isPositive();
  }
}
