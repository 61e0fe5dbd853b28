package dev.trustbundle.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.cab.CabReader;
import dev.trustbundle.ctl.CertPolicy;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.CutoffDate;
import dev.trustbundle.ctl.RawAttribute;
import dev.trustbundle.ctl.SequenceNumber;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The words of a list diff, on synthetic entries and on Microsoft's real lists. */
class CtlDiffTest {
  static final String SERVER = "1.3.6.1.5.5.7.3.1";
  static final String CLIENT = "1.3.6.1.5.5.7.3.2";
  static final String EMAIL = "1.3.6.1.5.5.7.3.4";
  static final Instant D1 = Instant.parse("2025-09-15T00:00:00Z");
  static final Instant D2 = Instant.parse("2026-05-19T00:00:00Z");

  /** A mutable stand-in for the entry's many attributes. */
  static final class E {
    byte[] id = new byte[] {1, 2, 3, 4};
    Optional<List<String>> ekus = Optional.of(List.of(SERVER, CLIENT));
    Optional<String> name = Optional.of("Example Root");
    Optional<List<CertPolicy>> policies = Optional.empty();
    Optional<byte[]> sha256 = Optional.of(new byte[32]);
    Optional<CutoffDate> disabled = Optional.empty();
    Optional<List<String>> disabledEkus = Optional.empty();
    Optional<CutoffDate> notBefore = Optional.empty();
    Optional<List<String>> notBeforeEkus = Optional.empty();
    List<RawAttribute> other = List.of();

    CtlEntry build() {
      return new CtlEntry(
          id,
          ekus,
          name,
          Optional.empty(),
          Optional.empty(),
          policies,
          sha256,
          disabled,
          Optional.empty(),
          disabledEkus,
          notBefore,
          notBeforeEkus,
          other);
    }
  }

  static Ctl list(CtlEntry... entries) {
    return new Ctl(
        Optional.empty(),
        List.of(TestPki.ROOT_LIST_SIGNER),
        Optional.empty(),
        Optional.of(SequenceNumber.ofHex("01")),
        Instant.parse("2025-06-01T00:00:00Z"),
        Optional.empty(),
        "1.3.14.3.2.26",
        List.of(entries),
        List.of(),
        Optional.empty());
  }

  @Test
  void namesTheEkuThatWasRemovedOrAdded() {
    E a = new E();
    E b = new E();
    b.ekus = Optional.of(List.of(CLIENT, EMAIL));
    assertThat(CtlDiff.changes(a.build(), b.build()))
        .containsExactly(
            "EKU removed: Server Authentication (1.3.6.1.5.5.7.3.1)",
            "EKU added: Secure Email (1.3.6.1.5.5.7.3.4)");
  }

  @Test
  void reorderedEkusAreNotAChange() {
    E a = new E();
    E b = new E();
    b.ekus = Optional.of(List.of(CLIENT, SERVER));
    assertThat(CtlDiff.changes(a.build(), b.build())).isEmpty();
  }

  @Test
  void saysWhenEkusAreRestrictedOrTheRestrictionLifted() {
    E all = new E();
    all.ekus = Optional.empty();
    E some = new E();
    some.ekus = Optional.of(List.of("1.3.6.1.4.1.311.94.1.2"));
    assertThat(CtlDiff.changes(all.build(), some.build()))
        .containsExactly(
            "EKUs restricted to 1.3.6.1.4.1.311.94.1.2 (was: every purpose, no EKU attribute)");
    assertThat(CtlDiff.changes(some.build(), all.build()))
        .containsExactly("EKU restriction removed: now trusted for every purpose");
  }

  @Test
  void explainsADisableDateSetForOneEkuOrForTheWholeRoot() {
    E a = new E();
    E forEku = new E();
    forEku.disabled = Optional.of(new CutoffDate.At(D1));
    forEku.disabledEkus = Optional.of(List.of(SERVER));
    assertThat(CtlDiff.changes(a.build(), forEku.build()))
        .containsExactly(
            "disable date set for Server Authentication (1.3.6.1.5.5.7.3.1): 2025-09-15");
    E whole = new E();
    whole.disabled = Optional.of(new CutoffDate.At(D1));
    assertThat(CtlDiff.changes(a.build(), whole.build()))
        .containsExactly("disable date set for the whole root: 2025-09-15");
    E always = new E();
    always.disabled = Optional.of(new CutoffDate.Always());
    assertThat(CtlDiff.changes(a.build(), always.build()).get(0))
        .startsWith("disable date set for the whole root: empty (applies to every certificate");
    assertThat(CtlDiff.changes(whole.build(), a.build()))
        .containsExactly("disable date removed (was 2025-09-15 for the whole root)");
  }

