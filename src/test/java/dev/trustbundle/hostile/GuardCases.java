package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The guard window (issue 11, finding 7): a state folder as the old import left it when it crashed
 * or failed between activating a version and raising the rollback guard, so the newer real bundle
 * is active while {@code state.json} is missing or still below it. Importing an older real bundle
 * must still be refused without {@code --allow-downgrade}: the guard is taken as at least the
 * active version. Derived from {@code ../shared/fixtures} (only Microsoft's lists reach the guard).
 */
final class GuardCases {
  private GuardCases() {}

  static List<Case> generate() {
    if (!RealCases.available()) {
      return List.of();
    }
    RealCases.Bundles b = RealCases.Bundles.get();
    SortedMap<String, byte[]> newer =
        BundleArchive.read(new ByteArrayInputStream(b.newer), BundleArchive.Limits.DEFAULT);
    Manifest m = Json.read(newer.get("manifest.json"));
    String id = m.bundleId();
    Map<String, byte[]> state = new LinkedHashMap<>();
    newer.forEach((path, body) -> state.put("state/versions/" + id + "/" + path, body));
    state.put(
        "state/active.json",
        ("{\"id\":\"" + id + "\",\"activatedAt\":\"2025-07-01T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8));
    state.put("publisher.crt", Material.get().publisherCertificate());
    // Below both offered bundles: only the active version itself can refuse them.
    String lowGuard =
        "{\"lists\":{},\"highestSequence\":"
            + (m.sequence() - 30L * 86_400)
            + ",\"highestBundleId\":\"x\"}";
    List<Case> out = new ArrayList<>();
    for (Object[] v :
        new Object[][] {
          {"no-state-json", null},
          {"guard-below-the-active-version", lowGuard},
        }) {
      for (Object[] offer :
          new Object[][] {
            {"lower-bundle-sequence", b.olderLowerSequence, "is not above the last accepted"},
            {"older-authroot-list", b.olderListHigherSequence, "is older than the accepted"},
          }) {
        Map<String, byte[]> files = new LinkedHashMap<>(state);
        if (v[1] != null) {
          files.put("state/state.json", ((String) v[1]).getBytes(StandardCharsets.UTF_8));
        }
        files.put("bundle.tar.gz", (byte[]) offer[1]);
        out.add(
            new Case(
                Category.STATE,
                "guard-window-" + v[0] + "-" + offer[0],
                Runner.STATE,
                "bundle.tar.gz",
                files,
                List.of(
                    "import",
                    "@bundle.tar.gz",
                    "--state",
                    "@state",
                    "--trust",
                    "@publisher.crt",
                    "--at",
                    RealCases.AT),
                Set.of(INVALID),
                (String) offer[2],
                true));
      }
    }
    return out;
  }
}
