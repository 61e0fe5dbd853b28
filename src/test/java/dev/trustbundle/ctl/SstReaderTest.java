package dev.trustbundle.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.testing.CtlBuilder;
import dev.trustbundle.testing.Fixtures;
import dev.trustbundle.testing.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SstReaderTest {
  static byte[] record(int prop, byte[] value) {
    return ByteBuffer.allocate(12 + value.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(prop)
        .putInt(1)
        .putInt(value.length)
        .put(value)
        .array();
  }

  static byte[] store(byte[]... records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    for (byte[] r : records) {
      out.writeBytes(r);
    }
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }

  @Test
  void readsAllSeventyOneCertificatesOfTheRealStore() {
    List<SstElement> els = SstReader.read(Fixtures.read(Fixtures.ctl("disallowedcert-2018.sst")));
    assertThat(els).hasSize(71);
    assertThat(els).allMatch(e -> e.type() == SstElement.Type.CERTIFICATE);
    assertThat(els).allMatch(e -> e.properties().containsKey(3));
    assertThat(els).allMatch(e -> e.problem().isEmpty());
  }

  @Test
  void reportsMalformedCertificatePerRecordAndReadsTheRest() {
    byte[] good = CtlBuilder.der(TestPki.standard().root.cert());
    byte[] bad = {0x30, 0x03, 0x02, 0x01, 0x01};
    List<SstElement> els =
        SstReader.read(
            store(
                record(3, CtlBuilder.digest("SHA-1", bad)),
                record(32, bad),
                record(3, CtlBuilder.digest("SHA-1", good)),
                record(32, good)));
    assertThat(els).hasSize(2);
    assertThat(els.get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("not a valid"));
    assertThat(els.get(1).problem()).isEmpty();
    assertThat(els.get(1).certificate()).isPresent();
  }

  @Test
  void reportsShaPropertyThatDoesNotMatch() {
    byte[] good = CtlBuilder.der(TestPki.standard().root.cert());
    List<SstElement> els = SstReader.read(store(record(3, new byte[20]), record(32, good)));
    assertThat(els.get(0).problem()).hasValueSatisfying(p -> assertThat(p).contains("SHA-1"));
  }

  @Test
  void rejectsTruncatedStoresAndMissingEnd() {
    byte[] s = store(record(32, new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> SstReader.read(Arrays.copyOf(s, s.length - 12)))
        .isInstanceOf(CtlFormatException.class)
        .hasMessageContaining("no end record");
    assertThatThrownBy(() -> SstReader.read(Arrays.copyOf(s, 20)))
        .isInstanceOf(CtlFormatException.class)
        .hasMessageStartingWith("truncated");
    byte[] huge = store(record(32, new byte[] {1}));
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFFFFF0);
    assertThatThrownBy(() -> SstReader.read(huge)).hasMessageContaining("declares");
    assertThatThrownBy(() -> SstReader.read("not a store".getBytes()))
        .hasMessageContaining("not a serialized certificate store");
  }
}
