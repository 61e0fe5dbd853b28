package dev.trustbundle.ctl;

import dev.trustbundle.ctl.Der.Tlv;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses a signed certificate trust list ({@code .stl}): the PKCS#7 SignedData envelope (reference
 * 3.1) and the CTL inside it (3.2 to 3.5). Parsing only; {@code verify} checks the signature.
 */
public final class CtlParser {
  private static final int MAX_CERTIFICATES = 32;
  private static final int MAX_SIGNER_INFOS = 8;
  private static final int MAX_ATTRIBUTES_PER_ENTRY = 64;
  private static final Set<String> KNOWN_PROPS =
      Set.of("9", "11", "20", "29", "83", "98", "104", "105", "122", "126", "127");

  // FILETIME counts 100 ns since 1601-01-01; this many ticks separate it from the Unix epoch.
  private static final long FILETIME_UNIX_EPOCH = 116_444_736_000_000_000L;

  private CtlParser() {}

  /**
   * Parses a signed list.
   *
   * @throws CtlFormatException when the bytes are not a well-formed signed CTL
   */
  public static SignedCtl parse(byte[] data) {
    Tlv contentInfo = Der.readWhole(data, "ContentInfo").expect(Der.SEQUENCE, "ContentInfo");
    List<Tlv> ci = contentInfo.children("ContentInfo");
    if (ci.size() != 2) {
      throw new CtlFormatException(
          "ContentInfo has " + ci.size() + " elements, expected contentType and content");
    }
    String contentType = ci.get(0).oid("ContentInfo.contentType");
    if (!contentType.equals(Oids.SIGNED_DATA)) {
      throw new CtlFormatException(
          "not a signed list: ContentInfo.contentType is " + contentType + ", not signedData");
    }
    Tlv signedData =
        single(ci.get(1).expect(0xA0, "ContentInfo.content"), "ContentInfo.content")
            .expect(Der.SEQUENCE, "SignedData");
    List<Tlv> sd = signedData.children("SignedData");
    if (sd.size() < 4) {
      throw new CtlFormatException("SignedData has only " + sd.size() + " elements");
    }
    sd.get(0).smallInt("SignedData.version");
    List<String> digestAlgorithms = new ArrayList<>();
    for (Tlv alg : sd.get(1).expect(Der.SET, "SignedData.digestAlgorithms").children("algs")) {
      digestAlgorithms.add(algorithmOid(alg, "SignedData.digestAlgorithms"));
    }

    Tlv encap = sd.get(2).expect(Der.SEQUENCE, "encapContentInfo");
    List<Tlv> ec = encap.children("encapContentInfo");
    if (ec.isEmpty() || ec.size() > 2) {
      throw new CtlFormatException("encapContentInfo has " + ec.size() + " elements");
    }
    String eContentType = ec.get(0).oid("encapContentInfo.eContentType");
    if (!eContentType.equals(Oids.CTL)) {
      throw new CtlFormatException(
          "the signed content is "
              + eContentType
              + ", not a certificate trust list ("
              + Oids.CTL
              + ")");
    }
    if (ec.size() != 2) {
      throw new CtlFormatException("the signed envelope carries no list (detached content)");
    }
    Tlv content = single(ec.get(1).expect(0xA0, "eContent"), "eContent");
    Tlv ctlTlv;
    SignedCtl.ContentForm form;
    int digestedStart;
    int digestedLength;
    if (content.tag() == Der.SEQUENCE) {
      // PKCS#7 v1.5 (RFC 2315 9.3): the digest covers the contents octets, tag and length excluded.
      form = SignedCtl.ContentForm.SEQUENCE;
      ctlTlv = content;
      digestedStart = content.valueStart();
      digestedLength = content.length();
    } else if (content.tag() == Der.OCTET_STRING) {
      // CMS: the digest covers the OCTET STRING's contents, which are the whole CTL encoding.
      form = SignedCtl.ContentForm.OCTET_STRING;
      ctlTlv = Der.read(data, content.valueStart(), content.end(), "CTL");
      if (ctlTlv.end() != content.end()) {
        throw new CtlFormatException("trailing bytes after the CTL inside eContent");
      }
      ctlTlv.expect(Der.SEQUENCE, "CTL");
      digestedStart = content.valueStart();
      digestedLength = content.length();
    } else {
      throw new CtlFormatException(
          String.format(
              "eContent at offset %d has tag 0x%02X; expected the CTL SEQUENCE or an OCTET STRING",
              content.start(), content.tag()));
    }
    Ctl ctl = parseCtl(ctlTlv);

    int i = 3;
    List<byte[]> certificates = new ArrayList<>();
    if (i < sd.size() && sd.get(i).tag() == 0xA0) {
      for (Tlv cert : sd.get(i).children("SignedData.certificates")) {
        if (certificates.size() >= MAX_CERTIFICATES) {
          throw new CtlFormatException(
              "the envelope holds more than " + MAX_CERTIFICATES + " certificates");
        }
        cert.expect(Der.SEQUENCE, "SignedData.certificates[" + certificates.size() + "]");
        certificates.add(cert.encoded());
      }
      i++;
    }
    if (i < sd.size() && sd.get(i).tag() == 0xA1) {
      i++; // CRLs: not used by Microsoft's lists and not needed for verification.
    }
    if (i != sd.size() - 1) {
      throw new CtlFormatException("SignedData has unexpected elements before signerInfos");
    }
    List<SignerInfo> signerInfos = new ArrayList<>();
    for (Tlv si : sd.get(i).expect(Der.SET, "SignedData.signerInfos").children("signerInfos")) {
      if (signerInfos.size() >= MAX_SIGNER_INFOS) {
        throw new CtlFormatException("more than " + MAX_SIGNER_INFOS + " SignerInfos");
      }
      signerInfos.add(parseSignerInfo(si));
    }
    return new SignedCtl(
        data,
        form,
        digestedStart,
        digestedLength,
        ctl,
        digestAlgorithms,
        certificates,
        signerInfos);
  }

