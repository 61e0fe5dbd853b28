package dev.trustbundle.cab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CabReaderTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    Random r = new Random(seed);
    // Half random, half repetitive, so that MSZIP both compresses and uses its history.
    for (int i = 0; i < n; i++) {
      b[i] = i % 3 == 0 ? (byte) r.nextInt() : (byte) (i / 7);
    }
    return b;
  }

  private static void putU16(byte[] cab, int pos, int v) {
    ByteBuffer.wrap(cab).order(ByteOrder.LITTLE_ENDIAN).putShort(pos, (short) v);
  }

  private static void putU32(byte[] cab, int pos, long v) {
    ByteBuffer.wrap(cab).order(ByteOrder.LITTLE_ENDIAN).putInt(pos, (int) v);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2019-10-29", "2025-01-28", "2025-05-14", "2025-06-16"})
  void extractsByteIdenticalAuthrootFromRealCabinets(String date) {
    byte[] cab = Fixtures.read(Fixtures.ctl("authrootstl-" + date + ".cab"));
    byte[] stl = Fixtures.read(Fixtures.ctl("authroot-" + date + ".stl"));
    Cabinet c = CabReader.read(cab);
    assertThat(c.compression()).containsExactly(CompressionType.MSZIP);
    assertThat(c.entries()).hasSize(1);
    assertThat(c.entry("AUTHROOT.STL")).isPresent();
    assertThat(c.entries().get(0).name()).isEqualTo("authroot.stl");
    assertThat(c.entries().get(0).data()).isEqualTo(stl);
  }

  @Test
  void readsMultiBlockMultiFileMszipCabinet() {
    byte[] a = random(100_000, 1);
    byte[] b = random(5, 2);
    byte[] cab = new CabBuilder().add("a.bin", a).add("b.bin", b).build();
    Cabinet c = CabReader.read(cab);
    assertThat(c.entries()).extracting(CabEntry::name).containsExactly("a.bin", "b.bin");
    assertThat(c.entries().get(0).data()).isEqualTo(a);
    assertThat(c.entries().get(1).data()).isEqualTo(b);
    assertThat(c.entries().get(0).modified()).isPresent();
    assertThat(c.entries().get(0).modified().get().getYear()).isEqualTo(2025);
  }

  @Test
  void readsUncompressedCabinetWithReserveArea() {
    byte[] a = random(70_000, 3);
    byte[] cab = new CabBuilder().add("x.stl", a).compression(0).reserve(20).build();
    Cabinet c = CabReader.read(cab);
    assertThat(c.compression()).containsExactly(CompressionType.NONE);
    assertThat(c.entries().get(0).data()).isEqualTo(a);
  }

  @Test
  void acceptsBlocksWithoutChecksum() {
    byte[] a = random(40_000, 4);
    byte[] cab = new CabBuilder().add("x", a).noChecksums().build();
    assertThat(CabReader.read(cab).entries().get(0).data()).isEqualTo(a);
  }

  @Test
  void checksumFollowsMsCabForLeftoverBytes() {
    byte[] d = {1, 2, 3, 4, 5, 6, 7};
    // words: 0x04030201; leftover 5,6,7 -> 0x050607 (first byte highest)
    assertThat(CabReader.checksum(d, 0, 7, 0)).isEqualTo(0x04030201L ^ 0x050607L);
  }

  @Test
  void rejectsCabWithBadChecksum() {
    byte[] cab = new CabBuilder().add("x", random(1000, 5)).build();
    cab[cab.length - 3] ^= 0x40;
    assertThatThrownBy(() -> CabReader.read(cab))
        .isInstanceOf(CabFormatException.class)
        .hasMessageContaining("checksum")
        .hasMessageContaining("CFDATA block 0 of folder 0");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void refusesQuantumAndLzxNamingTheCompression(int type) {
    byte[] cab = new CabBuilder().add("x", random(100, 6)).compression(type).build();
    assertThatThrownBy(() -> CabReader.read(cab))
        .isInstanceOf(CabFormatException.class)
        .hasMessageContaining(type == 2 ? "Quantum" : "LZX")
        .hasMessageContaining("only uncompressed and MSZIP");
  }

  @Test
  void rejectsTruncatedCabinet() {
    byte[] cab = new CabBuilder().add("x", random(1000, 7)).build();
    byte[] cut = java.util.Arrays.copyOf(cab, cab.length - 10);
    assertThatThrownBy(() -> CabReader.read(cut))
        .isInstanceOf(CabFormatException.class)
        .hasMessageStartingWith("truncated");
  }

  @Test
  void rejectsTrailingData() {
    byte[] cab = new CabBuilder().add("x", random(10, 8)).build();
    byte[] longer = java.util.Arrays.copyOf(cab, cab.length + 4);
    assertThatThrownBy(() -> CabReader.read(longer)).hasMessageContaining("after the end");
  }

  @Test
  void rejectsNonCabinet() {
    assertThatThrownBy(() -> CabReader.read("hello, this is not a cabinet at all!!".getBytes()))
        .isInstanceOf(CabFormatException.class)
        .hasMessageContaining("MSCF");
  }

  @Test
  void rejectsFileOutsideItsFolder() {
    byte[] cab = new CabBuilder().add("x", random(100, 9)).build();
    putU32(cab, 44, 1_000); // cbFile of CFFILE 0
    assertThatThrownBy(() -> CabReader.read(cab))
        .isInstanceOf(CabFormatException.class)
        .hasMessageContaining("holds only 100 bytes");
  }

  @Test
  void rejectsOverlappingFiles() {
    byte[] cab = new CabBuilder().add("a", random(100, 10)).add("b", random(100, 11)).build();
    int second = 44 + 16 + 2; // CFFILE 1 starts after CFFILE 0 and its name "a\0"
    putU32(cab, second + 4, 50); // uoffFolderStart of b inside a
    assertThatThrownBy(() -> CabReader.read(cab)).hasMessageContaining("overlaps");
  }

  @Test
  void rejectsDeclaredSizesAboveTheLimit() {
    byte[] cab = new CabBuilder().add("x", random(100, 12)).build();
    putU32(cab, 44, 0x7FFF_FFFFL);
    assertThatThrownBy(() -> CabReader.read(cab))
        .isInstanceOf(CabFormatException.class)
        .hasMessageContaining("above the limit");
  }

  @Test
  void rejectsExpansionBeyondTheLimit() {
    byte[] cab = new CabBuilder().add("x", new byte[200_000]).build();
    CabLimits small = new CabLimits(100_000, 10, 10, 100);
    assertThatThrownBy(() -> CabReader.read(cab, small)).hasMessageContaining("limit");
  }

  @Test
  void rejectsTooManyFilesAndBlocks() {
    CabBuilder b = new CabBuilder();
    for (int i = 0; i < 5; i++) {
      b.add("f" + i, new byte[1]);
    }
    byte[] many = b.build();
    assertThatThrownBy(() -> CabReader.read(many, new CabLimits(1 << 20, 4, 4, 100)))
        .hasMessageContaining("cFiles is 5");
    byte[] blocks = new CabBuilder().add("x", random(200_000, 13)).build();
    assertThatThrownBy(() -> CabReader.read(blocks, new CabLimits(1 << 20, 4, 4, 3)))
        .hasMessageContaining("data blocks");
  }

  @Test
  void refusesMultiCabinetSets() {
    byte[] cab = new CabBuilder().add("x", random(10, 14)).build();
    putU16(cab, 30, 0x0002);
    assertThatThrownBy(() -> CabReader.read(cab)).hasMessageContaining("multi-cabinet");
  }

  @Test
  void rejectsBlockWithoutCkSignature() {
    byte[] cab = new CabBuilder().add("x", random(300, 15)).noChecksums().build();
    int block = cab.length - (cab.length - (44 + 16 + 2)) + 8; // data of block 0
    cab[block] = 'X';
    assertThatThrownBy(() -> CabReader.read(cab)).hasMessageContaining("\"CK\"");
  }

  @Test
  void survivesEveryTruncationAndBitFlipWithOnlyCabFormatException() {
    byte[] cab = new CabBuilder().add("a", random(3_000, 16)).add("b", random(40_000, 17)).build();
    for (int len = 0; len < cab.length; len += 7) {
      byte[] cut = java.util.Arrays.copyOf(cab, len);
      assertThatThrownBy(() -> CabReader.read(cut)).isInstanceOf(CabFormatException.class);
    }
    Random r = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] flipped = cab.clone();
      int pos = i < 120 ? i : r.nextInt(cab.length);
      flipped[pos] ^= (byte) (1 << r.nextInt(8));
      try {
        CabReader.read(flipped);
      } catch (CabFormatException expected) {
        assertThat(expected.getMessage()).isNotBlank().doesNotContain("\n");
      }
    }
  }

  @Test
  void roundTripsCabinetsWrittenByGcab(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcab")), "gcab is not installed: test skipped");
    byte[] a = random(90_000, 18);
    byte[] b = random(1234, 19);
    Files.write(dir.resolve("authroot.stl"), a);
    Files.write(dir.resolve("second.bin"), b);
    Process p =
        new ProcessBuilder("gcab", "-c", "-z", "out.cab", "authroot.stl", "second.bin")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    Cabinet c = CabReader.read(Files.readAllBytes(dir.resolve("out.cab")));
    assertThat(c.entry("authroot.stl").orElseThrow().data()).isEqualTo(a);
    assertThat(c.entry("second.bin").orElseThrow().data()).isEqualTo(b);
  }
}
