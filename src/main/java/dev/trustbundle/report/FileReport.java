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
 * @param error why the file could not be parsed
 * @param status the verdict
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
    Status status) {

  /** What a file holds. */
  public enum Format {
    CAB,
    STL,
    SST,
    CERTIFICATE,
    UNKNOWN
  }

  /** The verdict on a file, from best to worst. */
  public enum Status {
    VALID,
    INVALID,
    MALFORMED
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
   * @param missing entries with no file
   * @param mismatches files that do not match their entry
   */
  public record RootsCheck(String where, int present, int missing, List<String> mismatches) {
    public RootsCheck {
      mismatches = List.copyOf(mismatches);
    }
  }
}
