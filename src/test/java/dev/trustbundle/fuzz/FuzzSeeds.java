package dev.trustbundle.fuzz;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.Oids;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.TestPki;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.Pin;
import dev.trustbundle.verify.TrustAnchors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The small synthetic files the fuzz targets start from, and the generator of their seed corpora.
 *
 * <p>Seeds live where Jazzer looks for them, {@code
 * src/test/resources/dev/trustbundle/fuzz/<Target>Inputs/<method>/}; {@code seed-*} files are
 * written by {@link #main} ({@code scripts/fuzz --seeds}), any other file there is a regression
 * input kept from a finding.
 *
 * <p>The keys of the test PKI are derived from fixed seeds, so that the CTL and bundle seeds verify
 * in every JVM and the fuzzer starts from inputs that reach the deepest checks.
 */
final class FuzzSeeds {
  /**
   * Per-input limit: a single input that takes longer is a finding (libFuzzer {@code -timeout}).
   */
  static final long INPUT_TIMEOUT_SECONDS = 10;

  /** The fixed clock of every target. */
  static final Instant NOW = Instant.parse("2025-07-01T00:00:00Z");

  /** The package folder of the inputs, relative to a resources root. */
  static final String PACKAGE_DIR = "dev/trustbundle/fuzz";

  private static final Instant THIS_UPDATE = Instant.parse("2025-06-01T12:00:00Z");

  private FuzzSeeds() {}

  /** A test PKI whose keys (RSA-1024, for speed) are the same in every JVM. */
  static TestPki pki() {
    return Pki.PKI;
  }

  private static final class Pki {
    static final TestPki PKI =
        TestPki.builder().fixedKeys(rsa("fuzz-root"), rsa("fuzz-ca"), rsa("fuzz-signer")).build();
  }

  private static KeyPair rsa(String seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed.getBytes(StandardCharsets.US_ASCII));
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(1024, random);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The root of {@link #pki()} as DER; the CTL seeds list it and chain to it. */
  static byte[] rootDer() {
    return CtlBuilder.der(pki().root.cert());
  }

  /** Trust anchors that pin the root of {@link #pki()}. */
  static TrustAnchors anchors() {
    byte[] root = rootDer();
    return new TrustAnchors(
        List.of(new Pin("Fuzz Test Root", Hex.sha256(root), Optional.of(Hex.sha1(root)))),
        List.of());
  }

  /** An anchor source that serves the root of {@link #pki()} by its SHA-1. */
  static AnchorSource anchorSource() {
    byte[] root = rootDer();
    String sha1 = Hex.sha1(root);
    return s -> s.equalsIgnoreCase(sha1) ? Optional.of(root) : Optional.empty();
  }

  // ---------------------------------------------------------------- synthetic files

  /** A signed authroot list of one entry (the test root), as Microsoft's are built. */
  static byte[] authrootStl() {
    return CtlBuilder.authroot(pki(), List.of(pki().root.cert())).thisUpdate(THIS_UPDATE).build();
  }

  /** A list in the CMS OCTET STRING form with every entry attribute and a CT log extension. */
  static byte[] richStl() {
    byte[] root = rootDer();
    CtlBuilder b =
        new CtlBuilder(pki())
            .thisUpdate(THIS_UPDATE)
            .octetStringForm()
            .addEntry(
                CtlBuilder.digest("SHA-1", root),
                CtlBuilder.attr(11, CtlBuilder.utf16z("Fuzz root")),
                CtlBuilder.attr(98, CtlBuilder.digest("SHA-256", root)),
                CtlBuilder.attr(9, CtlBuilder.oidSeq("1.3.6.1.5.5.7.3.1")),
                CtlBuilder.attr(20, new byte[20]),
                CtlBuilder.attr(29, new byte[16]),
                CtlBuilder.attr(83, policies()),
                CtlBuilder.attr(104, CtlBuilder.fileTime(Instant.parse("2030-01-01T00:00:00Z"))),
                CtlBuilder.attr(105, CtlBuilder.oidSeq("1.3.6.1.4.1.311.10.3.4")),
                CtlBuilder.attr(122, CtlBuilder.oidSeq("1.3.6.1.5.5.7.3.3")),
                CtlBuilder.attr(126, new byte[0]),
                CtlBuilder.attr(127, CtlBuilder.oidSeq("1.3.6.1.5.5.7.3.4")),
                CtlBuilder.attr("1.3.6.1.4.1.311.10.11.999", DERNull.INSTANCE))
            .addExtension(Oids.CERT_LOG_LIST_EXT, ctLogs());
    return b.build();
  }

  /** A disallowed list with bare SHA-1 entries. */
  static byte[] disallowedStl() {
    return new CtlBuilder(pki())
        .usage(Oids.DISALLOWED_LIST)
        .listIdentifier("DisallowedCert_AutoUpdate_1")
        .thisUpdate(THIS_UPDATE)
        .addEntry(new byte[20])
        .addEntry(CtlBuilder.digest("SHA-1", new byte[] {1}))
        .build();
  }

  /** An EV policy with a CPS qualifier (attribute 83). */
  private static byte[] policies() {
    return der(
        seq(
            seq(
                new ASN1ObjectIdentifier("2.23.140.1.1"),
                seq(seq(new ASN1ObjectIdentifier("1.3.6.1.5.5.7.2.1"))))));
  }

  /** The CT log extension: a header of integers, then an EC and an RSA public key. */
  private static byte[] ctLogs() {
    ASN1Encodable ec =
        seq(
            seq(
                new ASN1ObjectIdentifier(Oids.EC_PUBLIC_KEY),
                new ASN1ObjectIdentifier(Oids.CURVE_P256)),
            new DERBitString(new byte[] {4, 1, 2, 3}));
    ASN1Encodable rsa =
        SubjectPublicKeyInfo.getInstance(pki().root.cert().getPublicKey().getEncoded());
    return der(seq(seq(new ASN1Integer(1), new ASN1Integer(2)), ec, rsa));
  }

  private static DERSequence seq(ASN1Encodable... items) {
    return new DERSequence(items);
  }

  private static byte[] der(ASN1Encodable o) {
    try {
      return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A cabinet holding {@code stl} as {@code authroot.stl}. */
  static byte[] cab(byte[] stl, int compression, boolean checksums) {
    CabBuilder b = new CabBuilder().compression(compression).add("authroot.stl", stl);
    if (!checksums) {
      b.noChecksums();
    }
    return b.build();
  }

  /** A serialized store with the test root, its SHA-1 and friendly-name properties, and a CRL. */
  static byte[] sst() {
    byte[] root = rootDer();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    out.writeBytes(sstRecord(3, CtlBuilder.digest("SHA-1", root)));
    out.writeBytes(sstRecord(11, CtlBuilder.utf16z("Fuzz root")));
    out.writeBytes(sstRecord(32, root));
    out.writeBytes(sstRecord(33, new byte[] {0x30, 0x00}));
    out.writeBytes(sstRecord(34, new byte[] {0x30, 0x00}));
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }

  private static byte[] sstRecord(int prop, byte[] value) {
    return ByteBuffer.allocate(12 + value.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(prop)
        .putInt(1)
        .putInt(value.length)
        .put(value)
        .array();
  }

  /** Path of the authroot cabinet in {@link #bundleFiles()}. */
  static final String CAB_PATH = "mirror/authrootstl.cab";

  /** Path of the disallowed cabinet in {@link #bundleFiles()}. */
  static final String DISALLOWED_PATH = "mirror/disallowedcertstl.cab";

  /**
   * The files of a tiny bundle, without manifest and signature: the two lists every bundle carries
   * and the one root.
   */
  static SortedMap<String, byte[]> bundleFiles() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put(CAB_PATH, cab(authrootStl(), 0, true));
    files.put(
        DISALLOWED_PATH,
        new CabBuilder().compression(0).add("disallowedcert.stl", disallowedStl()).build());
    files.put(rootPath(), rootDer());
    return files;
  }

  private static String rootPath() {
    return "mirror/" + Hex.sha1(rootDer()) + ".crt";
  }

  /** A manifest that describes {@link #bundleFiles()} exactly; it verifies at {@link #NOW}. */
  static Manifest manifest(String expires, boolean removedRootEntry) {
    SortedMap<String, byte[]> files = bundleFiles();
    byte[] cab = files.get(CAB_PATH);
    byte[] root = files.get(rootPath());
    Manifest.ListInfo list =
        new Manifest.ListInfo(
            "authroot",
            CAB_PATH,
            "14" + Hex.upper(reversedFileTime(THIS_UPDATE)),
            THIS_UPDATE.toString(),
            "Microsoft Certificate Trust List Publisher",
            List.of("Microsoft Certificate Trust List Publisher", "Test Root CA 2010"),
            "Fuzz Test Root",
            true,
            List.of());
    Manifest.FileInfo cabInfo =
        new Manifest.FileInfo(
            CAB_PATH,
            cab.length,
            Hex.sha256(cab),
            "list",
            "http://ctldl.windowsupdate.com/authrootstl.cab",
            "2025-06-30T00:00:00Z",
            "\"1\"",
            null);
    byte[] dis = files.get(DISALLOWED_PATH);
    Manifest.ListInfo disList =
        new Manifest.ListInfo(
            "disallowedcert",
            DISALLOWED_PATH,
            "14" + Hex.upper(reversedFileTime(THIS_UPDATE)),
            THIS_UPDATE.toString(),
            "Microsoft Certificate Trust List Publisher",
            List.of("Microsoft Certificate Trust List Publisher", "Test Root CA 2010"),
            "Fuzz Test Root",
            true,
            List.of());
    Manifest.FileInfo disInfo =
        new Manifest.FileInfo(
            DISALLOWED_PATH,
            dis.length,
            Hex.sha256(dis),
            "list",
            "http://ctldl.windowsupdate.com/disallowedcertstl.cab",
            "2025-06-30T00:00:00Z",
            null,
            null);
    Manifest.FileInfo rootInfo =
        new Manifest.FileInfo(
            rootPath(),
            root.length,
            Hex.sha256(root),
            "root",
            null,
            "2025-06-30T00:00:00Z",
            null,
            "Mon, 30 Jun 2025 00:00:00 GMT");
    return new Manifest(
        Manifest.FORMAT_VERSION,
        "fuzz-0001",
        7,
        "2025-06-30T00:00:00Z",
        expires,
        "trustbundle 0.1.0",
        new Manifest.ProfileRef("windows-ctl", "00".repeat(32)),
        "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/",
        List.of(list, disList),
        List.of(cabInfo, disInfo, rootInfo),
        // A root that left the list, recorded without its file (the previous bundle lacked it).
        removedRootEntry
            ? List.of(
                new Manifest.RemovedRoot(
                    Hex.sha1(new byte[] {1}),
                    "Fuzz root",
                    "2025-06-01T00:00:00Z",
                    "2025-09-01T00:00:00Z"))
            : List.of(),
        List.of("a warning"));
  }

  private static byte[] reversedFileTime(Instant t) {
    byte[] ft = CtlBuilder.fileTime(t);
    byte[] out = new byte[8];
    for (int i = 0; i < 8; i++) {
      out[i] = ft[7 - i];
    }
    return out;
  }

  // ---------------------------------------------------------------- archive inputs

  /** Archive fuzz input mode: the rest of the input is a {@code .tar.gz} read as it is. */
  static final byte ARCHIVE_RAW = 0;

  /** Archive fuzz input mode: the rest is a tar, which the target gzips before reading it. */
  static final byte ARCHIVE_TAR = 1;

  private static byte[] tagged(byte mode, byte[] rest) {
    byte[] out = new byte[rest.length + 1];
    out[0] = mode;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** A small bundle-like archive written by {@link BundleArchive#write}. */
  static byte[] tarGz() {
    SortedMap<String, byte[]> entries = new TreeMap<>();
    entries.put("manifest.json", "{}".getBytes(StandardCharsets.US_ASCII));
    entries.put("manifest.json.p7s", new byte[] {0x30, 0x00});
    entries.put("mirror/authrootseq.txt", "1401DCD1EFA35B4A5B".getBytes(StandardCharsets.US_ASCII));
    // Over 100 characters: written with a PAX header.
    entries.put("crl/" + "c".repeat(110) + ".crl", new byte[] {1, 2, 3});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      BundleArchive.write(entries, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A tar as {@code tar -C dir .} writes it: "./" names and directory entries. */
  static byte[] tarWithDirectories() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
      for (String name : List.of("./", "./mirror/", "./mirror/a.txt")) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setModTime(0); // the same seed bytes on every run
        if (!name.endsWith("/")) {
          e.setSize(body.length);
        }
        tar.putArchiveEntry(e);
        if (!name.endsWith("/")) {
          tar.write(body);
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Gzips {@code data} (the archive target's {@link #ARCHIVE_TAR} mode). */
  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- seed corpora

  /** Every seed, by target inputs folder ({@code <Target>Inputs/<method>}) and file name. */
  static Map<String, Map<String, byte[]>> seeds() {
    Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
    Map<String, byte[]> cab = new LinkedHashMap<>();
    byte[] longText = "0123456789abcdef".repeat(2500).getBytes(StandardCharsets.US_ASCII);
    cab.put("seed-stored", cab("hello".getBytes(StandardCharsets.US_ASCII), 0, false));
    cab.put(
        "seed-mszip-two-blocks",
        new CabBuilder().add("a.txt", longText).add("b.txt", new byte[] {1}).noChecksums().build());
    cab.put(
        "seed-mszip-checksums", cab("checksummed".getBytes(StandardCharsets.US_ASCII), 1, true));
    cab.put(
        "seed-reserve",
        new CabBuilder().compression(0).reserve(4).add("r.bin", new byte[] {7}).build());
    all.put("CabFuzzTestInputs/cabReader", cab);

    Map<String, byte[]> ctl = new LinkedHashMap<>();
    ctl.put("seed-authroot", authrootStl());
    ctl.put("seed-rich-octet-string", richStl());
    ctl.put("seed-disallowed", disallowedStl());
    all.put("CtlFuzzTestInputs/ctlParserAndVerifier", ctl);

    Map<String, byte[]> sst = new LinkedHashMap<>();
    sst.put("seed-store", sst());
    all.put("SstFuzzTestInputs/sstReader", sst);

    Map<String, byte[]> archive = new LinkedHashMap<>();
    byte[] tarGz = tarGz();
    archive.put("seed-targz", tagged(ARCHIVE_RAW, tarGz));
    archive.put("seed-tar", tagged(ARCHIVE_TAR, gunzip(tarGz)));
    archive.put("seed-tar-directories", tagged(ARCHIVE_TAR, tarWithDirectories()));
    all.put("ArchiveFuzzTestInputs/bundleArchive", archive);

    Map<String, byte[]> manifest = new LinkedHashMap<>();
    manifest.put("seed-valid", Json.write(manifest("2025-07-31T00:00:00Z", false)));
    manifest.put("seed-removed-root-expired", Json.write(manifest("2025-06-30T12:00:00Z", true)));
    all.put("ManifestFuzzTestInputs/manifestChecks", manifest);

    Map<String, byte[]> http = new LinkedHashMap<>();
    http.put(
        "seed-content-length",
        ascii(
            "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-cert\r\nETag: \"e\"\r\n"
                + "Content-Length: 5\r\n\r\nhello"));
    http.put(
        "seed-chunked",
        ascii(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;x=y\r\nhello\r\n0\r\nTrailer: 1\r\n\r\n"));
    http.put("seed-close-delimited", ascii("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nbody"));
    http.put(
        "seed-503", ascii("HTTP/1.1 503 Busy\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nbusy"));
    all.put("HttpFuzzTestInputs/responseParser", http);
    return all;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] gunzip(byte[] gz) {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes every seed under {@code args[0]} (default {@code src/test/resources}), replacing the
   * {@code seed-*} files and leaving regression inputs alone.
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources").resolve(PACKAGE_DIR);
    for (Map.Entry<String, Map<String, byte[]>> target : seeds().entrySet()) {
      Path dir = root.resolve(target.getKey());
      Files.createDirectories(dir);
      try (var old = Files.list(dir)) {
        for (Path p : old.filter(p -> p.getFileName().toString().startsWith("seed-")).toList()) {
          Files.delete(p);
        }
      }
      for (Map.Entry<String, byte[]> seed : target.getValue().entrySet()) {
        Files.write(dir.resolve(seed.getKey()), seed.getValue());
        System.out.println(dir.resolve(seed.getKey()) + " (" + seed.getValue().length + " bytes)");
      }
    }
  }
}