  private static Tlv single(Tlv explicit, String what) {
    List<Tlv> c = explicit.children(what);
    if (c.size() != 1) {
      throw new CtlFormatException(what + " holds " + c.size() + " elements, expected one");
    }
    return c.get(0);
  }

  private static String algorithmOid(Tlv alg, String what) {
    List<Tlv> c = alg.expect(Der.SEQUENCE, what).children(what);
    if (c.isEmpty() || c.size() > 2) {
      throw new CtlFormatException(what + " at offset " + alg.start() + " is malformed");
    }
    return c.get(0).oid(what);
  }

  private static SignerInfo parseSignerInfo(Tlv si) {
    List<Tlv> c = si.expect(Der.SEQUENCE, "SignerInfo").children("SignerInfo");
    if (c.size() < 5) {
      throw new CtlFormatException("SignerInfo has only " + c.size() + " elements");
    }
    long version = c.get(0).smallInt("SignerInfo.version");
    Optional<byte[]> issuer = Optional.empty();
    Optional<BigInteger> serial = Optional.empty();
    Optional<byte[]> ski = Optional.empty();
    Tlv sid = c.get(1);
    if (sid.tag() == Der.SEQUENCE) {
      List<Tlv> ias = sid.children("issuerAndSerialNumber");
      if (ias.size() != 2) {
        throw new CtlFormatException("issuerAndSerialNumber has " + ias.size() + " elements");
      }
      issuer = Optional.of(ias.get(0).expect(Der.SEQUENCE, "issuer").encoded());
      Tlv serialTlv = ias.get(1).expect(Der.INTEGER, "serialNumber");
      if (serialTlv.length() == 0 || serialTlv.length() > 64) {
        throw new CtlFormatException(
            "SignerInfo serialNumber has " + serialTlv.length() + " bytes");
      }
      serial = Optional.of(new BigInteger(serialTlv.value()));
    } else if (sid.tag() == 0x80) {
      ski = Optional.of(sid.value());
    } else {
      throw new CtlFormatException(
          String.format("SignerInfo.sid has tag 0x%02X at offset %d", sid.tag(), sid.start()));
    }
    String digestAlgorithm = algorithmOid(c.get(2), "SignerInfo.digestAlgorithm");
    int i = 3;
    Optional<byte[]> signedAttrsEncoded = Optional.empty();
    List<RawAttribute> signedAttrs = List.of();
    if (c.get(i).tag() == 0xA0) {
      signedAttrsEncoded = Optional.of(c.get(i).encoded());
      signedAttrs = attributes(c.get(i), "signedAttrs");
      i++;
    }
    if (i + 2 > c.size()) {
      throw new CtlFormatException("SignerInfo lacks signatureAlgorithm or signature");
    }
    String signatureAlgorithm = algorithmOid(c.get(i), "SignerInfo.signatureAlgorithm");
    byte[] signature = c.get(i + 1).expect(Der.OCTET_STRING, "SignerInfo.signature").value();
    i += 2;
    List<String> unsigned = new ArrayList<>();
    if (i < c.size() && c.get(i).tag() == 0xA1) {
      for (RawAttribute a : attributes(c.get(i), "unsignedAttrs")) {
        unsigned.add(a.oid());
      }
      i++;
    }
    if (i != c.size()) {
      throw new CtlFormatException("SignerInfo has unexpected trailing elements");
    }
    return new SignerInfo(
        version,
        issuer,
        serial,
        ski,
        digestAlgorithm,
        signedAttrsEncoded,
        signedAttrs,
        signatureAlgorithm,
        signature,
        unsigned);
  }

