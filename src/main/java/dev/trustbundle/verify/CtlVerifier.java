package dev.trustbundle.verify;

import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.Der;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.Oids;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.ctl.SignerInfo;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Verifies a signed trust list by the algorithm of reference 4.1: list type, message digest over
 * the contents octets, the RSA signature over the signed attributes as received, and the signer
 * chain to a pinned root, validated at the list's thisUpdate because Microsoft's signer
 * certificates expire while their lists stay in use.
 */
public final class CtlVerifier {
  private static final int MAX_CHAIN = 6;
  private static final String SIGNER_CN = "Microsoft Certificate Trust List Publisher";
  private static final String SIGNER_O = "Microsoft Corporation";

  private final TrustAnchors anchors;
  private final AnchorSource anchorSource;
  private final VerifyOptions options;

  /** A verifier that ends chains at {@code anchors}, whose bytes come from {@code source}. */
  public CtlVerifier(TrustAnchors anchors, AnchorSource source, VerifyOptions options) {
    this.anchors = anchors;
    this.anchorSource = source;
    this.options = options;
  }

  /**
   * Verifies {@code list}.
   *
   * @param expectedKind the kind the file's name promises, if any
   * @param now the evaluation time, read once per run
   */
  public CtlVerification verify(SignedCtl list, Optional<CtlKind> expectedKind, Instant now) {
    Result r = new Result();
    Ctl ctl = list.ctl();
    checkType(ctl, expectedKind, r);
    checkTimes(ctl, now, r);
    if (list.signerInfos().size() != 1) {
      r.fail("the list has " + list.signerInfos().size() + " signers; Microsoft's lists have one");
      return r.done();
    }
    SignerInfo si = list.signerInfos().get(0);
    String digestName = Oids.digestName(si.digestAlgorithm());
    if (digestName == null) {
      r.fail("digest algorithm " + si.digestAlgorithm() + " is not SHA-1 or SHA-2");
      return r.done();
    }
    if (!list.digestAlgorithms().contains(si.digestAlgorithm())) {
      r.fail("the signer's digest algorithm is not among SignedData.digestAlgorithms");
    }
    if (digestName.equals("SHA-1")) {
      if (!options.allowSha1()) {
        r.fail("the list is signed with SHA-1, which is not accepted here");
        return r.done();
      }
      r.warn("the list is signed with SHA-1 (Microsoft's lists were until 2020)");
    }
    if (si.signedAttributesEncoded().isEmpty()) {
      // Without signed attributes nothing binds the signature to the list (reference 4.1 step 2).
      r.fail("the SignerInfo has no signed attributes (contentType and messageDigest)");
      return r.done();
    }
    checkSignedAttributes(list, si, digestName, r);

    List<X509Certificate> envelope = new ArrayList<>();
    for (int i = 0; i < list.certificates().size(); i++) {
      try {
        envelope.add(
            Certificates.parse(list.certificates().get(i), "envelope certificate " + (i + 1)));
      } catch (CtlFormatException e) {
        r.fail(e.getMessage());
      }
    }
    Optional<X509Certificate> signerCert = findSigner(si, envelope);
    if (signerCert.isEmpty()) {
      r.fail("the signer's certificate (named by the SignerInfo) is not in the envelope");
      return r.done();
    }
    X509Certificate signer = signerCert.get();
    r.signer = Optional.of(name(signer));
    checkSignature(si, signer, digestName, r);
    checkSigner(signer, ctl.kind().orElse(CtlKind.AUTHROOT), r);
    buildChain(signer, envelope, ctl.thisUpdate(), now, r);
    return r.done();
  }

