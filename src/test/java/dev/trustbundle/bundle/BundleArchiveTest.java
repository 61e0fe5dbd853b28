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
}
