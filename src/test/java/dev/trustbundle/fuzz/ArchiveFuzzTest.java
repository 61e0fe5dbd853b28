package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.error.MalformedInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link BundleArchive#read} with its default limits: an archive either reads or is refused
 * with {@link MalformedInputException}. What reads holds only safe names and writes back to an
 * archive that reads the same.
 *
 * <p>Input format: the first byte chooses how the rest is used. {@value FuzzSeeds#ARCHIVE_RAW}: the
 * rest is the {@code .tar.gz} (fuzzes the gzip layer); any other value: the rest is a tar that is
 * gzipped here first, so that mutations reach the tar reader instead of breaking the CRC.
 */
class ArchiveFuzzTest {
  @FuzzTest
  @Timeout(value = FuzzSeeds.INPUT_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
  void bundleArchive(byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(data, 1, data.length);
    byte[] archive = data[0] == FuzzSeeds.ARCHIVE_RAW ? rest : FuzzSeeds.gzip(rest);
    SortedMap<String, byte[]> entries;
    try {
      entries = BundleArchive.read(new ByteArrayInputStream(archive), BundleArchive.Limits.DEFAULT);
    } catch (MalformedInputException refused) {
      return;
    }
    entries.keySet().forEach(BundleArchive::checkName);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    BundleArchive.write(entries, again);
    SortedMap<String, byte[]> reread =
        BundleArchive.read(
            new ByteArrayInputStream(again.toByteArray()), BundleArchive.Limits.DEFAULT);
    assertThat(reread.keySet()).isEqualTo(entries.keySet());
    for (String name : entries.keySet()) {
      assertThat(reread.get(name)).isEqualTo(entries.get(name));
    }
  }
}
