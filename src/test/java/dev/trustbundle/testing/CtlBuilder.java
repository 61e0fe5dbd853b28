package dev.trustbundle.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTCTime;
import org.bouncycastle.asn1.DLSet;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Builds signed certificate trust lists the way Microsoft does (reference 3.1 to 3.4), signed by a
 * {@link TestPki}, with switches for every way a list can be wrong.
 */
public final class CtlBuilder {
  public static final String SHA1 = "1.3.14.3.2.26";
  public static final String SHA256 = "2.16.840.1.101.3.4.2.1";
  public static final String CTL = "1.3.6.1.4.1.311.10.1";
  public static final String PROP = "1.3.6.1.4.1.311.10.11.";

  private final TestPki pki;
  private List<String> usage = List.of(TestPki.ROOT_LIST_SIGNER);
  private byte[] listIdentifier;
  private byte[] sequence;
  private Instant thisUpdate = Instant.parse("2025-06-01T12:00:00Z");
  private final List<ASN1Encodable> entries = new ArrayList<>();
  private final List<ASN1Encodable> extensions = new ArrayList<>();
  private boolean octetStringForm;
  private String digestOid = SHA256;
  private String contentTypeOid = CTL;
  private boolean wrongMessageDigest;
  private boolean omitSignedAttributes;
  private List<X509Certificate> certificates;
  private PrivateKey signingKey;

  public CtlBuilder(TestPki pki) {
    this.pki = pki;
  }

  /** An authroot list listing {@code roots} with the usual attributes. */
  public static CtlBuilder authroot(TestPki pki, List<X509Certificate> roots) {
    CtlBuilder b = new CtlBuilder(pki);
    for (X509Certificate r : roots) {
      b.addRoot(der(r), "Test root " + r.getSerialNumber());
    }
    return b;
  }

  public CtlBuilder usage(String... oids) {
    usage = List.of(oids);
    return this;
  }

  public CtlBuilder listIdentifier(String text) {
    listIdentifier = utf16z(text);
    return this;
  }

  public CtlBuilder sequence(byte[] raw) {
    sequence = raw;
    return this;
  }

  public CtlBuilder thisUpdate(Instant t) {
    thisUpdate = t;
    return this;
  }

  public CtlBuilder octetStringForm() {
    octetStringForm = true;
    return this;
  }

  public CtlBuilder sha1() {
    digestOid = SHA1;
    return this;
  }

  public CtlBuilder contentType(String oid) {
    contentTypeOid = oid;
    return this;
  }

  public CtlBuilder wrongMessageDigest() {
    wrongMessageDigest = true;
    return this;
  }

  public CtlBuilder omitSignedAttributes() {
    omitSignedAttributes = true;
    return this;
  }

  /** Envelope certificates (default: signer and list CA). */
  public CtlBuilder certificates(X509Certificate... certs) {
    certificates = List.of(certs);
    return this;
  }

  /** Signs with another key than the signer certificate's. */
  public CtlBuilder signingKey(PrivateKey key) {
    signingKey = key;
    return this;
  }

  /** Adds an entry for a root with friendly name, SHA-256, EKUs, key id and subject MD5. */
  public CtlBuilder addRoot(byte[] der, String friendlyName) {
    return addEntry(
        digest("SHA-1", der),
        attr(11, utf16z(friendlyName)),
        attr(98, digest("SHA-256", der)),
        attr(9, oidSeq("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")),
        attr(20, new byte[20]),
        attr(29, new byte[16]));
  }

  /** Adds an entry with these attributes. */
  public CtlBuilder addEntry(byte[] id, ASN1Encodable... attrs) {
    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(new DEROctetString(id));
    if (attrs.length > 0) {
      v.add(new DLSet(attrs));
    }
    entries.add(new DERSequence(v));
    return this;
  }

  /** Adds a ctlExtension. */
  public CtlBuilder addExtension(String oid, byte[] value) {
    extensions.add(
        new DERSequence(
            new ASN1Encodable[] {new ASN1ObjectIdentifier(oid), new DEROctetString(value)}));
    return this;
  }

  /** Attribute {@code 1.3.6.1.4.1.311.10.11.<prop>} with one OCTET STRING value. */
  public static ASN1Encodable attr(int prop, byte[] octets) {
    return attr(PROP + prop, new DEROctetString(octets));
  }

