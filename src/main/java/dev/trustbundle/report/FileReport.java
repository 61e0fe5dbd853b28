package dev.trustbundle.report;

import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.verify.CtlVerification;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What inspecting one file found.
 *
 * @param file the path as given
 * @param format what the file turned out to be
 * @param container for a cabinet, the member that holds the list, its size and compression
 * @param list the parsed list, for cabinets and {@code .stl} files
 * @param verification the list's verification
 * @param roots the check of the roots folder against an authroot list
 * @param certificates certificates of an {@code .sst} or certificate file
 * @param error why the file could not be read or parsed
 * @param status the verdict
 * @param cause the exception behind {@code error}, for --verbose
 * @param bundle for a TrustBundle archive, what checking it found
 * @param crl for a certificate revocation list, what checking it found
 */
public record FileReport(
    String file,
    Format format,
    Optional<String> container,
    Optional<SignedCtl> list,
    Optional<CtlVerification> verification,
    Optional<RootsCheck> roots,
    List<CertificateReport> certificates,
    Optional<String> error,
    Status status,
    Optional<Throwable> cause,
    Optional<BundleCheck> bundle,
    Optional<CrlCheck> crl) {

  /** What a file holds. */
  public enum Format {
    CAB,
    STL,
    SST,
    CERTIFICATE,
    BUNDLE,
    CRL,
    UNKNOWN
  }

  /**
   * A certificate revocation list checked against the certificates named with it.
   *
   * @param issuer the CRL's issuer name
   * @param thisUpdate when it was issued
   * @param nextUpdate when its successor is due, if it says
   * @param revoked how many certificates it revokes
   * @param signer the subject of the given certificate whose key verified the signature, if any
   * @param problems everything that makes it unusable
   */
  public record CrlCheck(
      String issuer,
      java.time.Instant thisUpdate,
      Optional<java.time.Instant> nextUpdate,
      int revoked,
      Optional<String> signer,
      List<String> problems) {
    public CrlCheck {
      problems = List.copyOf(problems);
    }
  }

  /**
   * A TrustBundle archive checked on its own: manifest signature intact, every file present with
   * its size and SHA-256, each list verified.
   *
   * @param manifest the manifest
   * @param signer subject of the certificate in manifest.json.p7s
   * @param signatureIntact whether the signature verifies with that certificate's key
   * @param filesVerified files whose size and SHA-256 match the manifest
   * @param lists each list's verdict, "kind sequence: VALID" or with its failures
   * @param problems everything that does not match
   */
  public record BundleCheck(
      dev.trustbundle.bundle.Manifest manifest,
      String signer,
      boolean signatureIntact,
      int filesVerified,
      List<String> lists,
      List<String> problems) {
    public BundleCheck {
      lists = List.copyOf(lists);
      problems = List.copyOf(problems);
    }
  }

  /** The verdict on a file. */
  public enum Status {
    VALID,
    INVALID,
    UNREADABLE,
    MALFORMED
  }

  /** A store or certificate file: its certificates and the verdict on them. */
  public static FileReport ofCertificates(
      String file, Format format, List<CertificateReport> certificates) {
    boolean ok = certificates.stream().allMatch(c -> c.problems().isEmpty());
    return new FileReport(
        file,
        format,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        certificates,
        Optional.empty(),
        ok ? Status.VALID : Status.INVALID,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** A file that could not be read or parsed at all. */
  public static FileReport failed(String file, Format format, Status status, Throwable cause) {
    return new FileReport(
        file,
        format,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.of(String.valueOf(cause.getMessage())),
        status,
        Optional.of(cause),
        Optional.empty(),
        Optional.empty());
  }

  public FileReport {
    Objects.requireNonNull(file, "file");
    certificates = List.copyOf(certificates);
  }

  /** "authroot", "disallowedcert", "pinrules", "sst", "certificate", or "unknown". */
  public String kind() {
    if (list.isPresent()) {
      return list.get().ctl().kind().map(k -> k.label()).orElse("unknown");
    }
    return switch (format) {
      case BUNDLE -> "bundle";
      case CRL -> "crl";
      case SST -> "sst";
      case CERTIFICATE -> "certificate";
      default -> "unknown";
    };
  }

  /**
   * A certificate in a store or certificate file.
   *
   * @param index position in the file
   * @param sha1 upper-case SHA-1 of the DER bytes
   * @param sha256 upper-case SHA-256 of the DER bytes
   * @param certificate the parsed certificate, when it parses
   * @param problems what is wrong with it
   * @param listedIn for roots, the authroot sequence number whose entry matched
   */
  public record CertificateReport(
      int index,
      String sha1,
      String sha256,
      Optional<X509Certificate> certificate,
      List<String> problems,
      Optional<String> listedIn) {
    public CertificateReport {
      problems = List.copyOf(problems);
    }
  }

  /**
   * The roots folder checked against an authroot list.
   *
   * @param where the folder
   * @param present entries whose {@code <SHA1>.crt} is there and matches
   * @param missingFiles the {@code <SHA1>.crt} names of entries with no file
   * @param mismatches files that do not match their entry
   */
  public record RootsCheck(
      String where, int present, List<String> missingFiles, List<String> mismatches) {
    public RootsCheck {
      missingFiles = List.copyOf(missingFiles);
      mismatches = List.copyOf(mismatches);
    }

    /** Entries with no file. */
    public int missing() {
      return missingFiles.size();
    }
  }
}
