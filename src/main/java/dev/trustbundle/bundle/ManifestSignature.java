package dev.trustbundle.bundle;

import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * {@code manifest.json.p7s}: a detached CMS SignedData over the manifest's bytes, carrying the
 * publisher's certificate chain. {@code openssl cms -verify -binary -inform DER -in
 * manifest.json.p7s -content manifest.json -CAfile publisher.crt -purpose any} verifies it (the
 * publisher's EKU is bundle signing, not S/MIME, hence {@code -purpose any}).
 */
public final class ManifestSignature {
  private ManifestSignature() {}

  /** Signs the manifest bytes; returns DER. */
  public static byte[] sign(byte[] manifest, SigningKey key) {
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(
          new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
              .build(
                  new JcaContentSignerBuilder(Keys.signatureAlgorithm(key.key())).build(key.key()),
                  key.certificate()));
      gen.addCertificates(new JcaCertStore(key.chain()));
      CMSSignedData sd = gen.generate(new CMSProcessableByteArray(manifest), false);
      return sd.getEncoded("DER");
    } catch (CMSException
        | OperatorCreationException
        | CertificateEncodingException
        | IOException e) {
      throw new IllegalStateException("signing the manifest failed: " + e.getMessage(), e);
    }
  }

  /** The certificates a signature carries, signer's first as stored. */
  public static List<X509Certificate> certificates(byte[] p7s) {
    try {
      CMSSignedData sd = new CMSSignedData(p7s);
      List<X509Certificate> out = new ArrayList<>();
      var conv = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter();
      for (var h : sd.getCertificates().getMatches(null)) {
        out.add(conv.getCertificate(h));
      }
      return out;
    } catch (CMSException | java.security.cert.CertificateException | RuntimeException e) {
      // The library's own words name its exception classes; say what it means instead.
      throw notCms();
    }
  }

  private static MalformedInputException notCms() {
    return new MalformedInputException(
        "manifest.json.p7s is not a CMS signature (it does not decode as DER SignedData with"
            + " certificates); the bundle is damaged or not a TrustBundle bundle");
  }

  private static String algorithmName(String oid) {
    String name;
    try {
      name =
          new org.bouncycastle.operator.DefaultAlgorithmNameFinder()
              .getAlgorithmName(new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid));
    } catch (IllegalArgumentException e) {
      return "an unknown algorithm";
    }
    return name.equals(oid) ? oid : name + " (" + oid + ")";
  }

  /** SHA-256, SHA-384 and SHA-512: MD5 and SHA-1 digests can be forged or are on the way. */
  static final Set<String> DIGESTS =
      Set.of("2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.2", "2.16.840.1.101.3.4.2.3");

  /**
   * RSA (PKCS#1 v1.5, as rsaEncryption or with one of the allowed digests) and ECDSA with one of
   * the allowed digests; a signature algorithm that names its own digest must not name a weak one.
   */
  static final Set<String> SIGNATURES =
      Set.of(
          "1.2.840.113549.1.1.1",
          "1.2.840.113549.1.1.11",
          "1.2.840.113549.1.1.12",
          "1.2.840.113549.1.1.13",
          "1.2.840.10045.4.3.2",
          "1.2.840.10045.4.3.3",
          "1.2.840.10045.4.3.4");

  /**
   * The certificate that names the signature's key: the one whose issuer and serial (or subject key
   * identifier) the sole signer names, among the carried certificates and then {@code others} (the
   * trusted ones, for a signature that carries none); empty when none does.
   */
  public static Optional<X509Certificate> signerCertificate(
      byte[] p7s, List<X509Certificate> others) {
    SignerId sid;
    try {
      var signers = new CMSSignedData(p7s).getSignerInfos().getSigners();
      if (signers.size() != 1) {
        throw new VerificationException(
            "manifest.json.p7s has " + signers.size() + " signers; expected one");
      }
      sid = signers.iterator().next().getSID();
    } catch (CMSException | RuntimeException e) {
      if (e instanceof VerificationException v) {
        throw v;
      }
      throw notCms();
    }
    List<X509Certificate> all = new ArrayList<>(certificates(p7s));
    all.addAll(others);
    for (X509Certificate c : all) {
      try {
        if (sid.match(new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(c))) {
          return Optional.of(c);
        }
      } catch (CertificateEncodingException e) {
        // A certificate that does not encode names nothing.
      }
    }
    return Optional.empty();
  }

  /**
   * Verifies that {@code p7s} is a valid signature over {@code manifest} by the key of {@code
   * signer}, with an allowed digest and signature algorithm. Chain and trust decisions belong to
   * the caller.
   */
  public static void verify(byte[] manifest, byte[] p7s, X509Certificate signer) {
    try {
      CMSSignedData sd = new CMSSignedData(new CMSProcessableByteArray(manifest), p7s);
      var signers = sd.getSignerInfos().getSigners();
      if (signers.size() != 1) {
        throw new VerificationException(
            "manifest.json.p7s has " + signers.size() + " signers; expected one");
      }
      var info = signers.iterator().next();
      if (!DIGESTS.contains(info.getDigestAlgOID())
          || !SIGNATURES.contains(info.getEncryptionAlgOID())) {
        throw new VerificationException(
            "manifest.json.p7s uses digest "
                + algorithmName(info.getDigestAlgOID())
                + " with "
                + algorithmName(info.getEncryptionAlgOID())
                + "; only SHA-256, SHA-384 or SHA-512 with RSA or ECDSA is accepted");
      }
      // By key: whether the certificate is trusted and valid is the caller's decision.
      var verifier =
          new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder()
              .build(signer.getPublicKey());
      if (!info.verify(verifier)) {
        throw new VerificationException("the manifest signature does not verify: manifest altered");
      }
    } catch (VerificationException e) {
      throw e;
    } catch (CMSException | RuntimeException e) {
      throw new VerificationException(
          "the manifest signature does not verify ("
              + dev.trustbundle.error.Messages.plain(e)
              + ")");
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }
}
