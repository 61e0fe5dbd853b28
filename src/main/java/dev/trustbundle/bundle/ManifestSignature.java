package dev.trustbundle.bundle;

import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * {@code manifest.json.p7s}: a detached CMS SignedData over the manifest's bytes, carrying the
 * publisher's certificate chain. {@code openssl cms -verify -binary -inform DER -in
 * manifest.json.p7s -content manifest.json -CAfile publisher.crt} verifies it.
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
      throw new MalformedInputException(
          "manifest.json.p7s is not a CMS signature (it does not decode as DER SignedData with"
              + " certificates); the bundle is damaged or not a TrustBundle bundle");
    }
  }

  /**
   * Verifies that {@code p7s} is a valid signature over {@code manifest} by the key of {@code
   * signer}. Chain and trust decisions belong to the caller.
   */
  public static void verify(byte[] manifest, byte[] p7s, X509Certificate signer) {
    try {
      CMSSignedData sd = new CMSSignedData(new CMSProcessableByteArray(manifest), p7s);
      var signers = sd.getSignerInfos().getSigners();
      if (signers.size() != 1) {
        throw new VerificationException(
            "manifest.json.p7s has " + signers.size() + " signers; expected one");
      }
      // By key: whether the certificate is trusted and valid is the caller's decision.
      var verifier =
          new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder()
              .build(signer.getPublicKey());
      if (!signers.iterator().next().verify(verifier)) {
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
