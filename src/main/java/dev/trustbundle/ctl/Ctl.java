package dev.trustbundle.ctl;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate trust list ([MS-CAESO] CertificateTrustList; reference 3.2).
 *
 * @param version the version field when encoded (every sample omits it)
 * @param subjectUsage the usage OIDs that say which list this is
 * @param listIdentifier the raw listIdentifier
 * @param sequenceNumber the list's sequence number
 * @param thisUpdate when the list was issued
 * @param nextUpdate the optional next update
 * @param subjectAlgorithm how entry identifiers are computed
 * @param entries the trusted subjects, in file order
 * @param extensions ctlExtensions, in file order
 * @param ctLogs the decoded CT log list extension, when present
 */
public record Ctl(
    Optional<Long> version,
    List<String> subjectUsage,
    Optional<byte[]> listIdentifier,
    Optional<SequenceNumber> sequenceNumber,
    Instant thisUpdate,
    Optional<Instant> nextUpdate,
    String subjectAlgorithm,
    List<CtlEntry> entries,
    List<CtlExtension> extensions,
    Optional<CtLogList> ctLogs) {
  public Ctl {
    subjectUsage = List.copyOf(subjectUsage);
    Objects.requireNonNull(thisUpdate, "thisUpdate");
    Objects.requireNonNull(subjectAlgorithm, "subjectAlgorithm");
    entries = List.copyOf(entries);
    extensions = List.copyOf(extensions);
  }

  /** Which of Microsoft's lists this is, by subjectUsage. */
  public Optional<CtlKind> kind() {
    return CtlKind.fromSubjectUsage(subjectUsage);
  }

  /**
   * The listIdentifier as text: UTF-16LE without its NUL terminator (reference 3.4), or hex when it
   * is not text.
   */
  public Optional<String> listIdentifierText() {
    return listIdentifier.map(Text::utf16leOrHex);
  }

  /** The entry with this identifier (hex, either case). */
  public Optional<CtlEntry> entry(String identifierHex) {
    for (CtlEntry e : entries) {
      if (e.identifierHex().equalsIgnoreCase(identifierHex)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
