package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;
import static dev.trustbundle.hostile.Mutations.concat;
import static dev.trustbundle.hostile.Mutations.cut;
import static dev.trustbundle.hostile.Mutations.derLength;
import static dev.trustbundle.hostile.Mutations.flip;
import static dev.trustbundle.hostile.Mutations.nest;
import static dev.trustbundle.hostile.Mutations.patch;
import static dev.trustbundle.hostile.Mutations.splice;

import dev.trustbundle.ctl.Der;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.testing.CtlBuilder;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;

/**
 * Signed trust lists ({@code .stl}): the PKCS#7 envelope cut, its lengths overflowed or made
 * indefinite, nesting bombs, wrong content types, swapped and foreign signatures, unpinned and
 * unfit signers, and lists whose entries are duplicated or badly encoded (signed as they are, so
 * that the parser and not the signature check must catch them).
 */
final class StlCases {
  private StlCases() {}

  private static final String NAME = "authroot.stl";

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] stl = m.stl;
    Der.Tlv contentInfo = Der.readWhole(stl, "ContentInfo");
    Der.Tlv explicit = child(contentInfo, 1);
    Der.Tlv signedData = child(explicit, 0);
    Der.Tlv encap = child(signedData, 2);
    Der.Tlv ctl = child(child(encap, 1), 0);
    Der.Tlv entries = child(ctl, 4);
    Der.Tlv firstEntry = child(entries, 0);
    Der.Tlv certs = child(signedData, 3);
    Der.Tlv signerInfos = child(signedData, 4);
    Der.Tlv signerInfo = child(signerInfos, 0);
    Der.Tlv signature = child(signerInfo, 5);
    Der.Tlv thisUpdate = child(ctl, 2);

    // Cut short: at the start of each structure, and near both ends.
    int[] cuts = {
      1,
      2,
      4,
      10,
      signedData.start(),
      encap.start(),
      ctl.start(),
      entries.start(),
      firstEntry.start() + 5,
      certs.start(),
      signerInfos.start(),
      signature.start(),
      signature.valueStart() + 10,
      stl.length - 1
    };
    for (int at : cuts) {
      out.add(c("cut-at-" + at, cut(stl, at), MALFORMED, "truncated"));
    }
    out.add(c("trailing-byte", concat(stl, new byte[] {0}), MALFORMED, "trailing"));
    out.add(c("trailing-copy", concat(stl, stl), MALFORMED, "trailing"));

    // Length overflows: 0x84 FF FF FF FF where each structure's length is (the enclosing
    // lengths adjusted, so that each overflow is met where it is).
    Object[][] lengths = {
      {"ContentInfo", new int[] {}},
      {"SignedData", SIGNED_DATA},
      {"encapContentInfo", ENCAP},
      {"CTL", CTL},
      {"entries", ENTRIES},
      {"first-entry", FIRST_ENTRY},
      {"entry-identifier", path(FIRST_ENTRY, 0)},
      {"certificates", CERTS},
      {"signerInfos", SIGNER_INFOS},
      {"signature", SIGNATURE}
    };
    for (Object[] l : lengths) {
      out.add(
          c(
              "length-overflow-" + l[0],
              withLength(
                  stl,
                  (int[]) l[1],
                  (byte) 0x84,
                  (byte) 0xFF,
                  (byte) 0xFF,
                  (byte) 0xFF,
                  (byte) 0xFF),
              MALFORMED,
              "declares"));
    }
    out.add(
        c(
            "length-five-octets",
            derLength(stl, 0, (byte) 0x85, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 1),
            MALFORMED,
            "5-byte length"));
    out.add(
        c(
            "length-indefinite-ContentInfo",
            derLength(stl, 0, (byte) 0x80),
            MALFORMED,
            "indefinite"));
    out.add(c("length-indefinite-CTL", withLength(stl, CTL, (byte) 0x80), MALFORMED, "indefinite"));
    out.add(
        c(
            "length-short-ContentInfo",
            derLength(stl, 0, Mutations.lengthOf(contentInfo.length() - 1)),
            MALFORMED,
            "trailing data"));
    out.add(c("high-tag-number", patch(stl, 0, (byte) 0x3F), MALFORMED, "high tag"));
    out.add(c("top-level-set", patch(stl, 0, (byte) 0x31), MALFORMED, "expected tag"));

    // Nesting bombs.
    out.add(
        c(
            "nesting-bomb-10000",
            nest(0x30, 10_000, new byte[] {5, 0}),
            MALFORMED,
            "ContentInfo has 1 elements"));
    out.add(
        c(
            "nesting-bomb-in-envelope-certificate",
            replaceAt(stl, path(CERTS, 0), nest(0x30, 10_000, new byte[] {5, 0})),
            INVALID,
            "nests deeper"));

    // Wrong object identifiers.
    Der.Tlv ciOid = child(contentInfo, 0);
    out.add(
        c(
            "contentType-data",
            patch(stl, ciOid.end() - 1, (byte) 0x01),
            MALFORMED,
            "not a signed list"));
    Der.Tlv ecOid = child(encap, 0);
    out.add(
        c(
            "eContentType-other",
            patch(stl, ecOid.end() - 1, (byte) 0x02),
            MALFORMED,
            "not a certificate trust list"));
    out.add(
        c(
            "oid-leading-0x80",
            patch(stl, ciOid.valueStart() + 1, (byte) 0x80),
            MALFORMED,
            "leading 0x80"));
    out.add(c("oid-empty", replaceAt(stl, new int[] {0}, new byte[] {6, 0}), MALFORMED, "0 bytes"));
    out.add(
        c(
            "signed-contentType-attribute-wrong",
            new CtlBuilder(m.pki)
                .contentType("1.2.840.113549.1.7.1")
                .addRoot(new byte[] {1}, "x")
                .build(),
            INVALID,
            "contentType"));

    // Signatures.
    int sig = signature.valueStart();
    out.add(c("signature-first-byte-flipped", flip(stl, sig, 0x01), INVALID, "signature"));
    out.add(
        c(
            "signature-last-byte-flipped",
            flip(stl, signature.end() - 1, 0x80),
            INVALID,
            "signature"));
    out.add(c("signature-halves-swapped", swapHalves(stl, signature), INVALID, "signature"));
    out.add(c("signature-zeroed", zero(stl, signature), INVALID, "signature"));
    out.add(
        c(
            "signature-from-another-key",
            CtlBuilder.authroot(m.pki, m.roots).signingKey(m.otherRsaKey).build(),
            INVALID,
            "signature"));
    out.add(
        c(
            "signature-swapped-from-another-list",
            swapSignature(stl, signature, m.disallowedStl),
            INVALID,
            "signature"));
    out.add(
        c(
            "signed-by-impostor-with-its-certificate",
            CtlBuilder.authroot(m.pki, m.roots)
                .signingKey(m.impostor.key())
                .certificates(m.impostor.cert())
                .build(),
            INVALID,
            "not in the envelope"));
    out.add(
        HostileCorpus.inspect(
            Category.STL,
            "signer-not-pinned",
            NAME,
            stl,
            Map.of("opt-impostor.crt", Material.der(m.impostor.cert())),
            List.of("--no-default-pins", "--trust-anchor", "@opt-impostor.crt"),
            INVALID,
            "no certificate that issued"));
    out.add(
        HostileCorpus.inspectRaw(
            Category.STL,
            "signer-not-pinned-default-pins",
            NAME,
            stl,
            Map.of(),
            List.of("--summary", "--at", Material.AT, "@" + NAME),
            INVALID,
            "pinned roots not found"));
    out.add(
        c(
            "message-digest-wrong",
            CtlBuilder.authroot(m.pki, m.roots).wrongMessageDigest().build(),
            INVALID,
            "messageDigest"));
    out.add(
        c(
            "signed-attributes-omitted",
            CtlBuilder.authroot(m.pki, m.roots).omitSignedAttributes().build(),
            INVALID,
            "no signed attributes"));
    out.add(
        c(
            "envelope-without-certificates",
            CtlBuilder.authroot(m.pki, m.roots).certificates().build(),
            INVALID,
            "not in the envelope"));
    X509Certificate[] many =
        Collections.nCopies(33, m.pki.signer.cert()).toArray(X509Certificate[]::new);
    out.add(
        c(
            "envelope-33-certificates",
            CtlBuilder.authroot(m.pki, m.roots).certificates(many).build(),
            MALFORMED,
            "more than 32 certificates"));
    out.add(
        HostileCorpus.inspect(
            Category.STL,
            "sha1-signed-with-reject-sha1",
            NAME,
            CtlBuilder.authroot(m.pki, m.roots).sha1().build(),
            Map.of(),
            List.of("--reject-sha1"),
            INVALID,
            "SHA-1"));

    // Unfit signers (same keys, certificates that must not sign lists).
    out.add(
        c(
            "signer-without-list-eku",
            CtlBuilder.authroot(m.unfit.get("no-eku"), m.roots).build(),
            INVALID,
            "extended key usage"));
    out.add(
        c(
            "signer-expired-at-thisUpdate",
            CtlBuilder.authroot(m.unfit.get("expired"), m.roots).build(),
            INVALID,
            "was not valid when the list was issued"));
    out.add(
        c(
            "list-ca-not-a-ca",
            CtlBuilder.authroot(m.unfit.get("ca-not-ca"), m.roots).build(),
            INVALID,
            "is not a CA"));
    out.add(
        c(
            "signer-wrong-name",
            CtlBuilder.authroot(m.unfit.get("wrong-name"), m.roots).build(),
            INVALID,
            "the signer is"));
    out.add(
        c(
            "thisUpdate-in-the-future",
            CtlBuilder.authroot(m.pki, m.roots)
                .thisUpdate(Instant.parse("2030-01-01T00:00:00Z"))
                .build(),
            INVALID,
            "future"));
    out.add(
        c(
            "disallowed-list-named-authroot",
            m.disallowedStl,
            INVALID,
            "holds the disallowedcert list"));
    out.add(
        c(
            "thisUpdate-month-13",
            patch(stl, thisUpdate.valueStart() + 2, (byte) '1', (byte) '3'),
            MALFORMED,
            "not a valid date"));
    out.add(
        c(
            "thisUpdate-not-a-time",
            patch(stl, thisUpdate.start(), (byte) 0x04),
            MALFORMED,
            "expected UTCTime"));

    // Entries, signed as they are.
    byte[] r0 = Material.der(m.roots.get(0));
    byte[] sha1 = CtlBuilder.digest("SHA-1", r0);
    out.add(
        c(
            "duplicate-entry",
            CtlBuilder.authroot(m.pki, List.of(m.roots.get(0), m.roots.get(1), m.roots.get(0)))
                .build(),
            MALFORMED,
            "listed twice"));
    Object[][] attrs = {
      {"friendly-name-odd-length", CtlBuilder.attr(11, new byte[] {'a', 0, 'b'}), "not UTF-16LE"},
      {"sha256-31-bytes", CtlBuilder.attr(98, new byte[31]), "31 bytes"},
      {"eku-not-a-sequence", CtlBuilder.attr(9, new byte[] {4, 1, 0}), "expected tag 0x30"},
      {
        "eku-nesting-bomb",
        CtlBuilder.attr(9, nest(0x30, 10_000, new byte[] {6, 1, 1})),
        "expected tag 0x06"
      },
      {"eku-not-oids", CtlBuilder.attr(9, new byte[] {0x30, 3, 2, 1, 1}), "expected tag 0x06"},
      {"disabled-after-7-bytes", CtlBuilder.attr(104, new byte[7]), "7 bytes"},
      {"not-before-9-bytes", CtlBuilder.attr(126, new byte[9]), "9 bytes"},
      {
        "attribute-empty-set",
        new DERSequence(
            new ASN1Encodable[] {new ASN1ObjectIdentifier(CtlBuilder.PROP + "11"), new DERSet()}),
        "0 values"
      },
      {
        "attribute-two-values",
        new DERSequence(
            new ASN1Encodable[] {
              new ASN1ObjectIdentifier(CtlBuilder.PROP + "98"),
              new DERSet(
                  new ASN1Encodable[] {
                    new DEROctetString(new byte[32]), new DEROctetString(new byte[31])
                  })
            }),
        "2 values"
      },
      {
        "attribute-value-integer",
        CtlBuilder.attr(CtlBuilder.PROP + "98", new ASN1Integer(5)),
        "expected tag 0x04"
      },
      {
        "attribute-missing-values",
        new DERSequence(new ASN1ObjectIdentifier(CtlBuilder.PROP + "98")),
        "malformed"
      },
    };
    for (Object[] a : attrs) {
      out.add(
          c(
              "entry-" + a[0],
              new CtlBuilder(m.pki).addEntry(sha1, (ASN1Encodable) a[1]).build(),
              MALFORMED,
              (String) a[2]));
    }
    out.add(
        c(
            "entry-attribute-repeated",
            new CtlBuilder(m.pki)
                .addEntry(
                    sha1, CtlBuilder.attr(98, new byte[32]), CtlBuilder.attr(98, new byte[32]))
                .build(),
            MALFORMED,
            "twice"));
    ASN1Encodable[] sixtyFive = new ASN1Encodable[65];
    for (int i = 0; i < 65; i++) {
      sixtyFive[i] = CtlBuilder.attr(CtlBuilder.PROP + (200 + i), new DEROctetString(new byte[1]));
    }
    out.add(
        c(
            "entry-65-attributes",
            new CtlBuilder(m.pki).addEntry(sha1, sixtyFive).build(),
            MALFORMED,
            "65 attributes"));
    out.add(
        c(
            "entry-identifier-empty",
            new CtlBuilder(m.pki).addEntry(new byte[0]).build(),
            MALFORMED,
            "0 bytes"));
    return out;
  }

  static Der.Tlv child(Der.Tlv t, int i) {
    return t.children("test").get(i);
  }

  private static Case c(String name, byte[] data, int exit, String fragment) {
    return HostileCorpus.inspect(Category.STL, name, NAME, data, exit, fragment);
  }

  /** Swaps the two halves of the signature value. */
  private static byte[] swapHalves(byte[] stl, Der.Tlv sig) {
    byte[] c = stl.clone();
    int half = sig.length() / 2;
    System.arraycopy(stl, sig.valueStart() + half, c, sig.valueStart(), half);
    System.arraycopy(stl, sig.valueStart(), c, sig.valueStart() + half, half);
    return c;
  }

  private static byte[] zero(byte[] stl, Der.Tlv sig) {
    byte[] c = stl.clone();
    java.util.Arrays.fill(c, sig.valueStart(), sig.end(), (byte) 0);
    return c;
  }

  /** The signature value of {@code other} (same key, same length) in place of this list's. */
  private static byte[] swapSignature(byte[] stl, Der.Tlv sig, byte[] other) {
    Der.Tlv o =
        child(child(child(child(Der.readWhole(other, "other"), 1), 0), 4), 0).children("si").get(5);
    return patch(stl, sig.valueStart(), o.value());
  }

  // Paths from the ContentInfo to the structures of a signed list, by child index.
  static final int[] SIGNED_DATA = {1, 0};
  static final int[] ENCAP = {1, 0, 2};
  static final int[] CTL = {1, 0, 2, 1, 0};
  static final int[] ENTRIES = {1, 0, 2, 1, 0, 4};
  static final int[] FIRST_ENTRY = {1, 0, 2, 1, 0, 4, 0};
  static final int[] CERTS = {1, 0, 3};
  static final int[] SIGNER_INFOS = {1, 0, 4};
  static final int[] SIGNATURE = {1, 0, 4, 0, 5};

  static int[] path(int[] path, int last) {
    int[] p = java.util.Arrays.copyOf(path, path.length + 1);
    p[path.length] = last;
    return p;
  }

  /** The elements from the outermost to the one at {@code path}. */
  static List<Der.Tlv> chain(byte[] der, int[] path) {
    List<Der.Tlv> chain = new ArrayList<>();
    Der.Tlv t = Der.readWhole(der, "input");
    chain.add(t);
    for (int i : path) {
      t = child(t, i);
      chain.add(t);
    }
    return chain;
  }

  /** Gives the element at {@code path} these length octets; the enclosing lengths follow. */
  static byte[] withLength(byte[] der, int[] path, byte... encoding) {
    List<Der.Tlv> chain = chain(der, path);
    Der.Tlv target = chain.get(chain.size() - 1);
    int old = Mutations.lengthOctets(der, target.start());
    return fixEnclosing(
        splice(der, target.start() + 1, old, encoding), chain, encoding.length - old);
  }

  /** Replaces the element at {@code path} by {@code with}; the enclosing lengths follow. */
  static byte[] replaceAt(byte[] der, int[] path, byte[] with) {
    List<Der.Tlv> chain = chain(der, path);
    Der.Tlv target = chain.get(chain.size() - 1);
    int len = target.end() - target.start();
    return fixEnclosing(splice(der, target.start(), len, with), chain, with.length - len);
  }

  private static byte[] fixEnclosing(byte[] out, List<Der.Tlv> chain, int delta) {
    // Innermost first; every enclosing element starts before the change, so its offset holds.
    for (int i = chain.size() - 2; i >= 0; i--) {
      Der.Tlv t = chain.get(i);
      byte[] len = Mutations.lengthOf(t.length() + delta);
      int old = Mutations.lengthOctets(out, t.start());
      out = splice(out, t.start() + 1, old, len);
      delta += len.length - old;
    }
    return out;
  }
}