  private void checkType(Ctl ctl, Optional<CtlKind> expectedKind, Result r) {
    Optional<CtlKind> kind = ctl.kind();
    if (kind.isEmpty()) {
      r.fail("subjectUsage " + ctl.subjectUsage() + " is none of Microsoft's three lists");
      return;
    }
    if (expectedKind.isPresent() && expectedKind.get() != kind.get()) {
      r.fail(
          "the file is named as the "
              + expectedKind.get().label()
              + " list but holds the "
              + kind.get().label()
              + " list");
    }
    Optional<String> id = ctl.listIdentifierText();
    Optional<String> want = kind.get().listIdentifier();
    if (want.isEmpty() && id.isPresent()) {
      r.fail("the " + kind.get().label() + " list must have no listIdentifier, found " + id.get());
    } else if (want.isPresent() && id.isPresent() && !want.get().equals(id.get())) {
      r.fail("listIdentifier is \"" + id.get() + "\", expected \"" + want.get() + "\"");
    } else if (want.isPresent() && id.isEmpty()) {
      if (kind.get() == CtlKind.PINRULES) {
        r.warn("the pinrules list has no listIdentifier (expected \"" + want.get() + "\")");
      } else {
        r.fail("the " + kind.get().label() + " list has no listIdentifier");
      }
    }
    if (ctl.sequenceNumber().isEmpty()) {
      r.fail("the list has no sequenceNumber, so rollbacks could not be detected");
    }
  }

  private void checkTimes(Ctl ctl, Instant now, Result r) {
    if (ctl.thisUpdate().isAfter(now.plus(options.futureSkew()))) {
      r.fail(
          "thisUpdate "
              + ctl.thisUpdate()
              + " is in the future (now "
              + now
              + "); check this machine's clock or --at");
    }
    Duration age = Duration.between(ctl.thisUpdate(), now);
    if (age.compareTo(options.maxAge()) > 0) {
      r.warn(
          "the list is "
              + age.toDays()
              + " days old (thisUpdate "
              + ctl.thisUpdate()
              + "); a newer one is probably published");
    }
    ctl.nextUpdate()
        .filter(next -> next.isBefore(now))
        .ifPresent(next -> r.warn("the list's nextUpdate " + next + " has passed"));
  }

  private static void checkSignedAttributes(
      SignedCtl list, SignerInfo si, String digestName, Result r) {
    List<byte[]> types = si.signedAttribute(Oids.CONTENT_TYPE);
    boolean typeOk = false;
    if (types.size() == 1) {
      try {
        typeOk = Der.readWhole(types.get(0), "contentType").oid("contentType").equals(Oids.CTL);
      } catch (CtlFormatException e) {
        typeOk = false;
      }
    }
    if (!typeOk) {
      r.fail("the signed contentType attribute is missing or is not " + Oids.CTL);
    }
    List<byte[]> digests = si.signedAttribute(Oids.MESSAGE_DIGEST);
    if (digests.size() != 1) {
      r.fail("the signed attributes hold " + digests.size() + " messageDigest values, not one");
      return;
    }
    byte[] claimed;
    try {
      claimed =
          Der.readWhole(digests.get(0), "messageDigest")
              .expect(Der.OCTET_STRING, "messageDigest")
              .value();
    } catch (CtlFormatException e) {
      r.fail("the messageDigest attribute is not an OCTET STRING");
      return;
    }
    byte[] actual = Hex.digest(digestName, list.digestedContent());
    if (!MessageDigest.isEqual(claimed, actual)) {
      r.fail(
          "messageDigest does not match the list's content ("
              + digestName
              + " "
              + Hex.upper(actual)
              + " vs signed "
              + Hex.upper(claimed)
              + "): the list was altered");
    }
  }

