package dev.trustbundle.bundle;

import java.util.List;
import java.util.Map;

/** Checks an archive's files against its manifest: each present with its size and SHA-256. */
public final class BundleContents {
  private BundleContents() {}

  /**
   * The signed manifest of an archive.
   *
   * @param manifest manifest.json as stored
   * @param signature manifest.json.p7s as stored
   */
  public record Signed(byte[] manifest, byte[] signature) {}

  /** The manifest and its signature, or a refusal naming what is missing. */
  public static Signed signedManifest(Map<String, byte[]> files) {
    byte[] manifest = files.get("manifest.json");
    byte[] p7s = files.get("manifest.json.p7s");
    if (manifest == null || p7s == null) {
      throw new dev.trustbundle.error.MalformedInputException(
          "the archive has no "
              + (manifest == null ? "manifest.json" : "manifest.json.p7s")
              + ": not a complete TrustBundle bundle");
    }
    return new Signed(manifest, p7s);
  }

  /**
   * Everything that does not match, empty when the archive holds exactly the manifest's files (the
   * rule is {@link BundleCheck#mismatches}').
   *
   * @param m the manifest
   * @param files the archive's entries
   */
  public static List<String> problems(Manifest m, Map<String, byte[]> files) {
    return BundleCheck.mismatches(m, BundleCheck.Contents.of(files));
  }
}
