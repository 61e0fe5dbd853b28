package dev.trustbundle.verify;

import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.ctl.Der;
import dev.trustbundle.ctl.Hex;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * The certificate extensions chain building and the endpoint list read (RFC 5280 4.2.1.1, 4.2.1.2,
 * 4.2.1.13, 4.2.1.15, 4.2.2.1), parsed with Bouncy Castle. Certificates are hostile input: an
 * extension that does not parse is reported as a problem, never thrown, and its nesting is bounded
 * before Bouncy Castle's recursive parser sees it.
 */
public final class CertExtensions {
  /** Far deeper than any real extension (CRL distribution points nest about 6 levels). */
  private static final int MAX_DEPTH = 16;

  /** More URLs than this in one certificate is not a real certificate. */
  private static final int MAX_URLS = 256;

  private CertExtensions() {}

  /**
   * The URLs a certificate points to.
   *
   * @param crl CRL distribution points and freshest-CRL (delta) points, every URI scheme
   * @param ocsp AIA OCSP responders
   * @param caIssuers AIA CA-issuers URLs: where the issuing certificate can be downloaded
   * @param problems one line per extension that could not be read
   */
  public record Urls(
      List<String> crl, List<String> ocsp, List<String> caIssuers, List<String> problems) {
    public Urls {
      crl = List.copyOf(crl);
      ocsp = List.copyOf(ocsp);
      caIssuers = List.copyOf(caIssuers);
      problems = List.copyOf(problems);
    }
  }

  /** Every URL of the CRL distribution points, freshest CRL and AIA extensions. */
  public static Urls urls(X509Certificate c) {
    List<String> crl = new ArrayList<>();
    List<String> ocsp = new ArrayList<>();
    List<String> ca = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    distributionPoints(
        c, Extension.cRLDistributionPoints, "CRL distribution points", crl, problems);
    distributionPoints(c, Extension.freshestCRL, "freshest CRL", crl, problems);
    try {
      inner(c, Extension.authorityInfoAccess, "authority information access")
          .ifPresent(
              p -> {
                for (AccessDescription d :
                    AuthorityInformationAccess.getInstance(p).getAccessDescriptions()) {
                  uri(d.getAccessLocation())
                      .ifPresent(
                          u -> {
                            if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
                              add(ocsp, u);
                            } else if (d.getAccessMethod()
                                .equals(AccessDescription.id_ad_caIssuers)) {
                              add(ca, u);
                            }
                          });
                }
              });
    } catch (RuntimeException e) {
      problems.add(malformed("authority information access", e));
    }
    return new Urls(crl, ocsp, ca, problems);
  }

  /** The AIA CA-issuers URLs; empty when there are none or the extension does not parse. */
  public static List<String> caIssuers(X509Certificate c) {
    return urls(c).caIssuers();
  }

  /** The authority key identifier's keyIdentifier, if present and readable. */
  public static Optional<byte[]> authorityKeyId(X509Certificate c) {
    try {
      return inner(c, Extension.authorityKeyIdentifier, "authority key identifier")
          .map(p -> AuthorityKeyIdentifier.getInstance(p).getKeyIdentifierOctets());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The subject key identifier, if present and readable. */
  public static Optional<byte[]> subjectKeyId(X509Certificate c) {
    try {
      return inner(c, Extension.subjectKeyIdentifier, "subject key identifier")
          .map(p -> SubjectKeyIdentifier.getInstance(p).getKeyIdentifier());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A key identifier in upper-case hex, or empty. */
  public static Optional<String> hex(Optional<byte[]> id) {
    return id.map(Hex::upper);
  }

  /**
   * A short name for people: the subject's common name, else its organisational unit or
   * organisation, else the whole subject (RFC 2253).
   */
  public static String displayName(X509Certificate c) {
    return displayName(c.getSubjectX500Principal());
  }

  /** The same for a distinguished name. */
  public static String displayName(X500Principal p) {
    try {
      X500Name n = X500Name.getInstance(p.getEncoded());
      for (var attr : List.of(BCStyle.CN, BCStyle.OU, BCStyle.O)) {
        RDN[] rdns = n.getRDNs(attr);
        if (rdns.length > 0) {
          // Names are encoded from the most general to the most specific part: take the last.
          var v = rdns[rdns.length - 1].getFirst().getValue();
          return v instanceof ASN1String str ? str.getString() : IETFUtils.valueToString(v);
        }
      }
    } catch (RuntimeException e) {
      // fall through to the full name
    }
    String full = p.getName(X500Principal.RFC2253);
    return full.isEmpty() ? "(empty subject)" : full;
  }

  private static void distributionPoints(
      X509Certificate c,
      org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
      String what,
      List<String> out,
      List<String> problems) {
    try {
      Optional<ASN1Primitive> p = inner(c, oid, what);
      if (p.isEmpty()) {
        return;
      }
      for (DistributionPoint dp : CRLDistPoint.getInstance(p.get()).getDistributionPoints()) {
        DistributionPointName n = dp.getDistributionPoint();
        if (n == null || n.getType() != DistributionPointName.FULL_NAME) {
          continue;
        }
        for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) {
          uri(g).ifPresent(u -> add(out, u));
        }
      }
    } catch (RuntimeException e) {
      problems.add(malformed(what, e));
    }
  }

  private static void add(List<String> out, String url) {
    if (out.size() >= MAX_URLS) {
      throw new IllegalArgumentException("more than " + MAX_URLS + " URLs");
    }
    if (!out.contains(url)) {
      out.add(url);
    }
  }

  private static Optional<String> uri(GeneralName g) {
    if (g.getTagNo() != GeneralName.uniformResourceIdentifier) {
      return Optional.empty();
    }
    String u = g.getName().toString().strip();
    return u.isEmpty() ? Optional.empty() : Optional.of(u);
  }

  /** The extension's value (inside its OCTET STRING), depth-checked, if the extension is there. */
  private static Optional<ASN1Primitive> inner(
      X509Certificate c, org.bouncycastle.asn1.ASN1ObjectIdentifier oid, String what) {
    byte[] ext = c.getExtensionValue(oid.getId());
    if (ext == null) {
      return Optional.empty();
    }
    try {
      byte[] octets = ASN1OctetString.getInstance(ext).getOctets();
      Der.checkDepth(Der.readWhole(octets, what), MAX_DEPTH, what);
      return Optional.of(ASN1Primitive.fromByteArray(octets));
    } catch (java.io.IOException | CtlFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String malformed(String what, RuntimeException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "the " + what + " extension is malformed (" + m.replaceAll("\\s+", " ").trim() + ")";
  }
}
