package dev.trustbundle.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleArchiveTest {
  static byte[] tar(String name, byte type, byte[] body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e = new TarArchiveEntry(name, type, true);
      if (type == TarArchiveEntry.LF_SYMLINK || type == TarArchiveEntry.LF_LINK) {
        e.setLinkName("/etc/passwd");
      } else {
        e.setSize(body.length);
      }
      t.putArchiveEntry(e);
      if (type != TarArchiveEntry.LF_SYMLINK && type != TarArchiveEntry.LF_LINK) {
        t.write(body);
      }
      t.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  static SortedMap<String, byte[]> read(byte[] b, BundleArchive.Limits l) {
    return BundleArchive.read(new ByteArrayInputStream(b), l);
  }

  @Test
  void writesReproducibleSortedArchivesThatReadBack() throws Exception {
    SortedMap<String, byte[]> m = new TreeMap<>();
    m.put("mirror/b.crt", new byte[] {2});
    m.put("manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
    m.put("mirror/a.crt", new byte[] {1});
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    BundleArchive.write(m, a);
    BundleArchive.write(new TreeMap<>(m), b);
    assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
    SortedMap<String, byte[]> back = read(a.toByteArray(), BundleArchive.Limits.DEFAULT);
    assertThat(back.keySet()).containsExactly("manifest.json", "mirror/a.crt", "mirror/b.crt");
  }

  @Test
  void acceptsDotSlashPrefixesFromTarC() throws Exception {
    byte[] t = tar("./mirror/x.crt", TarArchiveEntry.LF_NORMAL, new byte[] {7});
    assertThat(read(t, BundleArchive.Limits.DEFAULT)).containsOnlyKeys("mirror/x.crt");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../evil",
        "mirror/../../evil",
        "/etc/passwd",
        "mirror/./x",
        "C:/x",
        "a\\b",
        "mirror//x"
      })
  void refusesTraversalNames(String name) throws Exception {
    byte[] t = tar(name, TarArchiveEntry.LF_NORMAL, new byte[] {1});
    assertThatThrownBy(() -> read(t, BundleArchive.Limits.DEFAULT))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("unsafe name");
  }

  @Test
  void refusesFileEntriesNamedLikeFolders() throws Exception {
    // Found by ArchiveFuzzTest: a regular file "x/" read back as a file that cannot be extracted.
    byte[] t = tar("mirror/x.crt/", TarArchiveEntry.LF_NORMAL, new byte[0]);
    assertThatThrownBy(() -> read(t, BundleArchive.Limits.DEFAULT))
        .isInstanceOf(MalformedInputException.class)
        .hasMessage("unsafe name \"mirror/x.crt/\" in the archive; refused");
  }

  @Test
  void refusesLinksAndDevices() throws Exception {
    for (byte type :
        new byte[] {TarArchiveEntry.LF_SYMLINK, TarArchiveEntry.LF_LINK, TarArchiveEntry.LF_CHR}) {
      byte[] t = tar("mirror/x.crt", type, new byte[0]);
      assertThatThrownBy(() -> read(t, BundleArchive.Limits.DEFAULT))
          .isInstanceOf(MalformedInputException.class)
          .hasMessageContaining("link or device");
    }
  }

  @Test
  void refusesBombsAndGarbageEarly() throws Exception {
    byte[] big = tar("mirror/x", TarArchiveEntry.LF_NORMAL, new byte[4096]);
    assertThatThrownBy(() -> read(big, new BundleArchive.Limits(10, 1000, 10_000)))
        .hasMessageContaining("over the limit");
    assertThatThrownBy(() -> read(big, new BundleArchive.Limits(10, 10_000, 1000)))
        .hasMessageContaining("expands to more than");
    assertThatThrownBy(() -> read("not gzip".getBytes(), BundleArchive.Limits.DEFAULT))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("not a .tar.gz");
    byte[] cut = java.util.Arrays.copyOf(big, big.length / 2);
    assertThatThrownBy(() -> read(cut, BundleArchive.Limits.DEFAULT))
        .isInstanceOf(MalformedInputException.class);
  }

  @Test
  void signsManifestsAndDetectsTampering() {
    for (Keys.Algorithm alg : Keys.Algorithm.values()) {
      SigningKey k =
          Keys.generate(alg, "CN=P", Instant.parse("2025-01-01T00:00:00Z"), Duration.ofDays(10));
      byte[] manifest = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
      byte[] sig = ManifestSignature.sign(manifest, k);
      ManifestSignature.verify(manifest, sig, k.certificate());
      byte[] altered = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> ManifestSignature.verify(altered, sig, k.certificate()))
          .isInstanceOf(VerificationException.class);
      SigningKey other =
          Keys.generate(alg, "CN=Q", Instant.parse("2025-01-01T00:00:00Z"), Duration.ofDays(10));
      assertThatThrownBy(() -> ManifestSignature.verify(manifest, sig, other.certificate()))
          .isInstanceOf(VerificationException.class);
    }
  }

  @Test
  void pkcs12RoundTripsAndRejectsWrongPassphrase() {
    SigningKey k =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=P",
            Instant.parse("2025-01-01T00:00:00Z"),
            Duration.ofDays(10));
    byte[] p12 = Keys.toPkcs12(k, "right".toCharArray());
    assertThat(Keys.fromPkcs12(p12, "right".toCharArray(), null, "p12").certificate())
        .isEqualTo(k.certificate());
    assertThatThrownBy(() -> Keys.fromPkcs12(p12, "wrong".toCharArray(), null, "p12"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("wrong passphrase");
  }

  @Test
  void mapsCrlUrlsToSafePaths() {
    assertThat(BundleBuilder.crlPath("http://crl3.digicert.com/DigiCertGlobalRootG2.crl"))
        .isEqualTo("crl/crl3.digicert.com/DigiCertGlobalRootG2.crl");
    assertThat(BundleBuilder.crlPath("http://h.test/a/../../b%20c.crl")).doesNotContain("..");
    BundleArchive.checkName(BundleBuilder.crlPath("http://h.test/a/../../b%20c.crl"));
    assertThatThrownBy(() -> BundleBuilder.crlPath("http://h.test/b c.crl"))
        .isInstanceOf(VerificationException.class);
  }

  /** One raw ustar header block for a regular file (or {@code type}) with this name field. */
  static byte[] header(String name, char type, int size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : h) {
      sum += x & 0xFF;
    }
    octal(h, 148, 7, sum);
    return h;
  }

  private static void octal(byte[] h, int off, int width, long v) {
    String s = String.format("%0" + (width - 1) + "o", v);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, width - 1);
  }

  /** A file entry whose PAX path is {@code pax} and whose ustar name field is {@code ustar}. */
  static byte[] paxEntry(String pax, String ustar, byte[] body) {
    String rec = " path=" + pax + "\n";
    int len = rec.length() + 2;
    len = rec.length() + String.valueOf(len).length();
    byte[] paxBody = (len + rec).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    t.writeBytes(header("PaxHeaders/x", 'x', paxBody.length));
    t.writeBytes(java.util.Arrays.copyOf(paxBody, (paxBody.length + 511) / 512 * 512));
    t.writeBytes(header(ustar, '0', body.length));
    t.writeBytes(java.util.Arrays.copyOf(body, (body.length + 511) / 512 * 512));
    return t.toByteArray();
  }

  static byte[] gzip(byte[] tar) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream g = new GzipCompressorOutputStream(out)) {
      g.write(tar);
    }
    return out.toByteArray();
  }

  static byte[] withEnd(byte[] entries) {
    byte[] all = java.util.Arrays.copyOf(entries, entries.length + 1024);
    return all;
  }

  @Test
  void refusesAPaxPathThatHidesAnotherUstarName() throws Exception {
    for (String ustar : new String[] {"../evil.crt", "/etc/cron.d/evil", "mirror/other.crt"}) {
      byte[] t = gzip(withEnd(paxEntry("mirror/ok.crt", ustar, new byte[] {1})));
      assertThatThrownBy(() -> read(t, BundleArchive.Limits.DEFAULT))
          .as(ustar)
          .isInstanceOf(MalformedInputException.class)
          .hasMessageContaining("disagrees with its PAX or long name");
    }
    // The same PAX path over its own name, or over the first 100 bytes of a long name, agrees.
    byte[] same = gzip(withEnd(paxEntry("mirror/ok.crt", "mirror/ok.crt", new byte[] {1})));
    assertThat(read(same, BundleArchive.Limits.DEFAULT)).containsOnlyKeys("mirror/ok.crt");
    String longName = "crl/example.org/" + "a".repeat(150) + ".crl";
    byte[] cut = gzip(withEnd(paxEntry(longName, longName.substring(0, 100), new byte[] {1})));
    assertThat(read(cut, BundleArchive.Limits.DEFAULT)).containsOnlyKeys(longName);
  }

  @Test
  void longNamesThisWriterPutsInPaxHeadersReadBack() throws Exception {
    SortedMap<String, byte[]> m = new TreeMap<>();
    String longName = "crl/example.org/" + "b".repeat(200) + ".crl";
    m.put(longName, new byte[] {3});
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    BundleArchive.write(m, a);
    assertThat(read(a.toByteArray(), BundleArchive.Limits.DEFAULT)).containsOnlyKeys(longName);
  }

  /** A gzip member header with flags {@code flg} and the fields after it, then the member. */
  static byte[] withHeaderFields(byte[] member, int flg, byte[] fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(member, 0, 3);
    out.write(flg);
    out.write(member, 4, 6);
    out.writeBytes(fields);
    out.write(member, 10, member.length - 10);
    return out.toByteArray();
  }

  @Test
  void refusesGzipHeaderFieldsOverTheBoundAndAcceptsShortOnes() throws Exception {
    byte[] good = tar("mirror/x.crt", TarArchiveEntry.LF_NORMAL, new byte[] {7});
    assertThat(good[3]).isZero();
    byte[] longName = new byte[BundleArchive.HEADER_FIELD_LIMIT + 1];
    java.util.Arrays.fill(longName, (byte) 'n');
    byte[] fname = java.util.Arrays.copyOf(longName, longName.length + 1);
    for (int flg : new int[] {0x08, 0x10}) {
      byte[] b = withHeaderFields(good, flg, fname);
      assertThatThrownBy(() -> read(b, BundleArchive.Limits.DEFAULT))
          .isInstanceOf(MalformedInputException.class)
          .hasMessageContaining("longer than 1024 bytes");
    }
    byte[] extra = new byte[2 + 2000];
    extra[0] = (byte) (2000 & 0xFF);
    extra[1] = (byte) (2000 >> 8);
    assertThatThrownBy(
            () -> read(withHeaderFields(good, 0x04, extra), BundleArchive.Limits.DEFAULT))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("FEXTRA is 2000 bytes");
    // What gzip(1) writes: a short FNAME.
    byte[] named = withHeaderFields(good, 0x08, "bundle.tar\0".getBytes(StandardCharsets.US_ASCII));
    assertThat(read(named, BundleArchive.Limits.DEFAULT)).containsOnlyKeys("mirror/x.crt");
    // A name that never ends is cut off at the bound, not read to the end of the stream.
    byte[] endless = withHeaderFields(good, 0x08, new byte[64 << 10]);
    java.util.Arrays.fill(endless, 10, 10 + (64 << 10), (byte) 'x');
    assertThatThrownBy(() -> read(endless, BundleArchive.Limits.DEFAULT))
        .hasMessageContaining("FNAME is longer than");
  }

  @Test
  void refusesASecondGzipMemberOrJunkAfterTheFirst() throws Exception {
    byte[] good = tar("mirror/x.crt", TarArchiveEntry.LF_NORMAL, new byte[] {7});
    byte[] two = java.util.Arrays.copyOf(good, good.length * 2);
    System.arraycopy(good, 0, two, good.length, good.length);
    assertThatThrownBy(() -> read(two, BundleArchive.Limits.DEFAULT))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("after its end");
  }
}
