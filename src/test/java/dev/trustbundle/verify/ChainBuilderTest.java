package dev.trustbundle.verify;

import static dev.trustbundle.testing.CtlBuilder.attr;
import static dev.trustbundle.testing.CtlBuilder.fileTime;
import static dev.trustbundle.testing.CtlBuilder.oidSeq;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestCerts;
import dev.trustbundle.testing.TestPki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.junit.jupiter.api.Test;

/** Chain building and the checks on the chain, with synthetic PKIs and lists. */
class ChainBuilderTest {
  static final TestPki PKI = TestPki.standard();
  static final Instant AT = Instant.parse("2025-07-02T00:00:00Z");
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  final TestPki.Issued root = TestCerts.cert("CN=Test Root G1, O=Tests").ca().build();
  final TestPki.Issued ca =
      TestCerts.cert("CN=Test Issuing CA 1, O=Tests")
          .issuer(root)
          .ca(0)
          .ekus(SERVER_AUTH, CLIENT_AUTH)
          .caIssuers("http://pki.tests/root-g1.crt")
          .build();
  final TestPki.Issued leaf =
      TestCerts.cert("CN=www.tests.example")
          .issuer(ca)
          .validity(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"))
          .ekus(SERVER_AUTH)
          .caIssuers("http://pki.tests/ca1.crt")
          .build();

  static ChainCandidate given(TestPki.Issued i, String origin) {
    return ChainCandidate.of(
        i.cert(), der(i.cert()), ChainCandidate.Source.GIVEN, origin, Optional.empty());
  }

  static ChainCandidate bundle(TestPki.Issued i, ChainCandidate.Source s) {
    String sha1 = Hex.sha1(der(i.cert()));
    return new ChainCandidate(i.cert(), sha1, s, "bundle/" + sha1 + ".crt", Optional.empty());
  }

  static byte[] der(X509Certificate c) {
    return CtlBuilder.der(c);
  }

  /** An authroot list entry for a root as Microsoft writes it, with extra attributes. */
  static CtlBuilder entry(CtlBuilder b, TestPki.Issued r, String name, ASN1Encodable... extra) {
    byte[] d = der(r.cert());
    List<ASN1Encodable> attrs = new ArrayList<>();
    attrs.add(attr(11, CtlBuilder.utf16z(name)));
    attrs.add(attr(98, CtlBuilder.digest("SHA-256", d)));
    attrs.add(attr(20, CertExtensions.subjectKeyId(r.cert()).orElseThrow()));
    attrs.add(attr(29, CtlBuilder.digest("MD5", r.cert().getSubjectX500Principal().getEncoded())));
    attrs.addAll(Arrays.asList(extra));
    return b.addEntry(CtlBuilder.digest("SHA-1", d), attrs.toArray(ASN1Encodable[]::new));
  }

  static Ctl parse(CtlBuilder b) {
    return CtlParser.parse(b.build()).ctl();
  }

  Ctl listWithRoot(ASN1Encodable... attrs) {
    return parse(entry(new CtlBuilder(PKI), root, "Test Root G1", attrs));
  }

  TrustMaterial trust(Ctl ctl, ChainCandidate... certs) {
    return new TrustMaterial(List.of(certs), Optional.of(ctl), Set.of());
  }

  static ChainResult build(TrustMaterial t, String eku, Instant at, ChainCandidate... given) {
    return ChainBuilder.build(
        List.of(given), t, new ChainBuilder.Options(eku, at, Duration.ofDays(30)));
  }

  ChainResult standard(Ctl ctl, String eku) {
    return build(
        trust(ctl, bundle(root, ChainCandidate.Source.CTL_ROOT)),
        eku,
        AT,
        given(leaf, "leaf.pem #1"),
        given(ca, "leaf.pem #2"));
  }

  static List<String> codes(ChainResult r, Finding.Severity s) {
    return r.findings().stream().filter(f -> f.severity() == s).map(Finding::code).toList();
  }

  @Test
  void buildsThePresentedChainToARootOfTheList() {
    ChainResult r = standard(listWithRoot(attr(9, oidSeq(SERVER_AUTH))), SERVER_AUTH);
    assertThat(r.built()).isTrue();
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(r.chain())
        .extracting(l -> l.candidate().source())
        .containsExactly(
            ChainCandidate.Source.GIVEN,
            ChainCandidate.Source.GIVEN,
            ChainCandidate.Source.CTL_ROOT);
    assertThat(r.chain().get(2).ctlEntry()).isPresent();
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void usesTheBundlesIntermediateWhenTheServerSendsOnlyItsLeaf() {
    ChainResult r =
        build(
            trust(
                listWithRoot(),
                bundle(root, ChainCandidate.Source.CTL_ROOT),
                bundle(ca, ChainCandidate.Source.INTERMEDIATE)),
            SERVER_AUTH,
            AT,
            given(leaf, "leaf.pem"));
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(r.chain().get(1).candidate().source()).isEqualTo(ChainCandidate.Source.INTERMEDIATE);
  }

  @Test
  void saysWhichIntermediateIsMissingAndWhereToDownloadIt() {
    ChainResult r =
        build(
            trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
            SERVER_AUTH,
            AT,
            given(leaf, "leaf.pem"));
    assertThat(r.built()).isFalse();
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.FAIL);
    ChainResult.Missing m = r.missing().orElseThrow();
    assertThat(m.kind()).isEqualTo(ChainResult.Kind.ISSUER);
    assertThat(m.issuer()).isEqualTo(ca.cert().getSubjectX500Principal());
    assertThat(m.caIssuers()).containsExactly("http://pki.tests/ca1.crt");
    assertThat(m.keyId()).contains(Hex.upper(CertExtensions.subjectKeyId(ca.cert()).orElseThrow()));
  }

  @Test
  void recognisesAMissingRootThatMicrosoftsListCarries() {
    // The bundle was built with --roots profile and lacks the root; the list still names it.
    ChainResult r =
        build(
            new TrustMaterial(List.of(), Optional.of(listWithRoot()), Set.of()),
            SERVER_AUTH,
            AT,
            given(leaf, "leaf.pem #1"),
            given(ca, "leaf.pem #2"));
    ChainResult.Missing m = r.missing().orElseThrow();
    assertThat(m.kind()).isEqualTo(ChainResult.Kind.CTL_ROOT);
    assertThat(m.ctlRoot().orElseThrow().friendlyName()).contains("Test Root G1");
    assertThat(m.index()).isEqualTo(1);
    assertThat(m.caIssuers()).containsExactly("http://pki.tests/root-g1.crt");
  }

  @Test
  void neverTrustsASelfSignedRootTheServerSends() {
    TestPki.Issued rogue = TestCerts.cert("CN=Rogue Root").ca().build();
    TestPki.Issued rogueLeaf = TestCerts.cert("CN=www.tests.example").issuer(rogue).build();
    ChainResult r =
        build(
            trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
            SERVER_AUTH,
            AT,
            given(rogueLeaf, "c.pem #1"),
            given(rogue, "c.pem #2"));
    assertThat(r.missing().orElseThrow().kind()).isEqualTo(ChainResult.Kind.UNTRUSTED_ROOT);
    assertThat(r.chain()).hasSize(2);
  }

  @Test
  void endsAtTheBundlesCopyWhenTheServerSendsTheRootToo() {
    ChainResult r =
        build(
            trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
            SERVER_AUTH,
            AT,
            given(leaf, "c.pem #1"),
            given(ca, "c.pem #2"),
            given(root, "c.pem #3"));
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(r.chain().get(2).candidate().source()).isEqualTo(ChainCandidate.Source.CTL_ROOT);
    assertThat(r.findings()).noneMatch(f -> f.code().equals("unused"));
  }

  @Test
  void refusesARootTheListDoesNotTrustForTheEku() {
    Ctl ctl = listWithRoot(attr(9, oidSeq(CODE_SIGNING, CLIENT_AUTH)));
    ChainResult r = standard(ctl, SERVER_AUTH);
    assertThat(r.built()).isTrue();
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.FAIL);
    assertThat(codes(r, Finding.Severity.ERROR)).containsExactly("eku-not-allowed");
    assertThat(r.findings().get(0).message()).contains("serverAuth").contains("codeSigning");
    // clientAuth is allowed by the list and by the CA's and leaf's EKUs... except the leaf's.
    assertThat(codes(standard(ctl, CLIENT_AUTH), Finding.Severity.ERROR)).containsExactly("eku");
  }

