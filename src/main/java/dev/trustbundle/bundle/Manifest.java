package dev.trustbundle.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code manifest.json}: what a bundle holds and the proof that each piece was checked. Times are
 * ISO-8601 UTC strings so that the bytes are stable.
 *
 * @param formatVersion manifest format, currently 1
 * @param bundleId unique id of this build
 * @param sequence increases with every build of a publisher; importers refuse lower ones; 1 to
 *     {@code created} in epoch seconds plus {@link #MAX_SEQUENCE_AHEAD}
 * @param created when the bundle was built
 * @param expires after this the bundle is refused on import unless allowed explicitly; not before
 *     {@code created} and at most {@link #MAX_VALIDITY} after it
 * @param tool the tool and version that built it
 * @param profile the profile's name and SHA-256
 * @param upstream where the lists came from
 * @param lists each verified list
 * @param files every file of the archive but the manifest and its signature
 * @param removedRoots roots that left the authroot list and are kept for the grace period
 * @param warnings everything worth an administrator's attention
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "formatVersion",
  "bundleId",
  "sequence",
  "created",
  "expires",
  "tool",
  "profile",
  "upstream",
  "lists",
  "files",
  "removedRoots",
  "warnings"
})
public record Manifest(
    int formatVersion,
    String bundleId,
    long sequence,
    String created,
    String expires,
    String tool,
    ProfileRef profile,
    String upstream,
    List<ListInfo> lists,
    List<FileInfo> files,
    List<RemovedRoot> removedRoots,
    List<String> warnings) {
  public static final int FORMAT_VERSION = 1;

  /** The longest a bundle may be valid: {@code expires} at most this long after {@code created}. */
  public static final java.time.Duration MAX_VALIDITY = java.time.Duration.ofDays(3650);

  /**
   * How far (in seconds, 366 days) the sequence may run ahead of {@code created} in epoch seconds.
   * The builder takes the epoch seconds of the build time, or the previous sequence plus one, so a
   * genuine sequence stays near its creation time; one near 2^63 would freeze every later bundle.
   */
  public static final long MAX_SEQUENCE_AHEAD = 366L * 24 * 3600;

  /** What a bundle id may be: it names a folder on the disconnected side. */
  private static final java.util.regex.Pattern SAFE_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  // A manifest is read from hostile bytes (its signature is checked, but so is everything that
  // uses it): every field the verifier and the store rely on is checked here, once.
  public Manifest {
    if (bundleId == null || !SAFE_ID.matcher(bundleId).matches()) {
      throw new IllegalArgumentException(
          "bundleId " + quoted(bundleId) + " is not a safe name (letters, digits, '.', '_', '-')");
    }
    java.time.Instant made = instant(created, "created");
    java.time.Instant until = instant(expires, "expires");
    if (until.isBefore(made)) {
      throw new IllegalArgumentException("expires " + expires + " is before created " + created);
    }
    if (until.isAfter(made.plus(MAX_VALIDITY))) {
      throw new IllegalArgumentException(
          "expires "
              + expires
              + " is more than "
              + MAX_VALIDITY.toDays()
              + " days after created "
              + created
              + " (the longest validity a profile or --valid-days allows)");
    }
    if (sequence < 1 || sequence > made.getEpochSecond() + MAX_SEQUENCE_AHEAD) {
      throw new IllegalArgumentException(
          "sequence "
              + sequence
              + " is not between 1 and the creation time in epoch seconds plus "
              + MAX_SEQUENCE_AHEAD
              + " ("
              + (made.getEpochSecond() + MAX_SEQUENCE_AHEAD)
              + "); a sequence that far ahead would freeze every later bundle");
    }
    lists = List.copyOf(required(lists, "lists"));
    files = List.copyOf(required(files, "files"));
    removedRoots = List.copyOf(required(removedRoots, "removedRoots"));
    warnings = List.copyOf(required(warnings, "warnings"));
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }

  private static java.time.Instant instant(String value, String field) {
    try {
      return java.time.Instant.parse(required(value, field));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          field
              + " "
              + quoted(value)
              + " is not an ISO-8601 UTC time such as 2026-01-31T00:00:00Z");
    }
  }

  private static String quoted(String s) {
    if (s == null) {
      return "(missing)";
    }
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "\"" + cut + "\"";
  }

  /** Profile name and SHA-256 of its file. */
  public record ProfileRef(String name, String sha256) {}

  /** A verified list. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ListInfo(
      String kind,
      String path,
      String sequenceNumber,
      String thisUpdate,
      String signer,
      List<String> chain,
      String anchor,
      boolean verified,
      List<String> warnings) {
    public ListInfo {
      required(kind, "a list's kind");
      required(path, "a list's path");
    }
  }

  /** A file of the archive with its origin. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "path",
    "size",
    "sha256",
    "role",
    "sourceUrl",
    "fetchedAt",
    "etag",
    "lastModified"
  })
  public record FileInfo(
      String path,
      long size,
      String sha256,
      String role,
      String sourceUrl,
      String fetchedAt,
      String etag,
      String lastModified) {
    public FileInfo {
      required(path, "a file's path");
      required(sha256, "the sha256 of " + path);
      required(role, "the role of " + path);
    }
  }

  /** A root kept after it left the list. */
  public record RemovedRoot(
      String sha1, String friendlyName, String removedSince, String keepUntil) {}
}
