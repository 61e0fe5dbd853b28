package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;

import dev.trustbundle.bundle.Budget;
import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Crafted bundles signed again by the trusted publisher (issue 11, finding 2): the signature is
 * right and the manifest describes every file exactly, yet the files break a bundle rule: decoy
 * list paths, case twins, lists in the wrong slot, secondary files that are not what the lists say,
 * names outside the fixed set, files over the budget. Before the one bundle check, each of these
 * was accepted and its files served. The synthetic cases break the rules that need no list to
 * verify; the real ones (from {@code ../shared/fixtures}) break the rules checked against
 * Microsoft's verified lists.
 */
final class ResignedCases {
  private ResignedCases() {}

  /** A bundle as an attacker holding the publisher key would change it. */
  static final class Edit {
    final SortedMap<String, byte[]> files;
    final Map<String, String> roles = new TreeMap<>();
    final List<Manifest.ListInfo> lists;
    final List<Manifest.RemovedRoot> removed;
    final Manifest base;

    Edit(SortedMap<String, byte[]> bundle) {
      base = Json.read(bundle.get("manifest.json"));
      files = new TreeMap<>(bundle);
      files.remove("manifest.json");
      files.remove("manifest.json.p7s");
      base.files().forEach(f -> roles.put(f.path(), f.role()));
      lists = new ArrayList<>(base.lists());
      removed = new ArrayList<>(base.removedRoots());
    }

    Edit put(String path, byte[] body, String role) {
      files.put(path, body);
      roles.put(path, role);
      return this;
    }

    Edit remove(String path) {
      files.remove(path);
      roles.remove(path);
      return this;
    }

    Edit list(int i, String path) {
      Manifest.ListInfo a = lists.get(i);
      lists.set(
          i,
          new Manifest.ListInfo(
              a.kind(),
              path,
              a.sequenceNumber(),
              a.thisUpdate(),
              a.signer(),
              a.chain(),
              a.anchor(),
              true,
              a.warnings()));
      return this;
    }

    int listOf(String kind) {
      for (int i = 0; i < lists.size(); i++) {
        if (lists.get(i).kind().equals(kind)) {
          return i;
        }
      }
      throw new IllegalStateException("no " + kind);
    }

