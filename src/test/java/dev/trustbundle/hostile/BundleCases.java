package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;
import static dev.trustbundle.hostile.Mutations.ascii;
import static dev.trustbundle.hostile.Mutations.concat;
import static dev.trustbundle.hostile.Mutations.cut;
import static dev.trustbundle.hostile.Mutations.flip;
import static dev.trustbundle.hostile.Mutations.gzip;
import static dev.trustbundle.hostile.Mutations.nest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.Mutations.RawTar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Bundles: archives that traverse, link, repeat, lie about sizes or are cut, and manifests that are
 * unsigned, signed by someone else, strict-parser traps, or disagree with the files. Each is given
 * to {@code verify} and to {@code import}.
 */
final class BundleCases {
  private BundleCases() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Case> archive(Material m) {
    List<Case> out = new ArrayList<>();
    SortedMap<String, byte[]> files = m.bundle;
    byte[] good = m.bundleArchive;

    // Names that could escape the extraction folder.
    String[][] names = {
      {"dotdot", "../evil.crt"},
      {"dotdot-nested", "mirror/../../evil.crt"},
      {"dot-slash-dotdot", "./../evil.crt"},
      {"absolute", "/etc/evil.crt"},
      {"double-slash", "mirror//evil.crt"},
      {"dot-segment", "mirror/./evil.crt"},
      {"drive-letter", "C:/evil.crt"},
      {"backslash", "mirror\\..\\..\\evil.crt"},
      {"trailing-dotdot", "mirror/.."},
      {"control-character", "mirror/evil\u0001.crt"},
      {"space", "mirror/evil .crt"},
      {"colon-stream", "mirror/authrootstl.cab:evil"},
      {"unicode-fullwidth", "mirror/\uFF0E\uFF0E/evil.crt"},
      {"unicode-division-slash", "mirror\u2215..\u2215evil.crt"},
      {"long-pax-name", "mirror/" + "a".repeat(300) + ".crt"},
    };
    for (String[] n : names) {
      out.add(
          c(
              "name-" + n[0],
              gzip(withEntry(files, new RawTar().file(n[1], new byte[] {1})).tar()),
              "unsafe name"));
    }
    out.add(
        c(
            "directory-dotdot",
            gzip(
                withEntry(files, new RawTar().entry("../d/", '5', 0, new byte[0], "", false))
                    .tar()),
            "unsafe name"));

    // Links, devices and other types.
    Object[][] types = {
      {"symlink", '2', "/etc/passwd"},
      {"symlink-relative", '2', "../../../etc/passwd"},
      {"hardlink", '1', "manifest.json"},
      {"char-device", '3', ""},
      {"block-device", '4', ""},
      {"fifo", '6', ""},
      {"contiguous", '7', ""},
      {"unknown-type", 'Z', ""},
      {"gnu-sparse", 'S', ""},
    };
    for (Object[] t : types) {
      out.add(
          c(
              "type-" + t[0],
              gzip(
                  withEntry(
                          files,
                          new RawTar()
                              .entry(
                                  "mirror/linked.crt",
                                  (char) t[1],
                                  0,
                                  new byte[0],
                                  (String) t[2],
                                  false))
                      .tar()),
              "link or device"));
    }
    out.add(
        c(
            "symlink-replacing-a-listed-file",
            gzip(
                tar(files, "mirror/authrootstl.cab")
                    .entry("mirror/authrootstl.cab", '2', 0, new byte[0], "/etc/passwd", false)
                    .tar()),
            "link or device"));

    // Duplicates.
    out.add(
        c(
            "duplicate-manifest",
            gzip(tar(files).file("manifest.json", files.get("manifest.json")).tar()),
            "twice"));
    out.add(
        c(
            "duplicate-same-bytes",
            gzip(
                tar(files)
                    .file("mirror/authrootstl.cab", files.get("mirror/authrootstl.cab"))
                    .tar()),
            "twice"));
    out.add(
        c(
            "duplicate-other-bytes",
            gzip(tar(files).file("mirror/authrootstl.cab", new byte[] {1, 2, 3}).tar()),
            "twice"));
    out.add(
        c(
            "duplicate-dot-slash",
            gzip(tar(files).file("./manifest.json", files.get("manifest.json")).tar()),
            "twice"));

    // Sizes.
    out.add(
        c(
            "declared-64mib-plus-one",
            gzip(
                tar(files)
                    .entry("mirror/big.crt", '0', (64L << 20) + 1, new byte[0], "", false)
                    .tarWithoutEnd()),
            "over the limit"));
    out.add(
        c(
            "declared-10-gib-base256",
            gzip(
                tar(files)
                    .entry("mirror/big.crt", '0', 10L << 30, new byte[0], "", false)
                    .tarWithoutEnd()),
            "over the limit"));
    out.add(
        c(
            "declared-negative-base256",
            gzip(
                tar(files)
                    .entry("mirror/big.crt", '0', -1, new byte[0], "", false)
                    .tarWithoutEnd()),
            "negative size"));
    out.add(c("gzip-bomb-65mib-of-zeros", zeroBomb(files, (64 << 20) + 1024), "over the limit"));
    out.add(c("entries-20001", manyEntries(20_001), "more than 20000 entries"));
    out.add(
        c(
            "entry-cut-off",
            gzip(
                tar(files)
                    .entry("mirror/cut.crt", '0', 5000, new byte[1024], "", false)
                    .tarWithoutEnd()),
            "damaged"));
    out.add(
        c(
            "pax-size-huge",
            gzip(
                tar(files)
                    .entry(
                        "PaxHeaders/big",
                        'x',
                        30,
                        ascii("30 size=99999999999999999999\n"),
                        "",
                        false)
                    .file("mirror/x.crt", new byte[1])
                    .tar()),
            "damaged"));
    out.add(
        c(
            "pax-malformed",
            gzip(
                tar(files)
                    .entry("PaxHeaders/bad", 'x', 12, ascii("garbage-here"), "", false)
                    .file("mirror/x.crt", new byte[1])
                    .tar()),
            "damaged"));
    out.add(
        c(
            "header-checksum-wrong",
            gzip(tar(files).entry("mirror/x.crt", '0', 1, new byte[] {1}, "", true).tar()),
            "checksum"));

    // Gzip damage.
    for (int at :
        new int[] {1, 5, 10, good.length / 2, good.length - 8, good.length - 4, good.length - 1}) {
      out.add(c("gzip-cut-at-" + at, cut(good, at), at <= 5 ? "not a .tar.gz" : "damaged"));
    }
    out.add(c("gzip-crc-flipped", flip(good, good.length - 8, 0x01), "CRC32"));
    out.add(c("gzip-isize-flipped", flip(good, good.length - 1, 0x01), "size mismatch"));
    out.add(c("gzip-method-not-deflate", flip(good, 2, 0x01), "not a .tar.gz"));
    out.add(c("gzip-reserved-flags", flip(good, 3, 0x80), "not a .tar.gz"));
    // On fixed content, so that the damage lands on the same DEFLATE symbol every run.
    byte[] noise = new byte[60_000];
    HostileCorpus.random(11).nextBytes(noise);
    byte[] fixed = gzip(new RawTar().file("mirror/noise.crt", noise).tar());
    out.add(c("gzip-deflate-damaged", flip(fixed, fixed.length / 2, 0x55), "CRC32"));
    out.add(c("trailing-junk", concat(good, ascii("junk")), "after a valid .gz stream"));
    out.add(c("trailing-second-member", concat(good, gzip(ascii("more data"))), "after its end"));
    out.add(c("trailing-zeros-2mib", concat(good, gzip(new byte[2 << 20])), "after its end"));
    out.add(
        c(
            "junk-after-tar-end",
            gzip(concat(tar(files).tar(), ascii("junk after the end"))),
            "after its end"));
    out.add(c("plain-tar", tar(files).tar(), "not a .tar.gz"));
    out.add(c("zip-magic", concat(ascii("PK\u0003\u0004"), new byte[100]), "not a .tar.gz"));
    out.add(c("empty-file", new byte[0], "not a .tar.gz"));
    out.add(
        c(
            "gzip-of-garbage",
            gzip(ascii("this is not a tar archive at all, just text")),
            "no manifest.json"));
    return out;
  }