  @Test
  void explainsANotBeforeDateThatMovedOrCoversMoreEkus() {
    E a = new E();
    a.notBefore = Optional.of(new CutoffDate.At(D1));
    a.notBeforeEkus = Optional.of(List.of(SERVER));
    E moved = new E();
    moved.notBefore = Optional.of(new CutoffDate.At(D2));
    moved.notBeforeEkus = Optional.of(List.of(SERVER));
    assertThat(CtlDiff.changes(a.build(), moved.build()))
        .containsExactly(
            "NotBefore date for Server Authentication (1.3.6.1.5.5.7.3.1) changed from 2025-09-15"
                + " to 2026-05-19");
    E wider = new E();
    wider.notBefore = Optional.of(new CutoffDate.At(D1));
    wider.notBeforeEkus = Optional.of(List.of(SERVER, EMAIL));
    assertThat(CtlDiff.changes(a.build(), wider.build()))
        .containsExactly(
            "NotBefore date 2025-09-15 now also applies to Secure Email (1.3.6.1.5.5.7.3.4)");
    E both = new E();
    both.notBefore = Optional.of(new CutoffDate.At(Instant.parse("2026-05-19T12:30:00Z")));
    assertThat(CtlDiff.changes(a.build(), both.build()))
        .containsExactly(
            "NotBefore date changed from 2025-09-15 to 2026-05-19T12:30:00Z and now applies to"
                + " the whole root (was: Server Authentication (1.3.6.1.5.5.7.3.1))");
  }

  @Test
  void namesEvPolicyFriendlyNameAndOtherAttributeChanges() {
    E a = new E();
    a.other = List.of(new RawAttribute("1.3.6.1.4.1.311.10.11.200", List.of(new byte[] {4, 1, 0})));
    E b = new E();
    b.policies = Optional.of(List.of(new CertPolicy("2.23.140.1.1", List.of())));
    b.name = Optional.of("Example Root G2");
    b.sha256 = Optional.of(new byte[] {1});
    b.other = List.of(new RawAttribute("1.3.6.1.4.1.311.10.11.200", List.of(new byte[] {4, 1, 1})));
    assertThat(CtlDiff.changes(a.build(), b.build()))
        .containsExactly(
            "EV policy added: CA/Browser Forum EV TLS (2.23.140.1.1)",
            "friendly name changed from \"Example Root\" to \"Example Root G2\"",
            "SHA-256 attribute (98) changed from " + "0".repeat(64) + " to 01",
            "attribute 1.3.6.1.4.1.311.10.11.200 (property 200) changed");
    assertThat(CtlDiff.changes(b.build(), a.build()))
        .contains("EV policy removed: CA/Browser Forum EV TLS (2.23.140.1.1)");
  }

  @Test
  void listsAddedRemovedAndChangedEntriesSortedByName() {
    E keep = new E();
    E gone = new E();
    gone.id = new byte[] {9};
    gone.name = Optional.of("zeta root");
    E gone2 = new E();
    gone2.id = new byte[] {8};
    gone2.name = Optional.of("Alpha Root");
    E changed = new E();
    changed.ekus = Optional.of(List.of(SERVER));
    E fresh = new E();
    fresh.id = new byte[] {7};
    fresh.name = Optional.empty();
    byte[] cert = CtlBuilder.der(TestPki.selfSigned("CN=Fresh Root, O=Example").cert());
    CtlDiff d =
        CtlDiff.compare(
            CtlKind.AUTHROOT,
            Optional.of(list(keep.build(), gone.build(), gone2.build())),
            Optional.of(list(changed.build(), fresh.build())),
            sha1 -> Optional.empty(),
            sha1 -> sha1.equals("07") ? Optional.of(cert) : Optional.empty());
    assertThat(d.removed())
        .extracting(CtlDiff.Entry::friendlyName)
        .containsExactly(Optional.of("Alpha Root"), Optional.of("zeta root"));
    // No friendly name: the certificate's subject CN names it.
    assertThat(d.added()).containsExactly(new CtlDiff.Entry("07", Optional.of("Fresh Root")));
    assertThat(d.changed()).hasSize(1);
    assertThat(d.changed().get(0).changes())
        .containsExactly("EKU removed: Client Authentication (1.3.6.1.5.5.7.3.2)");
    assertThat(d.before().orElseThrow().entries()).isEqualTo(3);
    assertThat(d.identical()).isFalse();
    CtlDiff absent =
        CtlDiff.compare(
            CtlKind.PINRULES,
            Optional.empty(),
            Optional.of(list(keep.build())),
            x -> Optional.empty(),
            x -> Optional.empty());
    assertThat(absent.before()).isEmpty();
    assertThat(absent.added()).hasSize(1);
  }

