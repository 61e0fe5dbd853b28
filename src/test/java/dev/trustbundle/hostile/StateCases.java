package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Damaged state folders: a {@code state.json} or {@code active.json} that does not read (refused as
 * "state folder damaged" before anything is done), and an active version that is incomplete (as an
 * interrupted prune leaves it) or changed on disk, which {@code status}, {@code rollback} and
 * {@code export} must each refuse, naming the file. Each case holds the whole state folder under
 * {@code state/}; the first argument is the command.
 */
final class StateCases {
  private StateCases() {}

  private static final String AT = Material.AT;

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    Manifest man = m.manifest();
    String id = man.bundleId();
    Map<String, byte[]> state = state(m, id);
    String good =
        "{\"lists\":{},\"highestSequence\":"
            + man.sequence()
            + ",\"highestBundleId\":\""
            + id
            + "\"}";
    Map<String, String> badState = new LinkedHashMap<>();
    badState.put(
        "sequence-a-string",
        good.replace("\"highestSequence\":" + man.sequence(), "\"highestSequence\":\"abc\""));
    badState.put(
        "sequence-fraction",
        good.replace("\"highestSequence\":" + man.sequence(), "\"highestSequence\":1.5"));
    badState.put(
        "sequence-too-big",
        good.replace("\"highestSequence\":" + man.sequence(), "\"highestSequence\":1e400"));
    badState.put("sequence-missing", "{\"lists\":{},\"highestBundleId\":\"" + id + "\"}");
    badState.put(
        "bundle-id-a-number",
        good.replace("\"highestBundleId\":\"" + id + "\"", "\"highestBundleId\":7"));
    badState.put("lists-bad-hex", good.replace("\"lists\":{}", "\"lists\":{\"authroot\":\"XYZ\"}"));
    badState.put("lists-a-number", good.replace("\"lists\":{}", "\"lists\":{\"authroot\":12}"));
    badState.put("lists-an-array", good.replace("\"lists\":{}", "\"lists\":[]"));
    badState.put("cut", good.substring(0, good.length() / 2));
    badState.put("empty", "");
    badState.put("an-array", "[1]");
    for (Map.Entry<String, String> e : badState.entrySet()) {
      Map<String, byte[]> files = new LinkedHashMap<>(state);
      files.put("state/state.json", e.getValue().getBytes(StandardCharsets.UTF_8));
      out.add(
          importCase(
              "state-json-" + e.getKey(), files, "state/state.json", "state folder damaged"));
      out.add(
          command(
              "status-state-json-" + e.getKey(),
              files,
              "state/state.json",
              MALFORMED,
              "state folder damaged",
              "status",
              "--state",
              "@state"));
    }
    Map<String, String> badActive = new LinkedHashMap<>();
    badActive.put("escapes", "{\"id\":\"../../etc\"}");
    badActive.put("not-json", "active");
    badActive.put("id-a-number", "{\"id\":7}");
    for (Map.Entry<String, String> e : badActive.entrySet()) {
      Map<String, byte[]> files = new LinkedHashMap<>(state);
      files.put("state/active.json", e.getValue().getBytes(StandardCharsets.UTF_8));
      out.add(
          importCase(
              "active-json-" + e.getKey(), files, "state/active.json", "state folder damaged"));
    }
    // Incomplete and changed versions: each refused by status, rollback and export.
    List<String> mirror =
        man.files().stream()
            .map(Manifest.FileInfo::path)
            .filter(p -> p.startsWith("mirror/"))
            .limit(3)
            .toList();
    for (String path : mirror) {
      String slug = path.substring(7).toLowerCase(java.util.Locale.ROOT).replace('.', '-');
      Map<String, byte[]> missing = new LinkedHashMap<>(state);
      missing.remove("state/versions/" + id + "/" + path);
      String target = "state/active.json";
      versionCases(out, "missing-" + slug, missing, target, id, path + " is missing");
      Map<String, byte[]> grown = new LinkedHashMap<>(state);
      byte[] b = state.get("state/versions/" + id + "/" + path);
      byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
      grown.put("state/versions/" + id + "/" + path, longer);
      versionCases(
          out, "appended-" + slug, grown, "state/versions/" + id + "/" + path, id, path + " has ");
      Map<String, byte[]> flipped = new LinkedHashMap<>(state);
      byte[] f = b.clone();
      f[f.length / 2] ^= 1;
      flipped.put("state/versions/" + id + "/" + path, f);
      versionCases(
          out,
          "flipped-" + slug,
          flipped,
          "state/versions/" + id + "/" + path,
          id,
          path + " does not match");
    }
    Map<String, byte[]> noManifest = new LinkedHashMap<>(state);
    noManifest.remove("state/versions/" + id + "/manifest.json");
    versionCases(
        out, "manifest-missing", noManifest, "state/active.json", id, "manifest.json is missing");
    Map<String, byte[]> extra = new LinkedHashMap<>(state);
    extra.put(
        "state/versions/" + id + "/mirror/shell.aspx",
        "<% evil %>".getBytes(StandardCharsets.UTF_8));
    versionCases(
        out,
        "unlisted-shell-aspx",
        extra,
        "state/versions/" + id + "/mirror/shell.aspx",
        id,
        "mirror/shell.aspx is in the version folder");
    return out;
  }

  /** The state folder as an import of the synthetic bundle leaves it (fixed times). */
  private static Map<String, byte[]> state(Material m, String id) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    m.bundle.forEach((path, b) -> files.put("state/versions/" + id + "/" + path, b));
    Manifest man = m.manifest();
    files.put(
        "state/state.json",
        ("{\"lists\":{},\"highestSequence\":"
                + man.sequence()
                + ",\"highestBundleId\":\""
                + id
                + "\"}")
            .getBytes(StandardCharsets.UTF_8));
    files.put(
        "state/active.json",
        ("{\"id\":\"" + id + "\",\"activatedAt\":\"2025-06-02T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8));
    files.put("publisher.crt", m.publisherCertificate());
    files.put("bundle.tar.gz", m.bundleArchive);
    return files;
  }

  private static void versionCases(
      List<Case> out,
      String name,
      Map<String, byte[]> files,
      String target,
      String id,
      String fragment) {
    out.add(
        command(
            "status-" + name,
            files,
            target,
            INVALID,
            fragment,
            "status",
            "--state",
            "@state",
            "--at",
            AT));
    out.add(
        command(
            "rollback-" + name,
            files,
            target,
            INVALID,
            fragment,
            "rollback",
            "--state",
            "@state",
            "--to",
            id));
    out.add(
        command(
            "export-" + name,
            files,
            target,
            INVALID,
            fragment,
            "export",
            "--state",
            "@state",
            "--out",
            "@www",
            "--format",
            "nginx"));
  }

  private static Case importCase(
      String name, Map<String, byte[]> files, String target, String fragment) {
    return command(
        name,
        files,
        target,
        MALFORMED,
        fragment,
        "import",
        "@bundle.tar.gz",
        "--state",
        "@state",
        "--trust",
        "@publisher.crt",
        "--at",
        AT);
  }

  private static Case command(
      String name,
      Map<String, byte[]> files,
      String target,
      int exit,
      String fragment,
      String... args) {
    return new Case(
        Category.STATE,
        name,
        Runner.STATE,
        target,
        files,
        List.of(args),
        Set.of(exit),
        fragment,
        false);
  }
}