  static List<Case> manifest(Material m) {
    List<Case> out = new ArrayList<>();
    SortedMap<String, byte[]> files = m.bundle;
    byte[] manifest = files.get("manifest.json");
    SigningKey pub = m.publisher;

    // The untampered synthetic bundle: its lists chain to a test root, not to Microsoft's pins,
    // so it is refused at the last step; every other case must be refused before it.
    out.add(b("lists-signed-by-an-unpinned-root", files, f -> {}, INVALID, "authrootstl.cab"));

    // The signature.
    int digit = new String(manifest, StandardCharsets.UTF_8).indexOf("\"sequence\"") + 13;
    for (int at : new int[] {0, digit, manifest.length / 2, manifest.length - 2}) {
      out.add(
          b(
              "manifest-byte-" + at + "-changed",
              files,
              f -> f.put("manifest.json", flip(manifest, at, 0x01)),
              INVALID,
              "signature"));
    }
    out.add(
        b(
            "manifest-reindented",
            files,
            f -> f.put("manifest.json", concat(manifest, ascii("\n"))),
            INVALID,
            "signature"));
    out.add(
        b(
            "signed-by-a-stranger",
            files,
            f -> f.put("manifest.json.p7s", ManifestSignature.sign(manifest, m.stranger)),
            INVALID,
            "not the trusted publisher"));
    out.add(
        b(
            "stranger-key-with-publisher-certificate",
            files,
            f ->
                f.put(
                    "manifest.json.p7s",
                    ManifestSignature.sign(
                        manifest, new SigningKey(m.stranger.key(), pub.chain()))),
            INVALID,
            "does not verify"));
    out.add(
        b(
            "signature-of-another-manifest",
            files,
            f ->
                f.put(
                    "manifest.json.p7s", ManifestSignature.sign(concat(manifest, ascii(" ")), pub)),
            INVALID,
            "does not verify"));
    byte[] p7s = files.get("manifest.json.p7s");
    out.add(
        b(
            "p7s-last-byte-flipped",
            files,
            f -> f.put("manifest.json.p7s", flip(p7s, p7s.length - 3, 0x01)),
            INVALID,
            "does not verify"));
    out.add(
        b(
            "p7s-cut",
            files,
            f -> f.put("manifest.json.p7s", cut(p7s, p7s.length / 2)),
            MALFORMED,
            "not a CMS signature"));
    out.add(
        b(
            "p7s-garbage",
            files,
            f -> f.put("manifest.json.p7s", ascii("garbage")),
            MALFORMED,
            "not a CMS signature"));
    out.add(
        b(
            "p7s-empty",
            files,
            f -> f.put("manifest.json.p7s", new byte[0]),
            MALFORMED,
            "not a CMS signature"));
    out.add(
        b(
            "p7s-nesting-bomb",
            files,
            f -> f.put("manifest.json.p7s", nest(0x30, 10_000, new byte[] {5, 0})),
            MALFORMED,
            "not a CMS signature"));
    out.add(
        b(
            "p7s-two-signers",
            files,
            f -> f.put("manifest.json.p7s", twoSigners(manifest, pub, m.stranger)),
            INVALID,
            "2 signers"));
    out.add(
        b(
            "manifest-missing",
            files,
            f -> f.remove("manifest.json"),
            MALFORMED,
            "no manifest.json"));
    out.add(
        b(
            "p7s-missing",
            files,
            f -> f.remove("manifest.json.p7s"),
            MALFORMED,
            "no manifest.json.p7s"));

    // Signed by the trusted publisher, but not a manifest this tool may accept.
    out.add(signed("not-json", ascii("{"), pub, files, MALFORMED, "not a valid manifest"));
    out.add(signed("json-array", ascii("[]"), pub, files, MALFORMED, "not a valid manifest"));
    out.add(
        signed(
            "json-nesting-bomb",
            ascii("[".repeat(100_000)),
            pub,
            files,
            MALFORMED,
            "not a valid manifest"));
    out.add(signed("duplicate-key", duplicateKey(manifest), pub, files, MALFORMED, "uplicate"));
    out.add(
        edited("unknown-field", manifest, pub, files, o -> o.put("evil", true), MALFORMED, "evil"));
    out.add(
        edited(
            "format-version-2",
            manifest,
            pub,
            files,
            o -> o.put("formatVersion", 2),
            MALFORMED,
            "format version"));
    out.add(
        edited(
            "sequence-a-string",
            manifest,
            pub,
            files,
            o -> o.put("sequence", "x"),
            MALFORMED,
            "not a valid manifest"));
    out.add(
        edited(
            "sequence-huge",
            manifest,
            pub,
            files,
            o -> o.put("sequence", new java.math.BigInteger("1" + "0".repeat(40))),
            MALFORMED,
            "not a valid manifest"));
    out.add(
        edited(
            "files-null",
            manifest,
            pub,
            files,
            o -> o.putNull("files"),
            MALFORMED,
            "not a valid manifest"));
    out.add(
        edited(
            "created-not-a-time",
            manifest,
            pub,
            files,
            o -> o.put("created", "yesterday"),
            MALFORMED,
            "created"));
    out.add(
        edited(
            "expires-not-a-time",
            manifest,
            pub,
            files,
            o -> o.put("expires", "never"),
            MALFORMED,
            "expires"));
    out.add(
        edited(
            "bundle-id-traversal",
            manifest,
            pub,
            files,
            o -> o.put("bundleId", "../../evil"),
            MALFORMED,
            "bundleId"));
    out.add(
        signed(
            "invalid-utf8",
            concat(manifest, new byte[] {(byte) 0xC0, (byte) 0xAF}),
            pub,
            files,
            MALFORMED,
            "not a valid manifest"));

    // Signed, but the files disagree with it.
    out.add(
        b(
            "file-content-changed",
            files,
            f -> f.put("mirror/authroot.stl", flip(f.get("mirror/authroot.stl"), 100, 0x01)),
            INVALID,
            "does not match its manifest entry"));
    out.add(
        b(
            "file-removed",
            files,
            f -> f.remove("mirror/disallowedcert.sst"),
            INVALID,
            "in the manifest but not in the archive"));
    out.add(
        b(
            "file-added",
            files,
            f -> f.put("mirror/extra.crt", new byte[] {1}),
            INVALID,
            "in the archive but not in the manifest"));
    out.add(
        b(
            "files-swapped",
            files,
            f -> {
              byte[] a = f.get("mirror/authroot.stl");
              f.put("mirror/authroot.stl", f.get("mirror/disallowedcert.sst"));
              f.put("mirror/disallowedcert.sst", a);
            },
            INVALID,
            "does not match its manifest entry"));
    out.add(
        edited(
            "size-lies",
            manifest,
            pub,
            files,
            o -> fileEntry(o, "mirror/authroot.stl").put("size", 1),
            INVALID,
            "does not match its manifest entry"));
    out.add(
        edited(
            "sha256-lies",
            manifest,
            pub,
            files,
            o -> fileEntry(o, "mirror/authroot.stl").put("sha256", "0".repeat(64)),
            INVALID,
            "does not match its manifest entry"));
    out.add(
        edited(
            "entry-removed",
            manifest,
            pub,
            files,
            o -> ((ArrayNode) o.get("files")).remove(0),
            INVALID,
            "in the archive but not in the manifest"));
    out.add(
        edited(
            "entry-added",
            manifest,
            pub,
            files,
            o ->
                ((ArrayNode) o.get("files"))
                    .addObject()
                    .put("path", "mirror/ghost.crt")
                    .put("size", 1)
                    .put("sha256", "0".repeat(64))
                    .put("role", "root"),
            INVALID,
            "in the manifest but not in the archive"));
    out.add(
        edited(
            "entry-path-traversal",
            manifest,
            pub,
            files,
            o ->
                ((ArrayNode) o.get("files"))
                    .addObject()
                    .put("path", "../../etc/passwd")
                    .put("size", 1)
                    .put("sha256", "0".repeat(64))
                    .put("role", "root"),
            INVALID,
            "in the manifest but not in the archive"));

    // Signed, consistent, but not acceptable now.
    out.add(
        edited(
            "expired",
            manifest,
            pub,
            files,
            o -> o.put("expires", "2025-06-02T12:00:00Z"),
            INVALID,
            "expired"));
    out.add(
        edited(
            "created-in-the-future",
            manifest,
            pub,
            files,
            // With an expiry and sequence that fit it: only the creation time is wrong.
            o ->
                o.put("created", "2030-01-01T00:00:00Z")
                    .put("expires", "2030-01-31T00:00:00Z")
                    .put("sequence", 1893456000L),
            INVALID,
            "in the future"));
    out.add(
        edited(
            "created-before-the-publisher",
            manifest,
            pub,
            files,
            o -> o.put("created", "2020-01-01T00:00:00Z").put("sequence", 1577836800L),
            INVALID,
            "was not valid when the bundle was created"));
    out.add(
        edited(
            "unknown-list-kind",
            manifest,
            pub,
            files,
            o -> ((ObjectNode) o.get("lists").get(0)).put("kind", "evil"),
            INVALID,
            "unknown list"));
    out.add(
        edited(
            "list-file-missing",
            manifest,
            pub,
            files,
            o -> ((ObjectNode) o.get("lists").get(0)).put("path", "mirror/nothing.cab"),
            INVALID,
            "it belongs at mirror/authrootstl.cab"));
    out.add(
        edited(
            "list-path-not-a-cabinet",
            manifest,
            pub,
            files,
            o -> ((ObjectNode) o.get("lists").get(0)).put("path", "mirror/authroot.stl"),
            INVALID,
            "it belongs at mirror/authrootstl.cab"));
    out.add(
        edited(
            "file-entry-without-path",
            manifest,
            pub,
            files,
            o ->
                ((ArrayNode) o.get("files"))
                    .addObject()
                    .put("size", 1)
                    .put("sha256", "0".repeat(64))
                    .put("role", "root"),
            MALFORMED,
            "a file's path is missing"));
    out.add(
        edited(
            "list-without-path",
            manifest,
            pub,
            files,
            o -> ((ObjectNode) o.get("lists").get(0)).remove("path"),
            MALFORMED,
            "a list's path is missing"));
    out.add(
        edited(
            "no-lists",
            manifest,
            pub,
            files,
            o -> o.putArray("lists"),
            INVALID,
            "is not among the manifest's verified lists"));
    return out;
  }

