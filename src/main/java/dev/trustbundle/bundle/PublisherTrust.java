package dev.trustbundle.bundle;

import dev.trustbundle.ctl.Hex;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.verify.Issuers;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Who may sign a bundle, decided once for {@code verify}, {@code import} and every other reader.
 *
 * <ul>
 *   <li><b>Pinned</b>: the signer's key is the key of a certificate given with {@code --trust}. The
 *       trusted certificate must have keyUsage digitalSignature; an extendedKeyUsage, when it has
 *       one, must name {@link #BUNDLE_SIGNING_EKU} (or anyExtendedKeyUsage). Certificates made by
 *       {@code keygen} before the EKU existed (digitalSignature, no EKU) stay valid when pinned.
 *   <li><b>CA-issued</b>: the signer's certificate chains, through certificates the signature
 *       carries, to a {@code --trust} certificate that is a CA. The signer must have keyUsage
 *       digitalSignature and the extendedKeyUsage {@link #BUNDLE_SIGNING_EKU} (anyExtendedKeyUsage
 *       is not enough: a CA's TLS or e-mail certificates must not sign bundles), and the path is
 *       validated by PKIX rules: every issuer a CA with keyCertSign within its pathLen, names that
 *       chain, signatures, name constraints.
 *   <li><b>Time</b>: every certificate of the path, the trusted one included, is valid both now and
 *       when the bundle claims to be created, so an expired key cannot sign a back-dated bundle. A
 *       bundle created more than {@link #OLD_BUNDLE} before now is accepted with a warning.
 * </ul>
 *
 * <p>Pure: certificates and times in, a decision out.
 */
public final class PublisherTrust {
  /**
   * "TrustBundle bundle signing": an OID without registration under the UUID arc (ITU-T X.667, UUID
   * 3e139741-10d5-4f9e-8d4d-5efa4c281dd9), required of a CA-issued publisher certificate.
   */
  public static final String BUNDLE_SIGNING_EKU = "2.25.82513857177867298022833123006494547417";

  /** A bundle created longer ago than this is accepted with a warning: it may be a stale copy. */
  public static final Duration OLD_BUNDLE = Duration.ofDays(30);

  private static final String ANY_EKU = "2.5.29.37.0";

  /** Most certificates between the signer and the trusted CA: chains are short in practice. */
  static final int MAX_INTERMEDIATES = 4;

  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;

  private PublisherTrust() {}

  /**
   * A signer admitted by its certificates (times not yet checked).
   *
   * @param certificate the signer's certificate: the trusted one itself when pinned
   * @param path the signer first, then each issuer up to and including the trusted CA (one
   *     certificate when pinned)
   * @param pinned whether the signer's key is a trusted certificate's key
   */
  public record Signer(X509Certificate certificate, List<X509Certificate> path, boolean pinned) {
    public Signer {
      path = List.copyOf(path);
      if (path.isEmpty() || !path.get(0).equals(certificate)) {
        throw new IllegalArgumentException("the path starts with the signer's certificate");
      }
    }
  }

  /**
   * Admits the signer of a manifest signature by its certificates.
   *
   * @param signer the certificate that names the signature's key (from the signature, or the
   *     trusted one that matches its signer identifier)
   * @param carried every certificate the signature carries (candidate intermediates)
   * @param trusted the {@code --trust} certificates
   * @throws VerificationException with the first reason the signer may not sign bundles
   */
  public static Signer admit(
      X509Certificate signer, List<X509Certificate> carried, List<X509Certificate> trusted) {
    for (X509Certificate t : trusted) {
      if (Arrays.equals(signer.getPublicKey().getEncoded(), t.getPublicKey().getEncoded())) {
        // The trusted certificate, not the carried one, says what the key may do.
        requireDigitalSignature(t);
        List<String> ekus = ekus(t);
        if (ekus != null && !ekus.contains(BUNDLE_SIGNING_EKU) && !ekus.contains(ANY_EKU)) {
          throw unfit(
              t, "its extendedKeyUsage does not include bundle signing " + BUNDLE_SIGNING_EKU);
        }
        return new Signer(t, List.of(t), true);
      }
    }
    List<X509Certificate> path = path(signer, carried, trusted);
    requireDigitalSignature(signer);
    List<String> ekus = ekus(signer);
    if (ekus == null || !ekus.contains(BUNDLE_SIGNING_EKU)) {
      throw unfit(
          signer,
          "it is issued by a trusted CA but lacks the extendedKeyUsage TrustBundle bundle signing "
              + BUNDLE_SIGNING_EKU);
    }
    X509Certificate ca = path.get(path.size() - 1);
    requireCa(ca, path.size() - 2);
    return new Signer(signer, path, false);
  }

  /**
   * Checks that every certificate of the signer's path is valid now and at {@code created}, and
   * validates a CA-issued path by PKIX rules at both times.
   *
   * @return warnings (a bundle older than {@link #OLD_BUNDLE})
   * @throws VerificationException when a certificate is not valid at one of the times
   */
  public static List<String> checkTimes(Signer s, Instant created, Instant now) {
    for (X509Certificate c : s.path()) {
      valid(c, now, "is not valid now (" + now + ")");
      valid(c, created, "was not valid when the bundle was created (" + created + ")");
    }
    if (!s.pinned()) {
      pkix(s.path(), now);
      pkix(s.path(), created);
    }
    List<String> warnings = new ArrayList<>();
    if (created.isBefore(now.minus(OLD_BUNDLE))) {
      warnings.add(
          "the bundle was created "
              + created
              + ", "
              + Duration.between(created, now).toDays()
              + " days ago (more than "
              + OLD_BUNDLE.toDays()
              + "); check that it is the publisher's latest");
    }
    return warnings;
  }

  /** The signer, its issuers among {@code carried}, and the trusted CA that ends the path. */
  private static List<X509Certificate> path(
      X509Certificate signer, List<X509Certificate> carried, List<X509Certificate> trusted) {
    List<X509Certificate> path = new ArrayList<>(List.of(signer));
    X509Certificate at = signer;
    for (int depth = 0; depth <= MAX_INTERMEDIATES; depth++) {
      Optional<X509Certificate> anchor = Issuers.find(at, trusted);
      if (anchor.isPresent()) {
        path.add(anchor.get());
        return path;
      }
      List<X509Certificate> rest = new ArrayList<>(carried);
      rest.removeAll(path);
      Optional<X509Certificate> next = Issuers.find(at, rest);
      if (next.isEmpty()) {
        break;
      }
      path.add(next.get());
      at = next.get();
    }
    throw new VerificationException(
        "the bundle is signed by "
            + name(signer)
            + " (SHA-256 "
            + Hex.sha256(der(signer))
            + "), which is not the trusted publisher"
            + " nor issued by a trusted CA; check --trust");
  }

  /** PKIX path validation (RFC 5280 section 6) at {@code at}; the trust anchor is the CA. */
  private static void pkix(List<X509Certificate> path, Instant at) {
    X509Certificate ca = path.get(path.size() - 1);
    anchorNameConstraints(path);
    try {
      // The JDK's PKIX does not take an anchor's name constraints: they are checked above.
      TrustAnchor anchor = new TrustAnchor(ca, null);
      PKIXParameters p = new PKIXParameters(Set.of(anchor));
      p.setRevocationEnabled(false);
      p.setDate(Date.from(at));
      var cp =
          CertificateFactory.getInstance("X.509")
              .generateCertPath(path.subList(0, path.size() - 1));
      CertPathValidator.getInstance("PKIX").validate(cp, p);
    } catch (CertPathValidatorException e) {
      String who =
          e.getIndex() >= 0 && e.getIndex() < path.size() - 1
              ? name(path.get(e.getIndex()))
              : name(path.get(0));
      throw new VerificationException(
          "the publisher certificate path fails at "
              + who
              + ": "
              + reason(e)
              + " (as of "
              + at
              + "); it may not sign bundles");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PKIX validation is unavailable: " + e, e);
    }
  }

  private static String reason(CertPathValidatorException e) {
    var r = e.getReason();
    if (r == CertPathValidatorException.BasicReason.EXPIRED) {
      return "it has expired";
    } else if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      return "it is not yet valid";
    } else if (r == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
      return "its signature does not verify";
    } else if (r == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
      return "it is signed with a weak algorithm";
    } else if (r == PKIXReason.NOT_CA_CERT) {
      return "an issuer is not a CA (basicConstraints)";
    } else if (r == PKIXReason.PATH_TOO_LONG) {
      return "the path is longer than an issuer's pathLen allows";
    } else if (r == PKIXReason.INVALID_KEY_USAGE) {
      return "an issuer's keyUsage lacks keyCertSign";
    } else if (r == PKIXReason.INVALID_NAME) {
      return "a name is outside an issuer's name constraints";
    } else if (r == PKIXReason.NAME_CHAINING) {
      return "the names do not chain";
    } else if (r == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
      return "it has an unrecognised critical extension";
    }
    return "it is not a valid path";
  }

  /**
   * The trusted CA as an issuer: PKIX takes a trust anchor as given, so its CA flag, keyCertSign
   * and pathLen are checked here ({@code below} certificates between it and the signer).
   */
  private static void requireCa(X509Certificate ca, int below) {
    int pathLen = ca.getBasicConstraints();
    if (pathLen < 0) {
      throw new VerificationException(
          "the trusted certificate "
              + name(ca)
              + " is not a CA (basicConstraints) but is named as the issuer of the bundle's"
              + " signer; trust the publisher certificate itself, or the CA that issued it");
    }
    boolean[] ku = ca.getKeyUsage();
    if (ku != null && (ku.length <= KEY_CERT_SIGN || !ku[KEY_CERT_SIGN])) {
      throw new VerificationException(
          "the trusted CA "
              + name(ca)
              + " has no keyCertSign keyUsage; it may not issue publishers");
    }
    if (below > pathLen) {
      throw new VerificationException(
          "the trusted CA "
              + name(ca)
              + " allows "
              + pathLen
              + " intermediate CA(s) (pathLen) but the signer is "
              + below
              + " below it");
    }
  }

  private static void requireDigitalSignature(X509Certificate c) {
    boolean[] ku = c.getKeyUsage();
    if (ku == null || ku.length <= DIGITAL_SIGNATURE || !ku[DIGITAL_SIGNATURE]) {
      throw unfit(c, "its keyUsage " + (ku == null ? "is absent" : "lacks digitalSignature"));
    }
  }

  private static void valid(X509Certificate c, Instant at, String when) {
    if (at.isBefore(c.getNotBefore().toInstant()) || at.isAfter(c.getNotAfter().toInstant())) {
      throw new VerificationException(
          "the publisher certificate "
              + name(c)
              + " (valid "
              + c.getNotBefore().toInstant()
              + " to "
              + c.getNotAfter().toInstant()
              + ") "
              + when
              + "; the bundle is refused");
    }
  }

  /** The EKU OIDs, or null when the certificate has no extendedKeyUsage. */
  private static List<String> ekus(X509Certificate c) {
    try {
      return c.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw unfit(c, "its extendedKeyUsage cannot be read");
    }
  }

  /**
   * The trusted CA's nameConstraints (RFC 5280 section 4.2.1.10) over the subject and subject
   * alternative names of every certificate below it.
   */
  private static void anchorNameConstraints(List<X509Certificate> path) {
    X509Certificate ca = path.get(path.size() - 1);
    byte[] ext = ca.getExtensionValue(Extension.nameConstraints.getId());
    if (ext == null) {
      return;
    }
    PKIXNameConstraintValidator v = new PKIXNameConstraintValidator();
    try {
      NameConstraints nc =
          NameConstraints.getInstance(ASN1OctetString.getInstance(ext).getOctets());
      if (nc.getPermittedSubtrees() != null) {
        v.intersectPermittedSubtree(nc.getPermittedSubtrees());
      }
      if (nc.getExcludedSubtrees() != null) {
        for (GeneralSubtree g : nc.getExcludedSubtrees()) {
          v.addExcludedSubtree(g);
        }
      }
    } catch (RuntimeException e) {
      throw new VerificationException(
          "the trusted CA " + name(ca) + " has nameConstraints that cannot be read");
    }
    for (X509Certificate c : path.subList(0, path.size() - 1)) {
      try {
        List<GeneralName> names = new ArrayList<>();
        X500Name subject = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        if (subject.getRDNs().length > 0) {
          names.add(new GeneralName(subject));
        }
        GeneralNames alt =
            GeneralNames.fromExtensions(
                new JcaX509CertificateHolder(c).getExtensions(), Extension.subjectAlternativeName);
        if (alt != null) {
          names.addAll(List.of(alt.getNames()));
        }
        for (GeneralName n : names) {
          v.checkPermitted(n);
          v.checkExcluded(n);
        }
      } catch (NameConstraintValidatorException e) {
        throw new VerificationException(
            "the publisher certificate path fails at "
                + name(c)
                + ": a name is outside an issuer's name constraints; it may not sign bundles");
      } catch (java.security.cert.CertificateEncodingException | RuntimeException e) {
        throw unfit(c, "its names cannot be read");
      }
    }
  }

  private static VerificationException unfit(X509Certificate c, String why) {
    return new VerificationException(
        "the certificate " + name(c) + " may not sign bundles: " + why);
  }

  private static String name(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return new byte[0];
    }
  }
}
