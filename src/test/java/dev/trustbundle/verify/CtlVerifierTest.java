package dev.trustbundle.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CtlVerifierTest {
  static final TestPki PKI = TestPki.standard();
  static final Instant NOW = Instant.parse("2025-06-02T00:00:00Z");

  /** Trusts the test root the way the CLI trusts --trust-anchor files. */
  static CtlVerification verify(byte[] list, TestPki pki, Optional<CtlKind> expected, Instant now) {
    byte[] root = CtlBuilder.der(pki.root.cert());
    TrustAnchors anchors =
        new TrustAnchors(List.of(), List.of()).plus(List.of(root), List.of("Test Root CA 2010"));
    return new CtlVerifier(anchors, AnchorSource.none(), VerifyOptions.DEFAULT)
        .verify(CtlParser.parse(list), expected, now);
  }

  static CtlVerification verify(byte[] list) {
    return verify(list, PKI, Optional.empty(), NOW);
  }

  static CtlBuilder list() {
    return new CtlBuilder(PKI).addRoot(new byte[] {1, 2, 3}, "Some root");
  }

  @Test
  void acceptsCorrectlySignedList() {
    CtlVerification v = verify(list().build());
    assertThat(v.failures()).isEmpty();
    assertThat(v.valid()).isTrue();
    assertThat(v.signer()).contains("Microsoft Certificate Trust List Publisher");
    assertThat(v.chain())
        .containsExactly(
            "Microsoft Certificate Trust List Publisher",
            "Test Certificate List CA",
            "Test Root CA 2010");
    assertThat(v.anchor()).contains("Test Root CA 2010");
    assertThat(v.warnings()).isEmpty();
  }

  @Test
  void acceptsTheCmsOctetStringForm() {
    assertThat(verify(list().octetStringForm().build()).valid()).isTrue();
  }

  @Test
  void rejectsListWhoseContentWasAltered() {
    byte[] bytes = list().build();
    byte[] friendly = CtlBuilder.utf16z("Some root");
    int at = dev.trustbundle.testing.Bytes.indexOf(bytes, friendly);
    bytes[at] = 'X';
    CtlVerification v = verify(bytes);
    assertThat(v.valid()).isFalse();
    assertThat(v.failures())
        .anySatisfy(f -> assertThat(f).contains("messageDigest does not match"));
  }

  @Test
  void rejectsWrongMessageDigest() {
    assertThat(verify(list().wrongMessageDigest().build()).failures())
        .anySatisfy(f -> assertThat(f).contains("messageDigest"));
  }

  @Test
  void rejectsSignatureMadeWithAnotherKey() {
    byte[] bytes = list().signingKey(TestPki.rsa().getPrivate()).build();
    assertThat(verify(bytes).failures())
        .anySatisfy(f -> assertThat(f).contains("RSA signature does not verify"));
  }

  @Test
  void rejectsMissingSignedAttributesAndWrongContentType() {
    assertThat(verify(list().omitSignedAttributes().build()).failures())
        .anySatisfy(f -> assertThat(f).contains("no signed attributes"));
    assertThat(verify(list().contentType("1.2.840.113549.1.7.1").build()).failures())
        .anySatisfy(f -> assertThat(f).contains("contentType"));
  }

  @Test
  void rejectsSignerWithoutRootListSignerEku() {
    TestPki pki = TestPki.builder().signerEkus("1.3.6.1.5.5.7.3.3").build();
    byte[] bytes = new CtlBuilder(pki).addEntry(new byte[20]).build();
    assertThat(verify(bytes, pki, Optional.empty(), NOW).failures())
        .anySatisfy(f -> assertThat(f).contains("lacks the extended key usage"));
  }

  @Test
  void acceptsPinRulesSignerEkuOnlyForPinRules() {
    TestPki pki = TestPki.builder().signerEkus("1.3.6.1.4.1.311.10.3.31").build();
    byte[] pin =
        new CtlBuilder(pki)
            .usage("1.3.6.1.4.1.311.10.3.32")
            .listIdentifier("PinRules_AutoUpdate_1")
            .addEntry(new byte[20])
            .build();
    assertThat(verify(pin, pki, Optional.empty(), NOW).failures()).isEmpty();
    byte[] auth = new CtlBuilder(pki).addEntry(new byte[20]).build();
    assertThat(verify(auth, pki, Optional.empty(), NOW).valid()).isFalse();
  }

  @Test
  void rejectsSignerThatIsNotMicrosoftsPublisher() {
    TestPki pki = TestPki.builder().signerDn("CN=Evil Publisher, O=Evil").build();
    byte[] bytes = new CtlBuilder(pki).addEntry(new byte[20]).build();
    assertThat(verify(bytes, pki, Optional.empty(), NOW).failures())
        .anySatisfy(f -> assertThat(f).contains("not CN=Microsoft Certificate Trust List"));
  }

  @Test
  void rejectsIntermediateThatMayNotIssueListSigners() {
    TestPki pki = TestPki.builder().caEkus("1.3.6.1.5.5.7.3.1").build();
    byte[] bytes = new CtlBuilder(pki).addEntry(new byte[20]).build();
    assertThat(verify(bytes, pki, Optional.empty(), NOW).failures())
        .anySatisfy(f -> assertThat(f).contains("not allowed to issue list signers"));
    TestPki notCa = TestPki.builder().caNotCa().build();
    byte[] b2 = new CtlBuilder(notCa).addEntry(new byte[20]).build();
    assertThat(verify(b2, notCa, Optional.empty(), NOW).failures())
        .anySatisfy(f -> assertThat(f).contains("is not a CA"));
  }

  @Test
  void rejectsChainEndingAtAnUnpinnedRoot() {
    byte[] bytes = list().build();
    TrustAnchors microsoftOnly = TrustAnchors.microsoft();
    CtlVerification v =
        new CtlVerifier(microsoftOnly, AnchorSource.none(), VerifyOptions.DEFAULT)
            .verify(CtlParser.parse(bytes), Optional.empty(), NOW);
    assertThat(v.valid()).isFalse();
    assertThat(v.failures())
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("no certificate that issued \"Test Certificate List CA\"")
                    .contains("--roots"));
  }

  @Test
  void rejectsImpostorRootWithTheSameNameButAnotherKey() {
    TestPki.Issued impostor = TestPki.selfSigned("CN=Test Root CA 2010, O=TrustBundle Tests");
    byte[] bytes = list().certificates(PKI.signer.cert(), PKI.ca.cert(), impostor.cert()).build();
    TrustAnchors anchors =
        new TrustAnchors(List.of(), List.of())
            .plus(List.of(CtlBuilder.der(impostor.cert())), List.of("impostor"));
    CtlVerification v =
        new CtlVerifier(anchors, AnchorSource.none(), VerifyOptions.DEFAULT)
            .verify(CtlParser.parse(bytes), Optional.empty(), NOW);
    assertThat(v.valid()).isFalse();
  }

  @Test
  void validatesTheChainAtThisUpdateNotNow() {
    TestPki shortLived =
        TestPki.builder()
            .signerValidity(
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-12-31T00:00:00Z"))
            .build();
    byte[] bytes = new CtlBuilder(shortLived).addEntry(new byte[20]).build();
    CtlVerification later =
        verify(bytes, shortLived, Optional.empty(), Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(later.valid()).isTrue();
    assertThat(later.warnings()).anySatisfy(w -> assertThat(w).contains("expired on 2025-12-31"));
  }

  @Test
  void rejectsSignerNotValidAtThisUpdate() {
    TestPki late =
        TestPki.builder()
            .signerValidity(
                Instant.parse("2025-07-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"))
            .build();
    byte[] bytes = new CtlBuilder(late).addEntry(new byte[20]).build();
    assertThat(verify(bytes, late, Optional.empty(), NOW).failures())
        .anySatisfy(f -> assertThat(f).contains("was not valid when the list was issued"));
  }

  @Test
  void rejectsThisUpdateInTheFutureButWarnsOnOldLists() {
    byte[] bytes = list().thisUpdate(Instant.parse("2025-06-03T00:00:00Z")).build();
    assertThat(verify(bytes).failures()).anySatisfy(f -> assertThat(f).contains("in the future"));
    assertThat(
            verify(list().build(), PKI, Optional.empty(), Instant.parse("2027-01-01T00:00:00Z"))
                .warnings())
        .anySatisfy(w -> assertThat(w).contains("days old"));
  }

  @Test
  void warnsOnSha1AndRejectsItWhenAsked() {
    byte[] bytes = list().sha1().build();
    CtlVerification v = verify(bytes);
    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).anySatisfy(w -> assertThat(w).contains("SHA-1"));
    TrustAnchors anchors =
        new TrustAnchors(List.of(), List.of())
            .plus(List.of(CtlBuilder.der(PKI.root.cert())), List.of("root"));
    VerifyOptions strict =
        new VerifyOptions(
            VerifyOptions.DEFAULT.maxAge(), VerifyOptions.DEFAULT.futureSkew(), false);
    assertThat(
            new CtlVerifier(anchors, AnchorSource.none(), strict)
                .verify(CtlParser.parse(bytes), Optional.empty(), NOW)
                .valid())
        .isFalse();
  }

  @Test
  void rejectsListSavedUnderAnotherListsName() {
    byte[] disallowed =
        new CtlBuilder(PKI)
            .usage("1.3.6.1.4.1.311.10.3.30")
            .listIdentifier("DisallowedCert_AutoUpdate_1")
            .addEntry(new byte[16])
            .build();
    assertThat(verify(disallowed).valid()).isTrue();
    assertThat(verify(disallowed, PKI, CtlKind.fromFileName("authrootstl.cab"), NOW).failures())
        .anySatisfy(f -> assertThat(f).contains("named as the authroot list"));
  }

  @Test
  void rejectsWrongListIdentifierAndUnknownUsage() {
    byte[] wrongId =
        new CtlBuilder(PKI)
            .usage("1.3.6.1.4.1.311.10.3.30")
            .listIdentifier("Something_Else")
            .addEntry(new byte[16])
            .build();
    assertThat(verify(wrongId).failures())
        .anySatisfy(f -> assertThat(f).contains("listIdentifier"));
    byte[] unknown = new CtlBuilder(PKI).usage("1.2.3.4").addEntry(new byte[16]).build();
    assertThat(verify(unknown).failures())
        .anySatisfy(f -> assertThat(f).contains("none of Microsoft's three lists"));
  }

  @Test
  void rejectsListWithoutSignerCertificate() {
    byte[] bytes = list().certificates(PKI.ca.cert()).build();
    assertThat(verify(bytes).failures())
        .anySatisfy(f -> assertThat(f).contains("not in the envelope"));
  }

  // ---- real lists ----

  static AnchorSource fixtureRoots() {
    Path dir = Fixtures.roots();
    return sha1 -> {
      Path p = dir.resolve(sha1 + ".crt");
      return Files.exists(p) ? Optional.of(Fixtures.read(p)) : Optional.empty();
    };
  }

  static CtlVerification verifyReal(String file, Instant now) {
    SignedCtl s = CtlParser.parse(Fixtures.read(Fixtures.ctl(file)));
    return new CtlVerifier(TrustAnchors.microsoft(), fixtureRoots(), VerifyOptions.DEFAULT)
        .verify(s, CtlKind.fromFileName(file), now);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "authroot-2019-10-29.stl",
        "authroot-2025-01-28.stl",
        "authroot-2025-05-14.stl",
        "authroot-2025-06-16.stl",
        "authroot-2025-08-26.stl",
        "authroot-2026-04-22.stl",
        "disallowedcert-2016-05-24.stl"
      })
  void verifiesEveryRealListAgainstThePinnedMicrosoftRoots(String file) {
    CtlVerification v = verifyReal(file, Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(v.failures()).isEmpty();
    assertThat(v.chain()).hasSize(3);
  }

  @Test
  void verifiesThe2019ListThroughTheLegacyChainWithSha1Warnings() {
    CtlVerification v =
        verifyReal("authroot-2019-10-29.stl", Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(v.anchor()).contains("Microsoft Root Certificate Authority (2001)");
    assertThat(v.chain()).contains("Microsoft Certificate Trust List PCA");
    assertThat(v.warnings()).anySatisfy(w -> assertThat(w).contains("signed with SHA-1"));
  }

  @Test
  void verifiesThe2026ListAtThisUpdateWithExpiredSignerWarning() {
    CtlVerification v =
        verifyReal("authroot-2026-04-22.stl", Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(v.valid()).isTrue();
    assertThat(v.anchor()).contains("Microsoft Root Certificate Authority 2010");
    assertThat(v.chain()).contains("Microsoft Certificate List CA 2024");
    assertThat(v.warnings())
        .anySatisfy(w -> assertThat(w).contains("signer").contains("expired on 2026-11-11"));
    CtlVerification before =
        verifyReal("authroot-2026-04-22.stl", Instant.parse("2026-05-01T00:00:00Z"));
    assertThat(before.warnings()).isEmpty();
  }

  @Test
  void failsRealListWhenPinnedRootIsMissingSayingWhatToDo() {
    SignedCtl s = CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-2026-04-22.stl")));
    CtlVerification v =
        new CtlVerifier(TrustAnchors.microsoft(), AnchorSource.none(), VerifyOptions.DEFAULT)
            .verify(s, Optional.empty(), Instant.parse("2026-05-01T00:00:00Z"));
    assertThat(v.valid()).isFalse();
    assertThat(v.failures().get(0))
        .contains("3B1EFD3A66EA28B16697394703A72CA340A05BD5.crt")
        .contains("--roots");
  }

  @Test
  void checksRootFilesAgainstTheirEntries() {
    var ctl = CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-2026-04-22.stl"))).ctl();
    String g2 = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4";
    byte[] der = Fixtures.read(Fixtures.roots().resolve(g2 + ".crt"));
    assertThat(RootCheck.check(Optional.of(g2 + ".crt"), der, ctl)).isEmpty();
    assertThat(RootCheck.check(Optional.of(g2.toLowerCase() + ".crt"), der, ctl)).isEmpty();
    String other = "A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436";
    assertThat(RootCheck.check(Optional.of(other + ".crt"), der, ctl))
        .anySatisfy(p -> assertThat(p).contains("not the certificate its name promises"));
    byte[] unlisted = CtlBuilder.der(PKI.root.cert());
    assertThat(RootCheck.check(Optional.empty(), unlisted, ctl))
        .anySatisfy(p -> assertThat(p).contains("not listed"));
  }

  @Test
  void rejectsRootWhoseSha256DiffersFromAttribute98() {
    byte[] der = CtlBuilder.der(PKI.root.cert());
    byte[] id = CtlBuilder.digest("SHA-1", der);
    byte[] list = new CtlBuilder(PKI).addEntry(id, CtlBuilder.attr(98, new byte[32])).build();
    var ctl = CtlParser.parse(list).ctl();
    assertThat(RootCheck.check(Optional.of(Hex.upper(id) + ".crt"), der, ctl))
        .anySatisfy(p -> assertThat(p).contains("differs from the list's attribute 98"));
  }
}