  @Test
  void realListsOfJuneAndAugust2025DifferBySevenRemovedRoots() {
    Fixtures.require();
    Ctl june =
        CtlParser.parse(
                CabReader.read(Fixtures.read(Fixtures.ctl("authrootstl-2025-06-16.cab")))
                    .entry("authroot.stl")
                    .orElseThrow()
                    .data())
            .ctl();
    Ctl august = CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-2025-08-26.stl"))).ctl();
    CtlDiff d =
        CtlDiff.compare(
            CtlKind.AUTHROOT,
            Optional.of(june),
            Optional.of(august),
            x -> Optional.empty(),
            x -> Optional.empty());
    assertThat(d.added()).isEmpty();
    assertThat(d.removed()).containsExactlyElementsOf(SEVEN_REMOVED);
    assertThat(d.changed()).hasSize(73);
    assertThat(d.before().orElseThrow().sequenceNumber()).isEqualTo("1401DBDEE7F1A4F449");
    assertThat(d.after().orElseThrow().sequenceNumber()).isEqualTo("1401DC16C38DC3B89E");
    assertThat(d.after().orElseThrow().thisUpdate())
        .isEqualTo(Instant.parse("2025-08-26T19:56:46Z"));
    assertThat(changesOf(d, "58D1DF9595676B63C0F05B1C174D8B840BC878BD"))
        .containsExactly(
            "disable date set for Server Authentication (1.3.6.1.5.5.7.3.1): 2025-09-15");
    assertThat(changesOf(d, "6AD23B9DC48E375F859AD9CAB585325C23894071"))
        .containsExactly("disable date set for the whole root: 2025-09-15");
    assertThat(changesOf(d, "559BBA7B0FFE80D6D3829B1FD07AA4D322194790"))
        .containsExactly(
            "NotBefore date changed from 2021-08-01 to 2025-09-15 and now also applies to Secure"
                + " Email (1.3.6.1.5.5.7.3.4)");
  }

  /** The seven roots Microsoft removed between the 2025-06-16 and 2025-08-26 lists, by name. */
  static final List<CtlDiff.Entry> SEVEN_REMOVED =
      List.of(
          entry("5BB59920D11B391479463ADD5100DB1D52F43AD4", "ANF Global Root CA"),
          entry("9F8DE799CF8764ED2466990564041B194919EDE8", "ESIGNIT.ORG"),
          entry("E621F3354379059A4B68309D8A2F74221587EC79", "GeoTrust Universal CA"),
          entry("D2695E12F592E9C8EE2A4CB8D55E295FEE6B2D31", "SSC GDL CA VS Root"),
          entry(
              "84F2E3DD83133EA91D19527F02D729BFC15FE667",
              "Symantec Class 1 Public Primary Certification Authority - G4"),
          entry(
              "6724902E4801B02296401046B4B1672CA975FD2B",
              "Symantec Class 2 Public Primary Certification Authority - G4"),
          entry("3BC0380B33C3F6A60C86152293D9DFF54B81C004", "Trustis FPS Root CA"));

  static CtlDiff.Entry entry(String sha1, String name) {
    return new CtlDiff.Entry(sha1, Optional.of(name));
  }

  static List<String> changesOf(CtlDiff d, String sha1) {
    return d.changed().stream()
        .filter(c -> c.sha1().equals(sha1))
        .findFirst()
        .orElseThrow()
        .changes();
  }
}
