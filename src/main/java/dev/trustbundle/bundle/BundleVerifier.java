package dev.trustbundle.bundle;

import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * Verifies a bundle on the disconnected side, trusting nothing in it until checked: the manifest
 * signature against the trusted publisher (its certificate, or a CA that issued it), every file
 * against the manifest (and no unlisted file), every list again against the pinned Microsoft roots,
 * every root against its list entry, and the bundle's expiry.
 */
public final class BundleVerifier {
  private final List<X509Certificate> trusted;
  private final TrustAnchors anchors;
  private final VerifyOptions options;

  /**
   * A verifier.
   *
   * @param trusted the publisher certificates (or CAs that issue them) to trust
   * @param anchors the pinned roots Microsoft's lists must chain to
   * @param options list verification options
   */
  public BundleVerifier(
      List<X509Certificate> trusted, TrustAnchors anchors, VerifyOptions options) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted publisher is needed");
    }
    this.trusted = List.copyOf(trusted);
    this.anchors = anchors;
    this.options = options;
  }

  /**
   * The evidence of a verified bundle.
   *
   * @param manifest the manifest
   * @param signer the publisher's subject
   * @param filesVerified how many files matched the manifest
   * @param lists one line per list: kind, sequence, thisUpdate, anchor
   * @param warnings conditions worth attention (expired bundle allowed, old lists, ...)
   */
  public record Verified(
      Manifest manifest,
      String signer,
      int filesVerified,
      List<String> lists,
      List<String> warnings) {
    public Verified {
      lists = List.copyOf(lists);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Verifies the entries of an archive read with {@link BundleArchive#read}.
   *
   * @param files the archive's entries
   * @param now the evaluation time
   * @param allowExpired accept an expired bundle, with a warning
   * @throws VerificationException with the first reason the bundle cannot be trusted
   * @throws MalformedInputException when the bundle is not a TrustBundle bundle
   */
  public Verified verify(SortedMap<String, byte[]> files, Instant now, boolean allowExpired) {
    BundleContents.Signed signed = BundleContents.signedManifest(files);
    byte[] manifestBytes = signed.manifest();
    byte[] p7s = signed.signature();
    X509Certificate signer = trustedSigner(p7s);
    ManifestSignature.verify(manifestBytes, p7s, signer);
    Manifest m = Json.read(manifestBytes);
    List<String> warnings = new ArrayList<>();
    // Valid now as well as at the claimed creation: an expired key cannot back-date a bundle.
    warnings.addAll(PublisherTrust.checkTimes(admitted(p7s), Instant.parse(m.created()), now));

    // Every file for its role, once: the same rules build applied before signing and serve
    // applies when it loads the version. A file set that is not the manifest's is told first.
    BundleCheck.Report report =
        BundleCheck.check(m, BundleCheck.Contents.of(files), anchors, options, now);
    List<String> problems = report.mismatches();
    if (!problems.isEmpty()) {
      throw new VerificationException(
          "the bundle does not match its signed manifest: "
              + problems.get(0)
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")
              + "; it was altered or damaged in transit, copy it again");
    }

    Instant expires = Instant.parse(m.expires());
    if (expires.isBefore(now)) {
      if (!allowExpired) {
        throw new VerificationException(
            "the bundle expired on "
                + m.expires()
                + "; build a new one, or pass --allow-expired to accept it knowingly");
      }
      warnings.add("the bundle expired on " + m.expires() + " (accepted with --allow-expired)");
    }
    if (Instant.parse(m.created()).isAfter(now.plusSeconds(600))) {
      throw new VerificationException(
          "the bundle claims to be created at " + m.created() + ", in the future; check the clock");
    }

    if (!report.valid()) {
      List<String> p = report.problems();
      throw new VerificationException(
          "the bundle breaks the bundle rules: "
              + p.get(0)
              + (p.size() > 1 ? " (and " + (p.size() - 1) + " more)" : "")
              + "; refused: rebuild it with trustbundle build");
    }
    warnings.addAll(report.warnings());
    return new Verified(
        m,
        signer.getSubjectX500Principal().getName(),
        report.filesVerified(),
        report.lists(),
        warnings);
  }

  /**
   * The signature's certificate, if it is a trusted publisher (pinned) or issued by a trusted CA
   * for bundle signing; see {@link PublisherTrust}.
   */
  private X509Certificate trustedSigner(byte[] p7s) {
    return admitted(p7s).certificate();
  }

  private PublisherTrust.Signer admitted(byte[] p7s) {
    List<X509Certificate> carried = ManifestSignature.certificates(p7s);
    X509Certificate named =
        ManifestSignature.signerCertificate(p7s, trusted)
            .orElseThrow(
                () ->
                    new VerificationException(
                        "the bundle is signed by "
                            + (carried.isEmpty()
                                ? "an unknown key"
                                : carried.get(0).getSubjectX500Principal().getName()
                                    + " (SHA-256 "
                                    + Hex.sha256(der(carried.get(0)))
                                    + ")")
                            + ", which is not the trusted publisher; check --trust"));
    return PublisherTrust.admit(named, carried, trusted);
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      return new byte[0];
    }
  }

  /** Parses the trusted publisher file(s): PEM or DER certificates. */
  public static List<X509Certificate> trustedFrom(byte[] data, String source) {
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] der : Certificates.split(data, source)) {
      out.add(Certificates.parse(der, source));
    }
    return out;
  }
}
