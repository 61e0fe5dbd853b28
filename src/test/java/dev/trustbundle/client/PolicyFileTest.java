package dev.trustbundle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.MalformedInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PolicyFileTest {
  static final String AU = RegFileTest.AU;
  static final String POL = RegFileTest.POL;

  static byte[] generated() {
    return ClientFiles.generate(
            new ClientSettings(
                Optional.of(new MirrorUrl("file://\\\\fs01\\ctl")), true, OptionalInt.of(3600)))
        .get(ClientFiles.POL);
  }

  /** One instruction spelled out byte by byte, as the specification describes it. */
  static byte[] instruction(String key, String value, int type, byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes("[".getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes((key + "\0").getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes(";".getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes((value + "\0").getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes(";".getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes(le(type));
    o.writeBytes(";".getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes(le(data.length));
    o.writeBytes(";".getBytes(StandardCharsets.UTF_16LE));
    o.writeBytes(data);
    o.writeBytes("]".getBytes(StandardCharsets.UTF_16LE));
    return o.toByteArray();
  }

  static byte[] le(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  static byte[] header() {
    return new byte[] {'P', 'R', 'e', 'g', 1, 0, 0, 0};
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  @Test
  void writesTheSpecifiedLayoutByteForByte() {
    byte[] expected =
        concat(
            header(),
            instruction(
                AU, "RootDirUrl", 1, "file://\\\\fs01\\ctl\0".getBytes(StandardCharsets.UTF_16LE)),
            instruction(AU, "Flags", 4, new byte[] {4, 0, 0, 0}),
            instruction(AU, "SyncDeltaTime", 4, le(3600)),
            instruction(AU, "DisallowedCertSyncDeltaTime", 4, le(3600)),
            instruction(AU, "PinRulesSyncDeltaTime", 4, le(3600)),
            instruction(POL, "DisableRootAutoUpdate", 4, le(0)),
            instruction(POL, "EnableDisallowedCertAutoUpdate", 4, le(1)));
    assertThat(generated()).isEqualTo(expected);
  }

  @Test
  void readsBackEveryEntryItWrote() {
    List<RegistryValue> back = PolicyFile.read("Registry.pol", generated());
    assertThat(back).hasSize(7);
    assertThat(back.get(0).key()).isEqualTo(AU);
    assertThat(back.get(0).name()).isEqualTo("RootDirUrl");
    assertThat(back.get(0).type()).isEqualTo(RegType.SZ);
    assertThat(back.get(0).stringValue()).isEqualTo("file://\\\\fs01\\ctl");
    assertThat(back.get(1).name()).isEqualTo("Flags");
    assertThat(back.get(1).dwordValue()).isEqualTo(4);
    assertThat(back.subList(2, 5))
        .extracting(RegistryValue::name)
        .containsExactly("SyncDeltaTime", "DisallowedCertSyncDeltaTime", "PinRulesSyncDeltaTime");
    assertThat(back.subList(2, 5)).allSatisfy(v -> assertThat(v.dwordValue()).isEqualTo(3600));
    assertThat(back.get(5)).isEqualTo(RegistryValue.dword(POL, "DisableRootAutoUpdate", 0));
    assertThat(back.get(6))
        .isEqualTo(RegistryValue.dword(POL, "EnableDisallowedCertAutoUpdate", 1));
    // The same values as the .reg file, in the same order.
    byte[] reg =
        ClientFiles.generate(
                new ClientSettings(
                    Optional.of(new MirrorUrl("file://\\\\fs01\\ctl")), true, OptionalInt.of(3600)))
            .get(ClientFiles.REG);
    assertThat(back).isEqualTo(RegParser.parse(reg));
  }

  @Test
  void roundTripsEveryTypeTheSpecificationAllows() {
    List<RegistryValue> values =
        List.of(
            RegistryValue.string("Software\\Policies\\X", "s", "text"),
            new RegistryValue(
                "Software\\Policies\\X",
                "e",
                RegType.EXPAND_SZ,
                "%SystemRoot%\0".getBytes(StandardCharsets.UTF_16LE)),
            new RegistryValue("Software\\Policies\\X", "b", RegType.BINARY, new byte[] {0, 1, 2}),
            new RegistryValue("Software\\Policies\\X", "empty", RegType.BINARY, new byte[0]),
            RegistryValue.dword("Software\\Policies\\X", "d", -1),
            new RegistryValue(
                "Software\\Policies\\X", "be", RegType.DWORD_BIG_ENDIAN, new byte[] {0, 0, 0, 1}),
            new RegistryValue(
                "Software\\Policies\\X",
                "m",
                RegType.MULTI_SZ,
                "a\0b\0\0".getBytes(StandardCharsets.UTF_16LE)),
            new RegistryValue("Software\\Policies\\X", "q", RegType.QWORD, new byte[8]),
            RegistryValue.string("Software\\Policies\\X", "**del.Old;Value", ""));
    assertThat(PolicyFile.read("x.pol", PolicyFile.write(values))).isEqualTo(values);
    assertThat(values.get(4).dwordValue()).isEqualTo(0xFFFFFFFFL);
  }

  @Test
  void acceptsAHeaderWithoutInstructions() {
    assertThat(PolicyFile.read("empty.pol", header())).isEmpty();
  }

  @Test
  void rejectsEveryTruncation() {
    byte[] full = generated();
    List<RegistryValue> values = PolicyFile.read("full.pol", full);
    // A cut between two instructions leaves a shorter valid file (the format has no count).
    java.util.Set<Integer> boundaries = new java.util.HashSet<>();
    for (int k = 0; k <= values.size(); k++) {
      boundaries.add(PolicyFile.write(values.subList(0, k)).length);
    }
    assertThat(boundaries).contains(8, full.length);
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      if (boundaries.contains(n)) {
        assertThat(PolicyFile.read("cut.pol", cut))
            .isEqualTo(values.subList(0, indexOf(values, n)));
        continue;
      }
      assertThatThrownBy(() -> PolicyFile.read("cut.pol", cut))
          .as("cut at %d", n)
          .isInstanceOf(MalformedInputException.class)
          .hasMessageStartingWith("cut.pol");
    }
  }

  @Test
  void rejectsGarbledFilesNamingWhatAndWhere() {
    byte[] good =
        concat(header(), instruction(AU, "Flags", 4, le(4)), instruction(POL, "X", 4, le(1)));
    assertThat(PolicyFile.read("ok.pol", good)).hasSize(2);

    expectBad(concat("PRef".getBytes(StandardCharsets.US_ASCII), le(1)), "no PReg signature");
    expectBad(concat("PReg".getBytes(StandardCharsets.US_ASCII), le(2)), "version 2");
    // A missing opening bracket, then one that is not a bracket at all.
    expectBad(concat(header(), new byte[] {'(', 0}), "expected '['");
    // Trailing garbage after the last instruction.
    expectBad(concat(good, new byte[] {0, 0}), "expected '['");
    // Unknown type (REG_NONE, REG_LINK), sizes that do not fit the type.
    expectBad(concat(header(), instruction(AU, "v", 0, new byte[0])), "unknown type 0");
    expectBad(concat(header(), instruction(AU, "v", 6, new byte[0])), "unknown type 6");
    expectBad(concat(header(), instruction(AU, "v", 4, new byte[3])), "needs 4 bytes");
    expectBad(concat(header(), instruction(AU, "v", 11, new byte[4])), "needs 8 bytes");
    expectBad(
        concat(header(), instruction(AU, "v", 1, "abc".getBytes(StandardCharsets.UTF_16LE))),
        "not NUL-terminated");
    expectBad(concat(header(), instruction(AU, "v", 1, new byte[] {'a', 0, 0})), "even number");
    expectBad(
        concat(header(), instruction(AU, "v", 1, "a\0b\0".getBytes(StandardCharsets.UTF_16LE))),
        "NUL before its end");
    // Keys and names outside the grammar.
    expectBad(concat(header(), instruction("A\\\\B", "v", 4, le(0))), "not a valid key path");
    expectBad(concat(header(), instruction("\\A", "v", 4, le(0))), "not a valid key path");
    expectBad(concat(header(), instruction("A\u00e9", "v", 4, le(0))), "not a valid key path");
    expectBad(concat(header(), instruction(AU, "", 4, le(0))), "value name \"\" is not valid");
    expectBad(concat(header(), instruction(AU, "x".repeat(260), 4, le(0))), "longer than 259");
    // A size that claims more than the file holds, and one over the format's limit.
    byte[] lying = concat(header(), instruction(AU, "v", 3, new byte[4]));
    int sizeAt = lying.length - 2 - 4 - 2 - 4;
    lying[sizeAt] = 40;
    expectBad(lying, "truncated");
    byte[] huge = concat(header(), instruction(AU, "v", 3, new byte[4]));
    System.arraycopy(le(70000), 0, huge, sizeAt, 4);
    expectBad(huge, "over 65535");
    // A key without its terminator runs to the end of the file.
    expectBad(
        concat(header(), "[".getBytes(StandardCharsets.UTF_16LE), "AAAA".getBytes()), "truncated");
  }

  @Test
  void boundsFileSizeAndEntryCount() {
    assertThatThrownBy(() -> PolicyFile.read("big.pol", new byte[PolicyFile.MAX_FILE + 1]))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("more than");
    byte[] one = instruction("K", "v", 3, new byte[0]);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(header());
    for (int i = 0; i <= PolicyFile.MAX_ENTRIES; i++) {
      o.writeBytes(one);
    }
    assertThatThrownBy(() -> PolicyFile.read("many.pol", o.toByteArray()))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("more than 10000 entries");
    String longKey = "K".repeat(40000);
    assertThatThrownBy(
            () ->
                PolicyFile.read(
                    "key.pol", concat(header(), instruction(longKey, "v", 3, new byte[0]))))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageContaining("longer than 32767");
  }

  static int indexOf(List<RegistryValue> values, int length) {
    for (int k = 0; k <= values.size(); k++) {
      if (PolicyFile.write(values.subList(0, k)).length == length) {
        return k;
      }
    }
    throw new AssertionError(length);
  }

  static void expectBad(byte[] file, String message) {
    assertThatThrownBy(() -> PolicyFile.read("bad.pol", file))
        .isInstanceOf(MalformedInputException.class)
        .hasMessageStartingWith("bad.pol")
        .hasMessageContaining(message);
  }
}
