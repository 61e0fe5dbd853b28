package dev.trustbundle.ctl;

import static dev.trustbundle.testing.CtlBuilder.attr;
import static dev.trustbundle.testing.CtlBuilder.fileTime;
import static dev.trustbundle.testing.CtlBuilder.oidSeq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CtlParserTest {
  static final TestPki PKI = TestPki.standard();

  @ParameterizedTest
  @CsvSource({
    "authroot-2019-10-29.stl, 400, 1401D58E8707DE91BD, 2019-10-29T18:31:08Z",
    "authroot-2025-01-28.stl, 508, 1401DB711E133070AF, 2025-01-28T00:46:32Z",
    "authroot-2025-05-14.stl, 512, 1401DBC4E897EF9FF9, 2025-05-14T15:55:19Z",
    "authroot-2025-06-16.stl, 514, 1401DBDEE7F1A4F449, 2025-06-16T17:56:11Z",
    "authroot-2025-08-26.stl, 507, 1401DC16C38DC3B89E, 2025-08-26T19:56:46Z",
    "authroot-2026-04-22.stl, 515, 1401DCD1EFA35B4A5B, 2026-04-22T00:33:28Z",
    "disallowedcert-2016-05-24.stl, 64, 01D1B5FF1E1DCE20, 2016-05-24T20:59:09Z"
  })
  void parsesEveryRealListAsTheFixtureReadmeDescribes(
      String file, int entries, String seq, String thisUpdate) {
    SignedCtl s = CtlParser.parse(Fixtures.read(Fixtures.ctl(file)));
    assertThat(s.ctl().entries()).hasSize(entries);
    assertThat(s.ctl().sequenceNumber().orElseThrow().hex()).isEqualTo(seq);
    assertThat(s.ctl().thisUpdate()).isEqualTo(Instant.parse(thisUpdate));
    assertThat(s.contentForm()).isEqualTo(SignedCtl.ContentForm.SEQUENCE);
    assertThat(s.certificates()).hasSize(2);
    assertThat(s.ctl().kind())
        .contains(file.startsWith("authroot") ? CtlKind.AUTHROOT : CtlKind.DISALLOWEDCERT);
  }

  @Test
  void decodesEveryAttributeOfTheNewestRealList() {
    Ctl ctl = CtlParser.parse(Fixtures.read(Fixtures.ctl("authroot-2026-04-22.stl"))).ctl();
    // Counts from reference 3.3 for 2026-04-22.
    assertThat(ctl.entries().stream().filter(e -> e.ekus().isPresent())).hasSize(509);
    assertThat(ctl.entries().stream().filter(e -> e.friendlyName().isPresent())).hasSize(515);
    assertThat(ctl.entries().stream().filter(e -> e.keyIdentifier().isPresent())).hasSize(515);
    assertThat(ctl.entries().stream().filter(e -> e.subjectNameMd5().isPresent())).hasSize(515);
    assertThat(ctl.entries().stream().filter(e -> e.rootProgramPolicies().isPresent()))
        .hasSize(166);
    assertThat(ctl.entries().stream().filter(e -> e.sha256().isPresent())).hasSize(515);
    assertThat(ctl.entries().stream().filter(e -> e.disabledAfter().isPresent())).hasSize(205);
    assertThat(
            ctl.entries().stream()
                .filter(e -> e.disabledAfter().orElse(null) instanceof CutoffDate.Always))
        .hasSize(2);
    assertThat(ctl.entries().stream().filter(e -> e.chainPolicies().isPresent())).hasSize(8);
    assertThat(ctl.entries().stream().filter(e -> e.disallowedEkus().isPresent())).hasSize(27);
    assertThat(ctl.entries().stream().filter(e -> e.notBefore().isPresent())).hasSize(295);
    assertThat(
            ctl.entries().stream()
                .filter(e -> e.notBefore().orElse(null) instanceof CutoffDate.Always))
        .hasSize(6);
    assertThat(ctl.entries().stream().filter(e -> e.notBeforeEkus().isPresent())).hasSize(162);
    assertThat(ctl.ctLogs().orElseThrow().count()).isEqualTo(56);
    assertThat(ctl.ctLogs().orElseThrow().header()).containsExactly(1L, 2L, 1L);
    assertThat(ctl.ctLogs().orElseThrow().keyAlgorithms()).containsOnly("EC P-256");
    assertThat(ctl.entry("DF3C24F9BFD666761B268073FE06D1CC8D4F82A4").orElseThrow().friendlyName())
        .contains("DigiCert Global Root G2");
  }

  @Test
  void decodesDisallowedListIdentifier() {
    Ctl ctl = CtlParser.parse(Fixtures.read(Fixtures.ctl("disallowedcert-2016-05-24.stl"))).ctl();
    assertThat(ctl.listIdentifierText()).contains("DisallowedCert_AutoUpdate_1");
    assertThat(ctl.entries()).allMatch(e -> e.identifier().length == 16);
  }

  @Test
  void decodesSyntheticEntryWithAllAttributes() {
    Instant disabled = Instant.parse("2024-02-01T00:00:00Z");
    byte[] id = new byte[20];
    id[0] = 7;
    byte[] list =
        new CtlBuilder(PKI)
            .addEntry(
                id,
                attr(9, oidSeq("1.3.6.1.5.5.7.3.1")),
                attr(11, CtlBuilder.utf16z("Röot ✓")),
                attr(20, new byte[8]),
                attr(29, new byte[16]),
                attr(83, policies()),
                attr(98, new byte[32]),
                attr(104, fileTime(disabled)),
                attr(105, oidSeq("1.3.6.1.4.1.311.60.3.2")),
                attr(122, oidSeq("1.3.6.1.5.5.7.3.3")),
                attr(126, new byte[0]),
                attr(127, oidSeq("1.3.6.1.5.5.7.3.4")),
                attr(200, new byte[] {1, 2}))
            .build();
    CtlEntry e = CtlParser.parse(list).ctl().entries().get(0);
    assertThat(e.identifierHex()).startsWith("07");
    assertThat(e.ekus().orElseThrow()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(e.friendlyName()).contains("Röot ✓");
    assertThat(e.keyIdentifier().orElseThrow()).hasSize(8);
    assertThat(e.rootProgramPolicies().orElseThrow().get(0).oid()).isEqualTo("2.23.140.1.1");
    assertThat(e.rootProgramPolicies().orElseThrow().get(0).qualifierOids())
        .containsExactly("1.3.6.1.4.1.311.60.1.1");
    assertThat(e.disabledAfter()).contains(new CutoffDate.At(disabled));
    assertThat(e.chainPolicies().orElseThrow()).containsExactly("1.3.6.1.4.1.311.60.3.2");
    assertThat(e.disallowedEkus().orElseThrow()).containsExactly("1.3.6.1.5.5.7.3.3");
    assertThat(e.notBefore()).contains(new CutoffDate.Always());
    assertThat(e.notBeforeEkus().orElseThrow()).containsExactly("1.3.6.1.5.5.7.3.4");
    assertThat(e.otherAttributes()).hasSize(1);
    assertThat(e.otherAttributes().get(0).oid()).isEqualTo("1.3.6.1.4.1.311.10.11.200");
  }

  private static byte[] policies() {
    try {
      var qualifier =
          new org.bouncycastle.asn1.DERSequence(
              new org.bouncycastle.asn1.ASN1Encodable[] {
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.60.1.1"),
                new org.bouncycastle.asn1.DERBitString(new byte[] {0x40})
              });
      var info =
          new org.bouncycastle.asn1.DERSequence(
              new org.bouncycastle.asn1.ASN1Encodable[] {
                new org.bouncycastle.asn1.ASN1ObjectIdentifier("2.23.140.1.1"),
                new org.bouncycastle.asn1.DERSequence(qualifier)
              });
      return new org.bouncycastle.asn1.DERSequence(info).getEncoded();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void acceptsTheCmsOctetStringForm() {
    byte[] seqForm = new CtlBuilder(PKI).addEntry(new byte[20]).build();
    byte[] octForm = new CtlBuilder(PKI).addEntry(new byte[20]).octetStringForm().build();
    SignedCtl a = CtlParser.parse(seqForm);
    SignedCtl b = CtlParser.parse(octForm);
    assertThat(b.contentForm()).isEqualTo(SignedCtl.ContentForm.OCTET_STRING);
    assertThat(b.ctl().entries()).hasSize(1);
    // The octet form digests the whole CTL encoding; the SEQUENCE form only its contents.
    assertThat(b.digestedContent().length).isGreaterThan(a.digestedContent().length);
  }

  @Test
  void rejectsWrongAttributeSizes() {
    byte[] list = new CtlBuilder(PKI).addEntry(new byte[20], attr(98, new byte[31])).build();
    assertThatThrownBy(() -> CtlParser.parse(list))
        .isInstanceOf(CtlFormatException.class)
        .hasMessageContaining("attribute 98 has 31 bytes, expected 32");
  }

  @Test
  void rejectsDuplicateEntries() {
    byte[] list = new CtlBuilder(PKI).addEntry(new byte[20]).addEntry(new byte[20]).build();
    assertThatThrownBy(() -> CtlParser.parse(list)).hasMessageContaining("listed twice");
  }

  @Test
  void rejectsContentThatIsNotACtl() {
    byte[] list = new CtlBuilder(PKI).addEntry(new byte[20]).build();
    // Change eContentType 1.3.6.1.4.1.311.10.1 to ...10.2 in place.
    byte[] oid = {0x2B, 0x06, 0x01, 0x04, 0x01, (byte) 0x82, 0x37, 0x0A, 0x01};
    int at = dev.trustbundle.testing.Bytes.indexOf(list, oid);
    list[at + oid.length - 1] = 0x02;
    assertThatThrownBy(() -> CtlParser.parse(list))
        .hasMessageContaining("not a certificate trust list");
  }

  @Test
  void rejectsIndefiniteLengthAndDeepNesting() {
    assertThatThrownBy(() -> CtlParser.parse(new byte[] {0x30, (byte) 0x80, 0, 0}))
        .hasMessageContaining("indefinite");
    // 60 nested SEQUENCEs in 120 bytes: short-form lengths only.
    byte[] bomb = new byte[2 * 60];
    for (int i = 0; i < 60; i++) {
      bomb[2 * i] = 0x30;
      bomb[2 * i + 1] = (byte) (2 * (59 - i));
    }
    Der.Tlv t = Der.readWhole(bomb, "bomb");
    assertThatThrownBy(() -> Der.checkDepth(t, 32, "bomb"))
        .isInstanceOf(CtlFormatException.class)
        .hasMessageContaining("deeper than 32");
    assertThatThrownBy(() -> Certificates.parse(bomb, "bomb.crt"))
        .isInstanceOf(CtlFormatException.class);
  }

  @Test
  void rejectsHugeDeclaredLengths() {
    byte[] b = {0x30, (byte) 0x84, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x02, 0x01, 0x00};
    assertThatThrownBy(() -> CtlParser.parse(b))
        .isInstanceOf(CtlFormatException.class)
        .hasMessageStartingWith("truncated");
  }

  @Test
  void survivesTruncationsAndBitFlipsWithOnlyCtlFormatException() {
    byte[] real = Fixtures.read(Fixtures.ctl("authroot-2025-06-16.stl"));
    for (int len = 0; len < real.length; len += 97) {
      byte[] cut = Arrays.copyOf(real, len);
      assertThatThrownBy(() -> CtlParser.parse(cut)).isInstanceOf(CtlFormatException.class);
    }
    Random r = new Random(7);
    byte[] small = new CtlBuilder(PKI).addRoot(new byte[] {1, 2, 3}, "x").build();
    for (int i = 0; i < 3_000; i++) {
      byte[] f = small.clone();
      f[i < small.length ? i : r.nextInt(small.length)] ^= (byte) (1 << r.nextInt(8));
      try {
        CtlParser.parse(f);
      } catch (CtlFormatException expected) {
        assertThat(expected.getMessage()).doesNotContain("\n");
      }
    }
  }

  @Test
  void passesCtLogKeysItCannotDescribeThroughUndecoded() {
    // Found by CtlFuzzTest: an empty algorithm or an empty RSA modulus escaped as an
    // IndexOutOfBounds or NumberFormatException instead of leaving the extension undecoded.
    byte[] emptyAlgorithm = Hex.parse("300B" + "3003020101" + "3004" + "3000" + "0300");
    byte[] emptyModulus =
        Hex.parse(
            "3020"
                + "3003020101"
                + "3019300D06092A864886F70D0101010500"
                + "030800"
                + "30050200020103");
    for (byte[] value : new byte[][] {emptyAlgorithm, emptyModulus}) {
      SignedCtl s =
          CtlParser.parse(
              new CtlBuilder(PKI).addExtension("1.3.6.1.4.1.311.10.3.52", value).build());
      assertThat(s.ctl().ctLogs()).isEmpty();
      assertThat(s.ctl().extensions())
          .singleElement()
          .satisfies(x -> assertThat(x.value()).isEqualTo(value));
    }
  }

  @Test
  void ordersSequenceNumbersByMicrosoftsRule() {
    assertThat(SequenceNumber.ofHex("1401DCD1EFA35B4A5B"))
        .isGreaterThan(SequenceNumber.ofHex("1401DBDEE7F1A4F449"));
    assertThat(SequenceNumber.ofHex("0100")).isGreaterThan(SequenceNumber.ofHex("FF"));
    assertThat(SequenceNumber.ofHex("abcd")).isEqualByComparingTo(SequenceNumber.ofHex("ABCD"));
  }
}