    /** The archive, with a manifest that lists every file exactly, signed by {@code key}. */
    byte[] signed(SigningKey key) {
      List<Manifest.FileInfo> infos = new ArrayList<>();
      files.forEach(
          (p, b) ->
              infos.add(
                  new Manifest.FileInfo(
                      p, b.length, Hex.sha256(b), roles.get(p), null, null, null, null)));
      Manifest m =
          new Manifest(
              base.formatVersion(),
              base.bundleId() + "-x",
              base.sequence() + 1000,
              base.created(),
              base.expires(),
              base.tool(),
              base.profile(),
              base.upstream(),
              lists,
              infos,
              removed,
              base.warnings());
      byte[] manifest = Json.write(m);
      SortedMap<String, byte[]> out = new TreeMap<>(files);
      out.put("manifest.json", manifest);
      out.put("manifest.json.p7s", ManifestSignature.sign(manifest, key));
      return Material.archive(out);
    }
  }

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] cab = m.bundle.get("mirror/authrootstl.cab");
    byte[] one = {1};
    byte[] html =
        "<%@ Page Language=\"C#\" %><% Response.Write(1); %>".getBytes(StandardCharsets.UTF_8);

    // Case twins: a second copy of a served name that differs only in case.
    out.add(
        c(
            m,
            "case-twin-authroot-cabinet",
            e -> e.put("mirror/AUTHROOTSTL.CAB", cab, "list"),
            "differ only in case"));
    out.add(
        c(
            m,
            "case-twin-disallowed-cabinet",
            e -> e.put("mirror/DisallowedCertStl.cab", cab, "list"),
            "differ only in case"));
    String root = rootPath(m);
    out.add(
        c(
            m,
            "case-twin-root",
            e -> e.put("mirror/" + root.substring(7).toLowerCase(), m.bundle.get(root), "root"),
            "differ only in case"));
    // Decoys: the manifest's list points elsewhere while the served name holds another file.
    out.add(
        c(
            m,
            "decoy-list-path",
            e -> e.put("mirror/decoy.cab", cab, "list").list(0, "mirror/decoy.cab"),
            "mirror/decoy.cab is not a place"));
    out.add(
        c(
            m,
            "decoy-list-path-in-extra",
            e -> e.put("extra/authrootstl.cab", cab, "list").list(0, "extra/authrootstl.cab"),
            "extra/authrootstl.cab is not a place"));
    out.add(
        c(
            m,
            "list-named-twice",
            e -> e.lists.add(e.lists.get(e.listOf("authroot"))),
            "authroot list twice"));
    // Wrong slots.
    out.add(
        c(
            m,
            "authroot-cabinet-in-the-disallowed-slot",
            e -> e.put("mirror/disallowedcertstl.cab", cab, "list"),
            "must hold exactly one member, disallowedcert.stl"));
    out.add(
        c(
            m,
            "authroot-cabinet-as-unlisted-pinrules",
            e -> e.put("mirror/pinrulesstl.cab", cab, "list"),
            "is not among the manifest's verified lists"));
    out.add(
        c(
            m,
            "no-disallowed-list",
            e -> {
              e.remove("mirror/disallowedcertstl.cab");
              e.lists.remove(e.listOf("disallowedcert"));
            },
            "has no mirror/disallowedcertstl.cab"));
    out.add(
        c(
            m,
            "no-authroot-list",
            e -> {
              e.remove("mirror/authrootstl.cab");
              e.lists.remove(e.listOf("authroot"));
            },
            "has no mirror/authrootstl.cab"));
    out.add(
        c(
            m,
            "cabinet-with-an-earlier-stl",
            e ->
                e.put(
                    "mirror/authrootstl.cab",
                    new CabBuilder().add("aaa.stl", m.stl).add("authroot.stl", m.stl).build(),
                    "list"),
            "exactly one member"));
    out.add(
        c(
            m,
            "cabinet-with-an-executable",
            e ->
                e.put(
                    "mirror/authrootstl.cab",
                    new CabBuilder().add("authroot.stl", m.stl).add("evil.exe", one).build(),
                    "list"),
            "exactly one member"));
    out.add(
        c(
            m,
            "sequence-file-as-list",
            e -> e.put("mirror/authrootseq.txt", "01".getBytes(StandardCharsets.US_ASCII), "list"),
            "must have the role sequence"));
    out.add(
        c(
            m,
            "store-as-root",
            e -> e.put("mirror/disallowedcert.sst", m.sst, "root"),
            "must have the role store"));
    // Names outside the fixed set, in every folder.
    String[][] foreign = {
      {"shell-aspx", "mirror/shell.aspx", "list"},
      {"web-config", "mirror/web.config", "store"},
      {"htaccess", "mirror/.htaccess", "sequence"},
      {"index-html", "mirror/index.html", "root"},
      {"default-aspx-as-root", "mirror/default.aspx", "removed-root"},
      {"nginx-conf", "mirror/trustbundle-nginx.conf", "list"},
      {"exe", "mirror/update.exe", "root"},
      {"crt-with-a-short-name", "mirror/ABCDEF.crt", "root"},
      {"crt-with-a-suffix", "mirror/" + "A".repeat(40) + ".crt.aspx", "root"},
      {"extra-root-not-named-by-sha1", "extra/roots/evil.crt", "extra-root"},
      {"intermediate-in-roots", "extra/roots/" + "B".repeat(40) + ".crt", "intermediate"},
      {"crl-aspx", "crl/crl.example/shell.aspx", "crl"},
      {"crl-web-config", "crl/crl.example/web.config", "crl"},
      {"client-script", "client/evil.ps1", "client"},
      {"client-web-config", "client/web.config", "client"},
      {"top-level-file", "index.html", "root"},
    };
    for (String[] f : foreign) {
      out.add(c(m, "foreign-" + f[0], e -> e.put(f[1], html, f[2]), f[1] + " is not a place"));
    }
    out.add(
        c(
            m,
            "unknown-role",
            e -> e.put("mirror/" + "C".repeat(40) + ".crt", one, "script"),
            "unknown role"));
    out.add(
        c(
            m,
            "removed-root-without-record",
            e ->
                e.put(
                    "mirror/" + Hex.sha1(Material.der(m.impostor.cert())) + ".crt",
                    Material.der(m.impostor.cert()),
                    "removed-root"),
            "removedRoots lacks it"));
    byte[] big = new byte[(int) Budget.MAX_CERT + 1];
    out.add(
        c(
            m,
            "extra-root-over-the-budget",
            e -> e.put("extra/roots/" + Hex.sha1(big) + ".crt", big, "extra-root"),
            "over the budget"));
    out.addAll(real());
    return out;
  }

  /**
   * Cases over a real bundle: Microsoft's lists verify, so the rules checked against them are
   * reached. Imported over the real state.
   */
  static List<Case> real() {
    if (!RealCases.available()) {
      return List.of();
    }
    Material m = Material.get();
    SortedMap<String, byte[]> newer =
        BundleArchive.read(
            new ByteArrayInputStream(RealCases.Bundles.get().newer), BundleArchive.Limits.DEFAULT);
    byte[] olderStl = Fixtures.read(Fixtures.ctl("authroot-2025-05-14.stl"));
    byte[] olderCab = Fixtures.read(Fixtures.ctl("authrootstl-2025-05-14.cab"));
    byte[] newCab = newer.get("mirror/authrootstl.cab");
    byte[] sst = Fixtures.read(Fixtures.ctl("disallowedcert-2018.sst"));
    byte[] anyRoot = null;
    for (Map.Entry<String, byte[]> f : newer.entrySet()) {
      // Not a root a list chains to (2010 for authroot, 2001 for the 2016 disallowed list).
      if (f.getKey().matches("mirror/[0-9A-F]{40}\\.crt")
          && !f.getKey().contains("3B1EFD3A66EA28B16697394703A72CA340A05BD5")
          && !f.getKey().contains("CDD4EEAE6000AC7F40C3802C171E30148030C072")) {
        anyRoot = f.getValue();
      }
    }
    byte[] root = anyRoot;
    List<Case> out = new ArrayList<>();
    out.add(
        r(
            newer,
            "real-older-genuine-authroot-stl",
            e -> e.put("mirror/authroot.stl", olderStl, "list"),
            "authroot.stl is not the list inside"));
    out.add(
        r(
            newer,
            "real-authrootseq-of-another-list",
            e ->
                e.put(
                    "mirror/authrootseq.txt",
                    "1401DBDEE7F1A4F448".getBytes(StandardCharsets.US_ASCII),
                    "sequence"),
            "authrootseq.txt says"));
    out.add(
        r(
            newer,
            "real-store-of-trusted-roots",
            e -> e.put("mirror/disallowedcert.sst", Material.sst(m.roots), "store"),
            "is not named by the disallowed list"));
    out.add(
        r(
            newer,
            "real-empty-store",
            e -> e.put("mirror/disallowedcert.sst", Material.sst(List.of()), "store"),
            "holds no certificate"));
    out.add(
        r(
            newer,
            "real-genuine-store-accepted-but-root-swapped",
            e ->
                e.put("mirror/disallowedcert.sst", sst, "store")
                    .put(
                        "mirror/" + Hex.sha1(Material.der(m.impostor.cert())) + ".crt",
                        Material.der(m.impostor.cert()),
                        "root"),
            "is not listed in the authroot list"));
    out.add(
        r(
            newer,
            "real-decoy-holds-the-new-list",
            e ->
                e.put("mirror/decoy.cab", newCab, "list")
                    .put("mirror/authrootstl.cab", olderCab, "list")
                    .list(e.listOf("authroot"), "mirror/decoy.cab"),
            "mirror/decoy.cab is not a place"));
    out.add(
        r(
            newer,
            "real-case-twin-holds-an-older-list",
            e -> e.put("mirror/AUTHROOTSTL.CAB", olderCab, "list"),
            "differ only in case"));
    out.add(
        r(
            newer,
            "real-authroot-in-the-disallowed-slot",
            e -> e.put("mirror/disallowedcertstl.cab", newCab, "list"),
            "must hold exactly one member, disallowedcert.stl"));
    out.add(
        r(
            newer,
            "real-removed-root-still-listed",
            e -> {
              for (String p : List.copyOf(e.files.keySet())) {
                if (p.matches("mirror/[0-9A-F]{40}\\.crt")
                    && java.util.Arrays.equals(e.files.get(p), root)) {
                  e.put(p, root, "removed-root");
                }
              }
              e.removed.add(
                  new Manifest.RemovedRoot(
                      Hex.sha1(root), "kept", "2025-06-01T00:00:00Z", "2025-12-01T00:00:00Z"));
            },
            "its role must be root"));
    return out;
  }

  private static String rootPath(Material m) {
    return "mirror/" + Hex.sha1(Material.der(m.roots.get(0))) + ".crt";
  }

  /** A synthetic case: verified, then imported into the synthetic state. */
  private static Case c(Material m, String name, Consumer<Edit> change, String fragment) {
    Edit e = new Edit(m.bundle);
    change.accept(e);
    return HostileCorpus.bundle(Category.RESIGNED, name, e.signed(m.publisher), INVALID, fragment);
  }

  /** A real case: imported over the state that holds the real bundle. */
  private static Case r(
      SortedMap<String, byte[]> bundle, String name, Consumer<Edit> change, String fragment) {
    Edit e = new Edit(bundle);
    change.accept(e);
    return new Case(
        Category.RESIGNED,
        name,
        Runner.IMPORT_OVER_REAL,
        "bundle.tar.gz",
        Map.of(
            "bundle.tar.gz",
            e.signed(Material.get().publisher),
            "publisher.crt",
            Material.get().publisherCertificate()),
        List.of("@bundle.tar.gz", "--trust", "@publisher.crt", "--at", RealCases.AT),
        Set.of(INVALID),
        fragment,
        true);
  }
}