  public static ASN1Encodable attr(String oid, ASN1Encodable value) {
    return new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(oid), new DERSet(value)});
  }

  public static byte[] oidSeq(String... oids) {
    ASN1EncodableVector v = new ASN1EncodableVector();
    for (String o : oids) {
      v.add(new ASN1ObjectIdentifier(o));
    }
    return encode(new DERSequence(v));
  }

  public static byte[] fileTime(Instant t) {
    long ticks = t.getEpochSecond() * 10_000_000L + t.getNano() / 100 + 116_444_736_000_000_000L;
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(ticks).array();
  }

  public static byte[] utf16z(String s) {
    return (s + "\0").getBytes(StandardCharsets.UTF_16LE);
  }

  /** The CTL SEQUENCE alone. */
  public byte[] ctlDer() {
    ASN1EncodableVector v = new ASN1EncodableVector();
    ASN1EncodableVector u = new ASN1EncodableVector();
    usage.forEach(o -> u.add(new ASN1ObjectIdentifier(o)));
    v.add(new DERSequence(u));
    if (listIdentifier != null) {
      v.add(new DEROctetString(listIdentifier));
    }
    byte[] seq = sequence;
    if (seq == null) {
      byte[] ft = fileTime(thisUpdate);
      seq = new byte[9];
      seq[0] = 0x14;
      for (int i = 0; i < 8; i++) {
        seq[1 + i] = ft[7 - i];
      }
    }
    v.add(new ASN1Integer(seq));
    v.add(new DERUTCTime(java.util.Date.from(thisUpdate)));
    v.add(new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(SHA1), DERNull.INSTANCE}));
    v.add(new DERSequence(entries.toArray(ASN1Encodable[]::new)));
    if (!extensions.isEmpty()) {
      v.add(
          new DERTaggedObject(true, 0, new DERSequence(extensions.toArray(ASN1Encodable[]::new))));
    }
    return encode(new DERSequence(v));
  }

  /** The signed list. */
  public byte[] build() {
    try {
      byte[] ctl = ctlDer();
      ASN1Primitive ctlObj = ASN1Primitive.fromByteArray(ctl);
      byte[] digested;
      ASN1Encodable content;
      if (octetStringForm) {
        digested = ctl;
        content = new DEROctetString(ctl);
      } else {
        // PKCS#7 v1.5: the digest covers the SEQUENCE's contents octets only.
        int hdr = headerLength(ctl);
        digested = java.util.Arrays.copyOfRange(ctl, hdr, ctl.length);
        content = ctlObj;
      }
      String digestName = digestOid.equals(SHA1) ? "SHA-1" : "SHA-256";
      byte[] md = digest(digestName, digested);
      if (wrongMessageDigest) {
        md[0] ^= 1;
      }
      DERSet signedAttrs =
          new DERSet(
              new ASN1Encodable[] {
                attr("1.2.840.113549.1.9.3", new ASN1ObjectIdentifier(contentTypeOid)),
                attr("1.2.840.113549.1.9.4", new DEROctetString(md))
              });
      Signature s = Signature.getInstance(digestName.replace("-", "") + "withRSA");
      s.initSign(signingKey != null ? signingKey : pki.signer.key());
      s.update(encode(signedAttrs));
      byte[] sig = s.sign();

      X509Certificate signer = pki.signer.cert();
      ASN1EncodableVector si = new ASN1EncodableVector();
      si.add(new ASN1Integer(1));
      si.add(
          new DERSequence(
              new ASN1Encodable[] {
                X500Name.getInstance(signer.getIssuerX500Principal().getEncoded()),
                new ASN1Integer(signer.getSerialNumber())
              }));
      si.add(algId(digestOid));
      if (!omitSignedAttributes) {
        si.add(new DERTaggedObject(false, 0, signedAttrs));
      }
      si.add(algId("1.2.840.113549.1.1.1"));
      si.add(new DEROctetString(sig));

      ASN1EncodableVector certs = new ASN1EncodableVector();
      for (X509Certificate c :
          certificates != null ? certificates : List.of(pki.signer.cert(), pki.ca.cert())) {
        certs.add(ASN1Primitive.fromByteArray(c.getEncoded()));
      }
      ASN1EncodableVector sd = new ASN1EncodableVector();
      sd.add(new ASN1Integer(1));
      sd.add(new DERSet(algId(digestOid)));
      sd.add(
          new DERSequence(
              new ASN1Encodable[] {
                new ASN1ObjectIdentifier(CTL), new DERTaggedObject(true, 0, content)
              }));
      sd.add(new DERTaggedObject(false, 0, new DLSet(certs)));
      sd.add(new DERSet(new DERSequence(si)));
      DERSequence ci =
          new DERSequence(
              new ASN1Encodable[] {
                new ASN1ObjectIdentifier("1.2.840.113549.1.7.2"),
                new DERTaggedObject(true, 0, new DERSequence(sd))
              });
      return ci.getEncoded(ASN1Encoding.DL);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static DERSequence algId(String oid) {
    return new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(oid), DERNull.INSTANCE});
  }

  static int headerLength(byte[] der) {
    int first = der[1] & 0xFF;
    return first < 0x80 ? 2 : 2 + (first & 0x7F);
  }

  public static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] digest(String alg, byte[] data) {
    try {
      return MessageDigest.getInstance(alg).digest(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] encode(ASN1Encodable o) {
    try {
      return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