  private static List<RawAttribute> attributes(Tlv set, String what) {
    List<RawAttribute> out = new ArrayList<>();
    for (Tlv attr : set.children(what)) {
      List<Tlv> ac = attr.expect(Der.SEQUENCE, what + " attribute").children(what);
      if (ac.size() != 2) {
        throw new CtlFormatException(
            what + " attribute at offset " + attr.start() + " has " + ac.size() + " elements");
      }
      String oid = ac.get(0).oid(what + " attribute type");
      List<byte[]> values = new ArrayList<>();
      for (Tlv v : ac.get(1).expect(Der.SET, what + " attribute values").children(what)) {
        values.add(v.encoded());
      }
      out.add(new RawAttribute(oid, values));
    }
    return out;
  }

  /** Parses a CertificateTrustList SEQUENCE (reference 3.2). */
  static Ctl parseCtl(Tlv ctl) {
    List<Tlv> c = ctl.children("CTL");
    int i = 0;
    Optional<Long> version = Optional.empty();
    if (i < c.size() && c.get(i).tag() == Der.INTEGER) {
      version = Optional.of(c.get(i).smallInt("CTL.version"));
      i++;
    }
    List<String> usage = new ArrayList<>();
    for (Tlv u : need(c, i++, "subjectUsage").expect(Der.SEQUENCE, "subjectUsage").children("u")) {
      usage.add(u.oid("subjectUsage"));
    }
    Optional<byte[]> listIdentifier = Optional.empty();
    if (i < c.size() && c.get(i).tag() == Der.OCTET_STRING) {
      listIdentifier = Optional.of(c.get(i).value());
      i++;
    }
    Optional<SequenceNumber> sequence = Optional.empty();
    if (i < c.size() && c.get(i).tag() == Der.INTEGER) {
      Tlv s = c.get(i);
      if (s.length() == 0 || s.length() > 64) {
        throw new CtlFormatException("sequenceNumber has " + s.length() + " bytes (1 to 64)");
      }
      sequence = Optional.of(new SequenceNumber(s.value()));
      i++;
    }
    Instant thisUpdate = Der.time(need(c, i++, "thisUpdate"), "thisUpdate");
    Optional<Instant> nextUpdate = Optional.empty();
    if (i < c.size()
        && (c.get(i).tag() == Der.UTC_TIME || c.get(i).tag() == Der.GENERALIZED_TIME)) {
      nextUpdate = Optional.of(Der.time(c.get(i), "nextUpdate"));
      i++;
    }
    String subjectAlgorithm = algorithmOid(need(c, i++, "subjectAlgorithm"), "subjectAlgorithm");
    List<CtlEntry> entries = new ArrayList<>();
    if (i < c.size() && c.get(i).tag() == Der.SEQUENCE) {
      Set<java.nio.ByteBuffer> seen = new HashSet<>();
      for (Tlv subject : c.get(i).children("trustedSubjects")) {
        CtlEntry e = parseEntry(subject, entries.size());
        if (!seen.add(java.nio.ByteBuffer.wrap(e.identifier()))) {
          throw new CtlFormatException(
              "entry " + entries.size() + " (" + e.identifierHex() + ") is listed twice");
        }
        entries.add(e);
      }
      i++;
    }
    List<CtlExtension> extensions = new ArrayList<>();
    Optional<CtLogList> ctLogs = Optional.empty();
    if (i < c.size() && c.get(i).tag() == 0xA0) {
      Tlv seq = single(c.get(i), "ctlExtensions").expect(Der.SEQUENCE, "ctlExtensions");
      for (Tlv ext : seq.children("ctlExtensions")) {
        CtlExtension x = parseExtension(ext);
        extensions.add(x);
        if (x.oid().equals(Oids.CERT_LOG_LIST_EXT)) {
          ctLogs = ctLogList(x.value());
        }
      }
      i++;
    }
    if (i != c.size()) {
      throw new CtlFormatException(
          "unexpected element at offset " + c.get(i).start() + " after the CTL's last field");
    }
    return new Ctl(
        version,
        usage,
        listIdentifier,
        sequence,
        thisUpdate,
        nextUpdate,
        subjectAlgorithm,
        entries,
        extensions,
        ctLogs);
  }