  private static Case c(String name, byte[] archive, String fragment) {
    return HostileCorpus.bundle(Category.ARCHIVE, name, archive, MALFORMED, fragment);
  }

  private static Case b(
      String name,
      SortedMap<String, byte[]> files,
      Consumer<SortedMap<String, byte[]>> change,
      int exit,
      String fragment) {
    SortedMap<String, byte[]> f = new TreeMap<>(files);
    change.accept(f);
    return HostileCorpus.bundle(Category.MANIFEST, name, Material.archive(f), exit, fragment);
  }

  /** A manifest signed by {@code key} in place of the bundle's. */
  private static Case signed(
      String name,
      byte[] manifest,
      SigningKey key,
      SortedMap<String, byte[]> files,
      int exit,
      String fragment) {
    return b(
        "signed-" + name,
        files,
        f -> {
          f.put("manifest.json", manifest);
          f.put("manifest.json.p7s", ManifestSignature.sign(manifest, key));
        },
        exit,
        fragment);
  }

  /** The manifest edited as JSON and signed again by the publisher. */
  private static Case edited(
      String name,
      byte[] manifest,
      SigningKey key,
      SortedMap<String, byte[]> files,
      Consumer<ObjectNode> edit,
      int exit,
      String fragment) {
    try {
      ObjectNode o = (ObjectNode) JSON.readTree(manifest);
      edit.accept(o);
      return signed(
          name,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o),
          key,
          files,
          exit,
          fragment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode fileEntry(ObjectNode manifest, String path) {
    for (var f : manifest.get("files")) {
      if (f.get("path").asText().equals(path)) {
        return (ObjectNode) f;
      }
    }
    throw new IllegalStateException("no " + path);
  }

  /** "bundleId" given twice: parsers that keep the last one would see another bundle. */
  private static byte[] duplicateKey(byte[] manifest) {
    String s = new String(manifest, StandardCharsets.UTF_8);
    int brace = s.indexOf('{');
    return (s.substring(0, brace + 1) + "\"bundleId\":\"tb-evil\"," + s.substring(brace + 1))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] twoSigners(byte[] manifest, SigningKey a, SigningKey b) {
    try {
      var gen = new org.bouncycastle.cms.CMSSignedDataGenerator();
      for (SigningKey k : List.of(a, b)) {
        gen.addSignerInfoGenerator(
            new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
                    new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder()
                        .build())
                .build(
                    new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                        .build(k.key()),
                    k.certificate()));
        gen.addCertificates(new org.bouncycastle.cert.jcajce.JcaCertStore(k.chain()));
      }
      return gen.generate(new org.bouncycastle.cms.CMSProcessableByteArray(manifest), false)
          .getEncoded("DER");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bundle's entries as a raw tar, without its end blocks yet. */
  private static RawTar tar(SortedMap<String, byte[]> files, String... without) {
    RawTar t = new RawTar();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      if (!List.of(without).contains(e.getKey())) {
        t.file(e.getKey(), e.getValue());
      }
    }
    return t;
  }

  /** The bundle's entries after {@code extra}'s. */
  private static RawTar withEntry(SortedMap<String, byte[]> files, RawTar extra) {
    RawTar t = new RawTar().raw(extra.tarWithoutEnd());
    files.forEach(t::file);
    return t;
  }

  /**
   * The bundle plus one entry of {@code size} zero bytes, honestly declared: a gzip bomb (a few
   * dozen KiB that expand to {@code size}), streamed so that the test never holds it whole.
   */
  private static byte[] zeroBomb(SortedMap<String, byte[]> files, long size) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz =
        new java.util.zip.GZIPOutputStream(out, 65536) {
          {
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
          }
        }) {
      gz.write(
          tar(files).entry("mirror/zeros.crt", '0', size, new byte[0], "", false).tarWithoutEnd());
      byte[] zeros = new byte[1 << 20];
      for (long left = size; left > 0; left -= zeros.length) {
        gz.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      gz.write(new byte[(int) ((512 - size % 512) % 512) + 1024]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] manyEntries(int n) {
    RawTar t = new RawTar();
    for (int i = 0; i < n; i++) {
      t.file(String.format("mirror/f%05d.crt", i), new byte[0]);
    }
    return gzip(t.tar());
  }

  static String sha(byte[] b) {
    return Hex.sha256(b);
  }
}
