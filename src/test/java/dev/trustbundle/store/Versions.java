package dev.trustbundle.store;

import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Small synthetic bundles for the store's own tests: a few mirror files, a client file, a manifest
 * naming them and a stand-in signature. The store takes the verification as given, so these need no
 * PKI; stores made with {@link #store} check the files against the manifest but no bundle rules
 * (which only lists signed by Microsoft pass).
 */
final class Versions {
  private Versions() {}

  /** No bundle rule problems: the files against the manifest are still checked. */
  static final VersionCheck.Rules NO_RULES = (m, files, now) -> List.of();

  /** A store in {@code dir} without bundle rules and with these faults. */
  static StateStore store(Path dir, Durable.Faults faults) {
    return new StateStore(dir, NO_RULES, faults);
  }

  static StateStore store(Path dir) {
    return store(dir, Durable.Faults.NONE);
  }

  /** A bundle with this id and sequence whose authroot list has this sequence number. */
  static SortedMap<String, byte[]> bundle(String id, long sequence, String listSequence) {
    Map<String, byte[]> content = new TreeMap<>();
    content.put("mirror/authrootstl.cab", bytes("cab of " + id));
    content.put("mirror/authrootseq.txt", bytes(listSequence + "\r\n"));
    content.put("mirror/disallowedcertstl.cab", bytes("disallowed of " + id));
    content.put("mirror/DF3C24F9BFD666761B268073FE06D1CC8D4F82A4.crt", bytes("root of " + id));
    content.put("client/trustbundle-client.ps1", bytes("# client of " + id));
    List<Manifest.FileInfo> files = new ArrayList<>();
    content.forEach(
        (path, b) ->
            files.add(
                new Manifest.FileInfo(
                    path, b.length, Hex.sha256(b), role(path), null, null, null, null)));
    Manifest m =
        new Manifest(
            Manifest.FORMAT_VERSION,
            id,
            sequence,
            "2025-06-02T00:00:00Z",
            "2035-05-01T00:00:00Z",
            "trustbundle-test",
            new Manifest.ProfileRef("test", "00"),
            "file:///upstream/",
            List.of(
                new Manifest.ListInfo(
                    "authroot",
                    "mirror/authrootstl.cab",
                    listSequence,
                    "2025-06-01T00:00:00Z",
                    null,
                    List.of(),
                    null,
                    true,
                    List.of())),
            files,
            List.of(),
            List.of());
    SortedMap<String, byte[]> out = new TreeMap<>(content);
    out.put("manifest.json", Json.write(m));
    out.put("manifest.json.p7s", bytes("signature of " + id));
    return out;
  }

  private static String role(String path) {
    if (path.startsWith("client/")) {
      return "client";
    }
    if (path.endsWith(".crt")) {
      return "root";
    }
    if (path.endsWith(".txt")) {
      return "sequence";
    }
    return "list";
  }

  /** The verification the command line would have done. */
  static BundleVerifier.Verified evidence(SortedMap<String, byte[]> files) {
    Manifest m = Json.read(files.get("manifest.json"));
    return new BundleVerifier.Verified(
        m, "CN=Test Publisher", m.files().size(), List.of("authroot"), List.of());
  }

  /** Imports with --keep 5 at a fixed time. */
  static StateStore.Imported importInto(StateStore store, SortedMap<String, byte[]> files) {
    return store.importBundle(
        files, evidence(files), false, 5, java.time.Instant.parse("2025-06-03T00:00:00Z"));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