  private static Tlv need(List<Tlv> c, int i, String what) {
    if (i >= c.size()) {
      throw new CtlFormatException("truncated: the CTL has no " + what);
    }
    return c.get(i);
  }

  private static CtlExtension parseExtension(Tlv ext) {
    List<Tlv> c = ext.expect(Der.SEQUENCE, "extension").children("extension");
    if (c.size() < 2 || c.size() > 3) {
      throw new CtlFormatException("extension at offset " + ext.start() + " is malformed");
    }
    String oid = c.get(0).oid("extnID");
    boolean critical = false;
    if (c.size() == 3) {
      Tlv b = c.get(1).expect(Der.BOOLEAN, "critical");
      critical = b.length() == 1 && b.buf()[b.valueStart()] != 0;
    }
    byte[] value = c.get(c.size() - 1).expect(Der.OCTET_STRING, "extnValue").value();
    return new CtlExtension(oid, critical, value);
  }

  /** Decodes the CT log extension; a layout we do not know is passed through undecoded. */
  private static Optional<CtLogList> ctLogList(byte[] value) {
    try {
      Tlv seq = Der.readWhole(value, "CT log list").expect(Der.SEQUENCE, "CT log list");
      List<Tlv> c = seq.children("CT log list");
      List<Long> header = new ArrayList<>();
      int i = 0;
      if (!c.isEmpty() && c.get(0).tag() == Der.SEQUENCE) {
        boolean allInts = true;
        for (Tlv t : c.get(0).children("header")) {
          allInts &= t.tag() == Der.INTEGER;
        }
        if (allInts) {
          for (Tlv t : c.get(0).children("header")) {
            header.add(t.smallInt("CT log header"));
          }
          i = 1;
        }
      }
      List<String> keys = new ArrayList<>();
      for (; i < c.size(); i++) {
        keys.add(describeSpki(c.get(i)));
      }
      return Optional.of(new CtLogList(header, keys));
    } catch (CtlFormatException e) {
      return Optional.empty();
    }
  }

  /** "EC P-256", "RSA 2048", or the algorithm OID for a SubjectPublicKeyInfo. */
  static String describeSpki(Tlv spki) {
    List<Tlv> c = spki.expect(Der.SEQUENCE, "SubjectPublicKeyInfo").children("spki");
    if (c.size() != 2) {
      throw new CtlFormatException("SubjectPublicKeyInfo at offset " + spki.start());
    }
    List<Tlv> alg = c.get(0).expect(Der.SEQUENCE, "algorithm").children("algorithm");
    if (alg.isEmpty()) {
      throw new CtlFormatException(
          "SubjectPublicKeyInfo at offset " + spki.start() + " has an empty algorithm");
    }
    String oid = alg.get(0).oid("algorithm");
    if (oid.equals(Oids.EC_PUBLIC_KEY) && alg.size() == 2 && alg.get(1).tag() == Der.OID) {
      String curve = alg.get(1).oid("curve");
      return switch (curve) {
        case Oids.CURVE_P256 -> "EC P-256";
        case Oids.CURVE_P384 -> "EC P-384";
        case Oids.CURVE_P521 -> "EC P-521";
        default -> "EC " + curve;
      };
    }
    if (oid.equals(Oids.RSA_ENCRYPTION)) {
      Tlv bits = c.get(1).expect(Der.BIT_STRING, "subjectPublicKey");
      if (bits.length() > 1) {
        Tlv key =
            Der.read(bits.buf(), bits.valueStart() + 1, bits.end(), "RSAPublicKey")
                .expect(Der.SEQUENCE, "RSAPublicKey");
        List<Tlv> parts = key.children("RSAPublicKey");
        if (parts.isEmpty() || parts.get(0).length() == 0) {
          throw new CtlFormatException("RSAPublicKey at offset " + key.start() + " has no modulus");
        }
        Tlv modulus = parts.get(0).expect(Der.INTEGER, "modulus");
        return "RSA " + new BigInteger(modulus.value()).bitLength();
      }
      return "RSA";
    }
    return oid;
  }

