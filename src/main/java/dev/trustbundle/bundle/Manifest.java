package dev.trustbundle.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * {@code manifest.json}: what a bundle holds and the proof that each piece was checked. Times are
 * ISO-8601 UTC strings so that the bytes are stable.
 *
 * @param formatVersion manifest format, currently 1
 * @param bundleId unique id of this build
 * @param sequence increases with every build of a publisher; importers refuse lower ones
 * @param created when the bundle was built
 * @param expires after this the bundle is refused on import unless allowed explicitly
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

  public Manifest {
    Objects.requireNonNull(bundleId, "bundleId");
    lists = List.copyOf(lists);
    files = List.copyOf(files);
    removedRoots = List.copyOf(removedRoots);
    warnings = List.copyOf(warnings);
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
      List<String> warnings) {}

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
      String lastModified) {}

  /** A root kept after it left the list. */
  public record RemovedRoot(
      String sha1, String friendlyName, String removedSince, String keepUntil) {}
}
