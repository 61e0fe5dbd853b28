package dev.trustbundle.bundle;

import dev.trustbundle.ctl.Hex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** Whether the archive holds this manifest entry's file with its size and SHA-256. */
  public static boolean matches(Manifest.FileInfo f, Map<String, byte[]> files) {
    byte[] b = files.get(f.path());
    return b != null && b.length == f.size() && Hex.sha256(b).equals(f.sha256());
  }

  /**
   * Everything that does not match, empty when the archive holds exactly the manifest's files.
   *
   * @param m the manifest
   * @param files the archive's entries
   */
  public static List<String> problems(Manifest m, Map<String, byte[]> files) {
    List<String> problems = new ArrayList<>();
    Set<String> listed = new HashSet<>();
    for (Manifest.FileInfo f : m.files()) {
      listed.add(f.path());
      if (!files.containsKey(f.path())) {
        problems.add(f.path() + " is in the manifest but not in the archive");
      } else if (!matches(f, files)) {
        problems.add(f.path() + " does not match its manifest entry (size or SHA-256)");
      }
    }
    for (String name : files.keySet()) {
      if (!listed.contains(name)
          && !name.equals("manifest.json")
          && !name.equals("manifest.json.p7s")) {
        problems.add(name + " is in the archive but not in the manifest");
      }
    }
    return problems;
  }
}