  private static CtlEntry parseEntry(Tlv subject, int index) {
    try {
      return parseEntry(subject);
    } catch (CtlFormatException e) {
      // Context is added only on failure: building it for every entry dominated allocation.
      String id = "";
      try {
        id = " (" + Hex.upper(subject.children("entry").get(0).value()) + ")";
      } catch (RuntimeException ignored) {
        // The identifier itself is what is broken.
      }
      throw new CtlFormatException("entry " + index + id + ": " + e.getMessage(), e);
    }
  }

  private static CtlEntry parseEntry(Tlv subject) {
    List<Tlv> c = subject.expect(Der.SEQUENCE, "TrustedSubject").children("TrustedSubject");
    if (c.isEmpty() || c.size() > 2) {
      throw new CtlFormatException("TrustedSubject at offset " + subject.start() + " is malformed");
    }
    byte[] id = c.get(0).expect(Der.OCTET_STRING, "subjectIdentifier").value();
    if (id.length == 0 || id.length > 64) {
      throw new CtlFormatException("the identifier has " + id.length + " bytes (1 to 64)");
    }
    EntryBuilder b = new EntryBuilder(id);
    if (c.size() == 2) {
      List<Tlv> attrs = c.get(1).expect(Der.SET, "subjectAttributes").children("attributes");
      if (attrs.size() > MAX_ATTRIBUTES_PER_ENTRY) {
        throw new CtlFormatException("it has " + attrs.size() + " attributes");
      }
      Set<String> seen = new HashSet<>();
      for (Tlv attr : attrs) {
        List<Tlv> ac = attr.expect(Der.SEQUENCE, "attribute").children("attribute");
        if (ac.size() != 2) {
          throw new CtlFormatException("attribute at offset " + attr.start() + " is malformed");
        }
        String oid = ac.get(0).oid("attribute type");
        if (!seen.add(oid)) {
          throw new CtlFormatException("it carries attribute " + oid + " twice");
        }
        b.add(oid, ac.get(1).expect(Der.SET, "attribute values").children("attribute values"));
      }
    }
    return b.build();
  }

  /** Decodes the per-entry attributes of reference 3.3. */
  private static final class EntryBuilder {
    final byte[] id;
    Optional<List<String>> ekus = Optional.empty();
    Optional<String> friendlyName = Optional.empty();
    Optional<byte[]> keyId = Optional.empty();
    Optional<byte[]> md5 = Optional.empty();
    Optional<List<CertPolicy>> policies = Optional.empty();
    Optional<byte[]> sha256 = Optional.empty();
    Optional<CutoffDate> disabled = Optional.empty();
    Optional<List<String>> chainPolicies = Optional.empty();
    Optional<List<String>> disallowedEkus = Optional.empty();
    Optional<CutoffDate> notBefore = Optional.empty();
    Optional<List<String>> notBeforeEkus = Optional.empty();
    final List<RawAttribute> other = new ArrayList<>();

    EntryBuilder(byte[] id) {
      this.id = id;
    }

    void add(String oid, List<Tlv> values) {
      if (!oid.startsWith(Oids.CERT_PROP_PREFIX)) {
        other.add(new RawAttribute(oid, values.stream().map(Tlv::encoded).toList()));
        return;
      }
      String prop = oid.substring(Oids.CERT_PROP_PREFIX.length());
      if (!KNOWN_PROPS.contains(prop)) {
        other.add(new RawAttribute(oid, values.stream().map(Tlv::encoded).toList()));
        return;
      }
      String what = "attribute " + prop;
      if (values.size() != 1) {
        throw new CtlFormatException(what + " has " + values.size() + " values, expected one");
      }
      byte[] v = values.get(0).expect(Der.OCTET_STRING, what).value();
      switch (prop) {
        case "9" -> ekus = Optional.of(oidList(v, what));
        case "11" -> friendlyName = Optional.of(friendlyName(v, what));
        case "20" -> keyId = Optional.of(sized(v, 1, 64, what));
        case "29" -> md5 = Optional.of(sized(v, 16, 16, what));
        case "83" -> policies = Optional.of(certPolicies(v, what));
        case "98" -> sha256 = Optional.of(sized(v, 32, 32, what));
        case "104" -> disabled = Optional.of(fileTime(v, what));
        case "105" -> chainPolicies = Optional.of(policyOids(v, what));
        case "122" -> disallowedEkus = Optional.of(oidList(v, what));
        case "126" -> notBefore = Optional.of(fileTime(v, what));
        case "127" -> notBeforeEkus = Optional.of(oidList(v, what));
        default -> throw new IllegalStateException(prop);
      }
    }