  private static Optional<X509Certificate> findSigner(
      SignerInfo si, List<X509Certificate> envelope) {
    for (X509Certificate c : envelope) {
      if (si.issuer().isPresent() && si.serialNumber().isPresent()) {
        if (Arrays.equals(c.getIssuerX500Principal().getEncoded(), si.issuer().get())
            && c.getSerialNumber().equals(si.serialNumber().get())) {
          return Optional.of(c);
        }
      } else if (si.subjectKeyIdentifier().isPresent()) {
        byte[] ski = subjectKeyIdentifier(c);
        if (ski != null && Arrays.equals(ski, si.subjectKeyIdentifier().get())) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  private static byte[] subjectKeyIdentifier(X509Certificate c) {
    byte[] ext = c.getExtensionValue("2.5.29.14");
    if (ext == null) {
      return null;
    }
    try {
      byte[] inner = Der.readWhole(ext, "SKI").expect(Der.OCTET_STRING, "SKI").value();
      return Der.readWhole(inner, "SKI").expect(Der.OCTET_STRING, "SKI").value();
    } catch (CtlFormatException e) {
      return null;
    }
  }

  private static void checkSignature(
      SignerInfo si, X509Certificate signer, String digestName, Result r) {
    String alg =
        switch (si.signatureAlgorithm()) {
          case Oids.RSA_ENCRYPTION -> digestName.replace("-", "") + "withRSA";
          case Oids.SHA1_WITH_RSA -> "SHA1withRSA";
          case Oids.SHA256_WITH_RSA -> "SHA256withRSA";
          case Oids.SHA384_WITH_RSA -> "SHA384withRSA";
          case Oids.SHA512_WITH_RSA -> "SHA512withRSA";
          default -> null;
        };
    if (alg == null) {
      r.fail("signature algorithm " + si.signatureAlgorithm() + " is not RSA PKCS#1 v1.5");
      return;
    }
    // RFC 5652 5.4: the signature covers the DER of the signed attributes with the SET tag.
    byte[] signed = si.signedAttributesEncoded().orElseThrow();
    signed[0] = (byte) Der.SET;
    try {
      Signature s = Signature.getInstance(alg);
      s.initVerify(signer.getPublicKey());
      s.update(signed);
      if (!s.verify(si.signature())) {
        r.fail("the RSA signature does not verify with the signer's key: the list was altered");
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      r.fail("the RSA signature cannot be checked: " + oneLine(e));
    }
  }

  private static void checkSigner(X509Certificate signer, CtlKind kind, Result r) {
    X500Principal p = signer.getSubjectX500Principal();
    String rfc = p.getName(X500Principal.RFC2253);
    if (!rfc.contains("CN=" + SIGNER_CN) || !rfc.contains("O=" + SIGNER_O)) {
      r.fail(
          "the signer is \""
              + rfc
              + "\", not CN="
              + SIGNER_CN
              + ", O="
              + SIGNER_O
              + " (reference 4.1)");
    }
    List<String> ekus = ekus(signer);
    List<String> allowed =
        kind == CtlKind.PINRULES
            ? List.of(Oids.PIN_RULES_SIGNER, Oids.ROOT_LIST_SIGNER)
            : List.of(Oids.ROOT_LIST_SIGNER);
    if (ekus == null || allowed.stream().noneMatch(ekus::contains)) {
      r.fail(
          "the signer certificate lacks the extended key usage "
              + String.join(" or ", allowed)
              + " required to sign the "
              + kind.label()
              + " list");
    }
    boolean[] ku = signer.getKeyUsage();
    if (ku != null && !ku[0]) {
      r.fail("the signer certificate's key usage does not allow digitalSignature");
    }
  }

  private void buildChain(
      X509Certificate signer,
      List<X509Certificate> envelope,
      Instant thisUpdate,
      Instant now,
      Result r) {
    List<X509Certificate> candidates = new ArrayList<>(envelope);
    List<String> missingAnchors = new ArrayList<>();
    for (Pin pin : anchors.pins()) {
      if (pin.sha1().isEmpty()) {
        continue;
      }
      Optional<byte[]> der = anchorSource.certificate(pin.sha1().get());
      if (der.isEmpty()) {
        missingAnchors.add(pin.name() + " (" + pin.sha1().get() + ".crt)");
        continue;
      }
      if (!Hex.sha256(der.get()).equals(pin.sha256())) {
        r.warn(
            pin.sha1().get()
                + ".crt in "
                + anchorSource.describe()
                + " does not match the pinned SHA-256 of "
                + pin.name()
                + " and was ignored");
        continue;
      }
      try {
        candidates.add(Certificates.parse(der.get(), pin.sha1().get() + ".crt"));
      } catch (CtlFormatException e) {
        r.warn(e.getMessage());
      }
    }
    for (byte[] der : anchors.certificates()) {
      try {
        candidates.add(Certificates.parse(der, "trust anchor"));
      } catch (CtlFormatException e) {
        r.warn(e.getMessage());
      }
    }

    List<X509Certificate> chain = new ArrayList<>();
    chain.add(signer);
    X509Certificate current = signer;
    Optional<Pin> anchor = Optional.empty();
    for (int depth = 0; depth < MAX_CHAIN && anchor.isEmpty(); depth++) {
      X509Certificate issuer = findIssuer(current, candidates, chain);
      if (issuer == null) {
        String problem =
            current.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                ? "the chain ends at the self-signed \""
                    + name(current)
                    + "\", which is not a pinned root"
                : "no certificate that issued \""
                    + name(current)
                    + "\" (issuer \""
                    + current.getIssuerX500Principal().getName(X500Principal.RFC2253)
                    + "\") was found in the envelope or among the pinned roots";
        if (!missingAnchors.isEmpty()) {
          problem +=
              "; pinned roots not found in "
                  + anchorSource.describe()
                  + ": "
                  + String.join(", ", missingAnchors)
                  + " (pass --roots with a folder of <SHA1>.crt files)";
        }
        r.fail(problem);
        break;
      }
      chain.add(issuer);
      anchor = anchors.pinOf(encoded(issuer));
      current = issuer;
    }
    r.chain = chain.stream().map(CtlVerifier::name).toList();
    if (anchor.isEmpty()) {
      if (r.failures.isEmpty()) {
        r.fail("the signer chain does not reach a pinned root within " + MAX_CHAIN + " links");
      }
      return;
    }
    r.anchor = Optional.of(anchor.get().name());
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String role = i == 0 ? "signer" : i == chain.size() - 1 ? "root" : "intermediate";
      try {
        c.checkValidity(Date.from(thisUpdate));
      } catch (CertificateExpiredException | CertificateNotYetValidException e) {
        r.fail(
            "the "
                + role
                + " \""
                + name(c)
                + "\" was not valid when the list was issued ("
                + thisUpdate
                + "; valid "
                + c.getNotBefore().toInstant()
                + " to "
                + c.getNotAfter().toInstant()
                + ")");
        continue;
      }
      if (c.getNotAfter().toInstant().isBefore(now)) {
        r.warn(
            "the "
                + role
                + " \""
                + name(c)
                + "\" expired on "
                + c.getNotAfter().toInstant()
                + ", after the list was issued (chains are checked at thisUpdate, as Windows"
                + " does)");
      }
      if (i > 0 && i < chain.size() - 1) {
        checkIntermediate(c, r);
      }
      if (i < chain.size() - 1 && c.getSigAlgName().toUpperCase(Locale.ROOT).contains("SHA1")) {
        r.warn("the " + role + " \"" + name(c) + "\" is signed with SHA-1 (legacy chain)");
      }
    }
  }

  private static X509Certificate findIssuer(
      X509Certificate child, List<X509Certificate> candidates, List<X509Certificate> used) {
    List<X509Certificate> unused = candidates.stream().filter(c -> !used.contains(c)).toList();
    return Issuers.find(child, unused).orElse(null);
  }

  private static void checkIntermediate(X509Certificate c, Result r) {
    if (c.getBasicConstraints() < 0) {
      r.fail("the intermediate \"" + name(c) + "\" is not a CA (basicConstraints)");
    }
    List<String> ekus = ekus(c);
    if (ekus != null
        && !ekus.contains(Oids.ANY_EXTENDED_KEY_USAGE)
        && !(ekus.contains(Oids.KP_CTL_USAGE_SIGNING) && ekus.contains(Oids.ROOT_LIST_SIGNER))) {
      r.fail(
          "the intermediate \""
              + name(c)
              + "\" is not allowed to issue list signers (its EKUs lack "
              + Oids.KP_CTL_USAGE_SIGNING
              + " and "
              + Oids.ROOT_LIST_SIGNER
              + ")");
    }
  }

  private static List<String> ekus(X509Certificate c) {
    try {
      return c.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return new byte[0];
    }
  }

  /** The subject's CN when it has one, else the whole RFC 2253 name. */
  static String name(X509Certificate c) {
    String rfc = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
    for (String part : rfc.split(",(?=[A-Z]+=)")) {
      if (part.startsWith("CN=")) {
        return part.substring(3).replace("\\", "");
      }
    }
    return rfc;
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ");
  }

  private static final class Result {
    final List<String> warnings = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    Optional<String> signer = Optional.empty();
    List<String> chain = List.of();
    Optional<String> anchor = Optional.empty();

    void warn(String w) {
      warnings.add(w);
    }

    void fail(String f) {
      failures.add(f);
    }

    CtlVerification done() {
      return new CtlVerification(failures.isEmpty(), signer, chain, anchor, warnings, failures);
    }
  }
}
