package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;

import dev.trustbundle.bundle.BundleBuilder;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.verify.Pin;
import dev.trustbundle.verify.TrustAnchors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cases derived at test time from the real Microsoft files in {@code ../shared/fixtures}, when that
 * folder exists: real cabinets and lists damaged, and rollbacks of real bundles (which only lists
 * signed by Microsoft let reach the store's rollback guard). None of the fixture bytes are copied
 * into the source tree.
 */
final class RealCases {
  private RealCases() {}

  static final String AT = "2025-07-03T00:00:00Z";

  /** Real bundles: the one the state holds, and older ones offered after it. */
  static final class Bundles {
    final byte[] newer;
    final byte[] olderLowerSequence;
    final byte[] olderListHigherSequence;

    private Bundles() {
      newer = build("2025-06-16", Instant.parse("2025-07-01T00:00:00Z"));
      olderLowerSequence = build("2025-05-14", Instant.parse("2025-06-20T00:00:00Z"));
      olderListHigherSequence = build("2025-05-14", Instant.parse("2025-07-02T00:00:00Z"));
    }

    private static Bundles instance;

    static synchronized Bundles get() {
      if (instance == null) {
        instance = new Bundles();
      }
      return instance;
    }
  }

  static boolean available() {
    return Files.isDirectory(Fixtures.ROOT.resolve("ctl"))
        && Files.isDirectory(Fixtures.ROOT.resolve("certs").resolve("roots"));
  }

  static List<Case> generate() {
    if (!available()) {
      return List.of();
    }
    List<Case> out = new ArrayList<>();
    Bundles b = Bundles.get();
    out.add(
        over(
            "rollback-lower-bundle-sequence",
            b.olderLowerSequence,
            "is not above the last accepted"));
    out.add(
        over(
            "rollback-older-authroot-list",
            b.olderListHigherSequence,
            "is older than the accepted"));
    out.add(over("same-bundle-list-tampered", tamper(b.newer), "does not match"));

    byte[] cab = Fixtures.read(Fixtures.ctl("authrootstl-2025-06-16.cab"));
    byte[] stl = Fixtures.read(Fixtures.ctl("authroot-2025-06-16.stl"));
    byte[] sst = Fixtures.read(Fixtures.ctl("disallowedcert-2018.sst"));
    String roots = Fixtures.roots().toAbsolutePath().toString();
    List<String> opts = List.of("--summary", "--at", "2025-07-01", "--roots", roots);
    out.add(
        real(
            Category.CAB,
            "real-cut-half",
            "authrootstl.cab",
            Mutations.cut(cab, cab.length / 2),
            opts,
            MALFORMED,
            "truncated"));
    out.add(
        real(
            Category.CAB,
            "real-payload-flipped",
            "authrootstl.cab",
            Mutations.flip(cab, cab.length / 2, 0x10),
            opts,
            MALFORMED,
            "checksum"));
    out.add(
        real(
            Category.STL,
            "real-entry-byte-flipped",
            "authroot.stl",
            Mutations.flip(
                stl,
                dev.trustbundle.testing.Bytes.indexOf(
                    stl, "DigiCert Global Root G2".getBytes(StandardCharsets.UTF_16LE)),
                0x01),
            opts,
            INVALID,
            "messageDigest"));
    out.add(
        real(
            Category.STL,
            "real-cut",
            "authroot.stl",
            Mutations.cut(stl, stl.length - 7),
            opts,
            MALFORMED,
            "truncated"));
    out.add(
        real(
            Category.STL,
            "real-named-disallowed",
            "disallowedcert.stl",
            stl,
            opts,
            INVALID,
            "holds the authroot list"));
    out.add(
        real(
            Category.SST,
            "real-record-length-overflow",
            "disallowedcert.sst",
            Mutations.le32(sst, 16, 0xFFFFFFF0L),
            opts,
            MALFORMED,
            "declares"));
    return out;
  }

  private static Case over(String name, byte[] archive, String fragment) {
    return new Case(
        Category.MANIFEST,
        name,
        Runner.IMPORT_OVER_REAL,
        "bundle.tar.gz",
        Map.of("bundle.tar.gz", archive, "publisher.crt", Material.get().publisherCertificate()),
        List.of("@bundle.tar.gz", "--trust", "@publisher.crt", "--at", AT),
        Set.of(INVALID),
        fragment,
        true);
  }

  private static Case real(
      Category c, String name, String file, byte[] data, List<String> opts, int exit, String frag) {
    List<String> args = new ArrayList<>(opts);
    args.add("@" + file);
    return new Case(
        c, name, Runner.INSPECT, file, Map.of(file, data), args, Set.of(exit), frag, true);
  }

  /** The newer bundle with its authroot cabinet replaced by a damaged copy. */
  private static byte[] tamper(byte[] archive) {
    var files =
        dev.trustbundle.bundle.BundleArchive.read(
            new java.io.ByteArrayInputStream(archive),
            dev.trustbundle.bundle.BundleArchive.Limits.DEFAULT);
    byte[] cab = files.get("mirror/authrootstl.cab");
    files.put("mirror/authrootstl.cab", Mutations.flip(cab, cab.length / 2, 0x01));
    return Material.archive(files);
  }

  /** A bundle of a fixture date's lists and the pinned Microsoft roots, built at {@code now}. */
  private static byte[] build(String date, Instant now) {
    try {
      Path up = Files.createTempDirectory("tb-hostile-real-");
      try {
        Files.write(
            up.resolve("authrootstl.cab"),
            Fixtures.read(Fixtures.ctl("authrootstl-" + date + ".cab")));
        Files.write(
            up.resolve("disallowedcertstl.cab"),
            new CabBuilder()
                .add(
                    "disallowedcert.stl",
                    Fixtures.read(Fixtures.ctl("disallowedcert-2016-05-24.stl")))
                .build());
        for (Pin p : TrustAnchors.MICROSOFT) {
          Path crt = Fixtures.roots().resolve(p.sha1().orElseThrow() + ".crt");
          if (Files.exists(crt)) {
            Files.copy(crt, up.resolve(crt.getFileName()));
          }
        }
        return Material.archive(
            Material.build(
                up,
                "real",
                BundleBuilder.RootsMode.PROFILE,
                now,
                TrustAnchors.microsoft(),
                Material.get().publisher));
      } finally {
        Material.deleteTree(up);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