    CtlEntry build() {
      return new CtlEntry(
          id,
          ekus,
          friendlyName,
          keyId,
          md5,
          policies,
          sha256,
          disabled,
          chainPolicies,
          disallowedEkus,
          notBefore,
          notBeforeEkus,
          other);
    }
  }

  private static byte[] sized(byte[] v, int min, int max, String what) {
    if (v.length < min || v.length > max) {
      throw new CtlFormatException(
          what
              + " has "
              + v.length
              + " bytes, expected "
              + (min == max ? String.valueOf(min) : min + " to " + max));
    }
    return v;
  }

  private static List<String> oidList(byte[] v, String what) {
    List<String> out = new ArrayList<>();
    for (Tlv t : Der.readWhole(v, what).expect(Der.SEQUENCE, what).children(what)) {
      out.add(t.oid(what));
    }
    return List.copyOf(out);
  }

  /** A SEQUENCE whose elements are OIDs or SEQUENCEs that start with one. */
  private static List<String> policyOids(byte[] v, String what) {
    List<String> out = new ArrayList<>();
    for (Tlv t : Der.readWhole(v, what).expect(Der.SEQUENCE, what).children(what)) {
      if (t.tag() == Der.SEQUENCE) {
        List<Tlv> inner = t.children(what);
        if (inner.isEmpty()) {
          throw new CtlFormatException(what + ": empty policy");
        }
        out.add(inner.get(0).oid(what));
      } else {
        out.add(t.oid(what));
      }
    }
    return List.copyOf(out);
  }

  private static List<CertPolicy> certPolicies(byte[] v, String what) {
    List<CertPolicy> out = new ArrayList<>();
    for (Tlv info : Der.readWhole(v, what).expect(Der.SEQUENCE, what).children(what)) {
      List<Tlv> c = info.expect(Der.SEQUENCE, what).children(what);
      if (c.isEmpty() || c.size() > 2) {
        throw new CtlFormatException(what + ": malformed PolicyInformation");
      }
      String policy = c.get(0).oid(what);
      List<String> qualifiers = new ArrayList<>();
      if (c.size() == 2) {
        for (Tlv q : c.get(1).expect(Der.SEQUENCE, what).children(what)) {
          List<Tlv> qc = q.expect(Der.SEQUENCE, what).children(what);
          if (qc.isEmpty()) {
            throw new CtlFormatException(what + ": empty policy qualifier");
          }
          qualifiers.add(qc.get(0).oid(what));
        }
      }
      out.add(new CertPolicy(policy, qualifiers));
    }
    return List.copyOf(out);
  }

  private static String friendlyName(byte[] v, String what) {
    String s = Text.utf16le(v);
    if (s == null) {
      throw new CtlFormatException(what + " (friendly name) is not UTF-16LE text");
    }
    return s;
  }

  private static CutoffDate fileTime(byte[] v, String what) {
    if (v.length == 0) {
      return new CutoffDate.Always();
    }
    if (v.length != 8) {
      throw new CtlFormatException(what + " has " + v.length + " bytes, expected a FILETIME (8)");
    }
    long ticks = 0;
    for (int i = 7; i >= 0; i--) {
      ticks = (ticks << 8) | (v[i] & 0xFF);
    }
    return new CutoffDate.At(fileTimeToInstant(ticks, what));
  }

  /** Converts a FILETIME (100 ns since 1601-01-01 UTC) to an instant. */
  public static Instant fileTimeToInstant(long ticks, String what) {
    if (ticks < 0) {
      throw new CtlFormatException(what + ": FILETIME out of range");
    }
    long sinceUnix = ticks - FILETIME_UNIX_EPOCH;
    return Instant.ofEpochSecond(
        Math.floorDiv(sinceUnix, 10_000_000L), Math.floorMod(sinceUnix, 10_000_000L) * 100);
  }
}