  @Test
  void refusesARootTheListDisabled() {
    Instant past = Instant.parse("2025-05-01T00:00:00Z");
    ChainResult r = standard(listWithRoot(attr(104, fileTime(past))), SERVER_AUTH);
    assertThat(codes(r, Finding.Severity.ERROR)).containsExactly("root-disabled");
    assertThat(r.findings().get(0).message()).contains("2025-05-01T00:00:00Z");
    // An empty disable date means since forever.
    ChainResult always = standard(listWithRoot(attr(104, new byte[0])), CLIENT_AUTH);
    assertThat(codes(always, Finding.Severity.ERROR)).contains("root-disabled");
  }

  @Test
  void warnsOfADisableDateWithinTheWindowAndNotesALaterOne() {
    ChainResult soon =
        standard(listWithRoot(attr(104, fileTime(AT.plus(Duration.ofDays(10))))), SERVER_AUTH);
    assertThat(soon.verdict()).isEqualTo(ChainResult.Verdict.EXPIRING);
    assertThat(codes(soon, Finding.Severity.WARNING)).containsExactly("disable-soon");
    ChainResult later =
        standard(listWithRoot(attr(104, fileTime(AT.plus(Duration.ofDays(100))))), SERVER_AUTH);
    assertThat(later.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(codes(later, Finding.Severity.NOTE)).containsExactly("disable-date");
  }

  @Test
  void disablesOnlyTheEkusTheDisableDateNames() {
    Ctl ctl =
        listWithRoot(
            attr(104, fileTime(Instant.parse("2025-01-01T00:00:00Z"))),
            attr(122, oidSeq(SERVER_AUTH)));
    assertThat(codes(standard(ctl, SERVER_AUTH), Finding.Severity.ERROR))
        .containsExactly("eku-disabled");
    TestPki.Issued clientLeaf = TestCerts.cert("CN=client").issuer(ca).ekus(CLIENT_AUTH).build();
    ChainResult client =
        build(
            trust(ctl, bundle(root, ChainCandidate.Source.CTL_ROOT)),
            CLIENT_AUTH,
            AT,
            given(clientLeaf, "c.pem #1"),
            given(ca, "c.pem #2"));
    assertThat(client.verdict()).isEqualTo(ChainResult.Verdict.OK);
  }

  @Test
  void distrustsCertificatesIssuedAfterTheNotBeforeDate() {
    // The leaf was issued on 2025-03-01.
    Ctl after =
        listWithRoot(
            attr(126, fileTime(Instant.parse("2025-02-01T00:00:00Z"))),
            attr(127, oidSeq(SERVER_AUTH)));
    ChainResult r = standard(after, SERVER_AUTH);
    assertThat(codes(r, Finding.Severity.ERROR)).containsExactly("not-before");
    assertThat(r.findings().get(0).message()).contains("2025-02-01").contains("2025-03-01");
    Ctl before = listWithRoot(attr(126, fileTime(Instant.parse("2025-04-01T00:00:00Z"))));
    ChainResult ok = standard(before, SERVER_AUTH);
    assertThat(ok.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(codes(ok, Finding.Severity.NOTE)).containsExactly("not-before");
    // Limited to codeSigning: serverAuth is not affected.
    Ctl other =
        listWithRoot(
            attr(126, fileTime(Instant.parse("2025-02-01T00:00:00Z"))),
            attr(127, oidSeq(CODE_SIGNING)));
    assertThat(standard(other, SERVER_AUTH).findings()).isEmpty();
  }

  @Test
  void reportsADisallowedCertificate() {
    String caSha1 = Hex.sha1(der(ca.cert()));
    ChainResult r =
        build(
            new TrustMaterial(
                List.of(bundle(root, ChainCandidate.Source.CTL_ROOT)),
                Optional.of(listWithRoot()),
                Set.of(caSha1)),
            SERVER_AUTH,
            AT,
            given(leaf, "c.pem #1"),
            given(ca, "c.pem #2"));
    assertThat(r.built()).isTrue();
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.FAIL);
    assertThat(codes(r, Finding.Severity.ERROR)).containsExactly("disallowed");
    assertThat(r.findings().get(0).index()).hasValue(1);
    assertThat(r.findings().get(0).message()).contains(caSha1);
  }

  @Test
  void warnsOfExpiryWithinTheWindowAndFailsOnceExpired() {
    Ctl ctl = listWithRoot();
    ChainResult soon = standard(ctl, SERVER_AUTH);
    assertThat(soon.verdict()).isEqualTo(ChainResult.Verdict.OK);
    ChainResult warn =
        build(
            trust(ctl, bundle(root, ChainCandidate.Source.CTL_ROOT)),
            SERVER_AUTH,
            Instant.parse("2026-02-15T00:00:00Z"),
            given(leaf, "c.pem #1"),
            given(ca, "c.pem #2"));
    assertThat(warn.verdict()).isEqualTo(ChainResult.Verdict.EXPIRING);
    assertThat(codes(warn, Finding.Severity.WARNING)).containsExactly("expires-soon");
    ChainResult expired =
        build(
            trust(ctl, bundle(root, ChainCandidate.Source.CTL_ROOT)),
            SERVER_AUTH,
            Instant.parse("2026-03-02T00:00:00Z"),
            given(leaf, "c.pem #1"),
            given(ca, "c.pem #2"));
    assertThat(expired.verdict()).isEqualTo(ChainResult.Verdict.FAIL);
    assertThat(codes(expired, Finding.Severity.ERROR)).containsExactly("expired");
  }

  @Test
  void prefersAValidCrossSignedPathToAnExpiredOne() {
    KeyPair caKey = TestCerts.ec();
    TestPki.Issued other = TestCerts.cert("CN=Other Root, O=Tests").ca().build();
    TestPki.Issued expiredCa =
        TestCerts.cert("CN=Shared CA, O=Tests")
            .key(caKey)
            .issuer(other)
            .ca()
            .validity(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"))
            .build();
    TestPki.Issued validCa =
        TestCerts.cert("CN=Shared CA, O=Tests").key(caKey).issuer(root).ca().build();
    TestPki.Issued l = TestCerts.cert("CN=svc").issuer(validCa).build();
    Ctl ctl = parse(entry(entry(new CtlBuilder(PKI), root, "Test Root G1"), other, "Other Root"));
    for (boolean expiredFirst : new boolean[] {true, false}) {
      List<ChainCandidate> pool = new ArrayList<>();
      pool.add(bundle(root, ChainCandidate.Source.CTL_ROOT));
      pool.add(bundle(other, ChainCandidate.Source.CTL_ROOT));
      ChainCandidate e = bundle(expiredCa, ChainCandidate.Source.INTERMEDIATE);
      ChainCandidate v = bundle(validCa, ChainCandidate.Source.INTERMEDIATE);
      pool.addAll(expiredFirst ? List.of(e, v) : List.of(v, e));
      ChainResult r =
          build(
              new TrustMaterial(pool, Optional.of(ctl), Set.of()),
              SERVER_AUTH,
              AT,
              given(l, "svc.pem"));
      assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
      assertThat(r.chain().get(1).candidate().cert()).isEqualTo(validCa.cert());
    }
  }

  @Test
  void refusesIssuersThatAreNotCasOrBreakTheirConstraints() {
    TestPki.Issued notCa = TestCerts.cert("CN=Not A CA").issuer(root).build();
    TestPki.Issued l1 = TestCerts.cert("CN=a").issuer(notCa).build();
    assertThat(
            codes(
                build(
                    trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
                    SERVER_AUTH,
                    AT,
                    given(l1, "a #1"),
                    given(notCa, "a #2")),
                Finding.Severity.ERROR))
        .containsExactly("not-ca");
    // ca has pathLen 0, so a CA below it breaks the constraint.
    TestPki.Issued sub = TestCerts.cert("CN=Sub CA").issuer(ca).ca().build();
    TestPki.Issued l2 = TestCerts.cert("CN=b").issuer(sub).build();
    assertThat(
            codes(
                build(
                    trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
                    SERVER_AUTH,
                    AT,
                    given(l2, "b #1"),
                    given(sub, "b #2"),
                    given(ca, "b #3")),
                Finding.Severity.ERROR))
        .containsExactly("path-length");
    TestPki.Issued noSign = TestCerts.cert("CN=No Sign CA").issuer(root).ca().noCertSign().build();
    TestPki.Issued l3 = TestCerts.cert("CN=c").issuer(noSign).build();
    assertThat(
            codes(
                build(
                    trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
                    SERVER_AUTH,
                    AT,
                    given(l3, "c #1"),
                    given(noSign, "c #2")),
                Finding.Severity.ERROR))
        .containsExactly("key-usage");
  }

  @Test
  void refusesALeafWhoseEkusLackTheUsage() {
    ChainResult r = standard(listWithRoot(), CODE_SIGNING);
    // Both the leaf and the CA are limited to TLS usages.
    assertThat(codes(r, Finding.Severity.ERROR)).containsExactly("eku", "eku");
  }

  @Test
  void explainsAnIssuerWithTheRightNameButAnotherKey() {
    TestPki.Issued impostor =
        TestCerts.cert("CN=Test Issuing CA 1, O=Tests").issuer(root).ca().build();
    ChainResult r =
        build(
            trust(
                listWithRoot(),
                bundle(root, ChainCandidate.Source.CTL_ROOT),
                bundle(impostor, ChainCandidate.Source.INTERMEDIATE)),
            SERVER_AUTH,
            AT,
            given(leaf, "leaf.pem"));
    ChainResult.Missing m = r.missing().orElseThrow();
    assertThat(m.kind()).isEqualTo(ChainResult.Kind.ISSUER);
    assertThat(m.nearMisses()).singleElement().asString().contains("key identifier");
  }

  @Test
  void stopsAtRootsThatLeftTheList() {
    ChainResult r =
        build(
            new TrustMaterial(
                List.of(bundle(root, ChainCandidate.Source.REMOVED_ROOT)),
                Optional.of(parse(new CtlBuilder(PKI))),
                Set.of()),
            SERVER_AUTH,
            AT,
            given(leaf, "c #1"),
            given(ca, "c #2"));
    ChainResult.Missing m = r.missing().orElseThrow();
    assertThat(m.kind()).isEqualTo(ChainResult.Kind.UNTRUSTED_ROOT);
    assertThat(m.nearMisses())
        .singleElement()
        .asString()
        .contains("left Microsoft's authroot list");
  }

  @Test
  void notesThatAProfileRootNeedsDeploying() {
    ChainResult r =
        build(
            new TrustMaterial(
                List.of(bundle(root, ChainCandidate.Source.EXTRA_ROOT)),
                Optional.empty(),
                Set.of()),
            SERVER_AUTH,
            AT,
            given(leaf, "c #1"),
            given(ca, "c #2"));
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(codes(r, Finding.Severity.NOTE)).containsExactly("private-root");
  }

  @Test
  void boundsTheChainLength() {
    List<TestPki.Issued> cas = new ArrayList<>();
    TestPki.Issued up = root;
    for (int i = 0; i < ChainBuilder.MAX_LENGTH + 2; i++) {
      up = TestCerts.cert("CN=Level " + i).issuer(up).ca().build();
      cas.add(0, up);
    }
    TestPki.Issued l = TestCerts.cert("CN=deep").issuer(up).build();
    List<ChainCandidate> given = new ArrayList<>();
    given.add(given(l, "deep #0"));
    for (int i = 0; i < cas.size(); i++) {
      given.add(given(cas.get(i), "deep #" + (i + 1)));
    }
    ChainResult r =
        ChainBuilder.build(
            given,
            trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
            new ChainBuilder.Options(SERVER_AUTH, AT, Duration.ofDays(30)));
    assertThat(r.missing().orElseThrow().kind()).isEqualTo(ChainResult.Kind.TOO_LONG);
    assertThat(r.chain()).hasSize(ChainBuilder.MAX_LENGTH);
  }

  @Test
  void notesCertificatesGivenButNotUsed() {
    TestPki.Issued stray = TestCerts.cert("CN=Stray CA").ca().build();
    ChainResult r =
        build(
            trust(listWithRoot(), bundle(root, ChainCandidate.Source.CTL_ROOT)),
            SERVER_AUTH,
            AT,
            given(leaf, "c #1"),
            given(ca, "c #2"),
            given(stray, "c #3"));
    assertThat(r.verdict()).isEqualTo(ChainResult.Verdict.OK);
    assertThat(codes(r, Finding.Severity.NOTE)).containsExactly("unused");
  }
}
