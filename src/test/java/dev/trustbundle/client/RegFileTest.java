package dev.trustbundle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RegFileTest {
  static final String AU = "SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\AutoUpdate";
  static final String POL = "SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot";

  static byte[] reg(ClientSettings s) {
    return ClientFiles.generate(s).get(ClientFiles.REG);
  }

  @Test
  void writesRootDirUrlAndThePolicyValuesWithTheReferenceNamesAndTypes() {
    byte[] file = reg(ClientSettings.of(new MirrorUrl("http://ctl.example.internal/")));
    List<RegistryValue> values = RegParser.parse(file);
    assertThat(values)
        .containsExactly(
            RegistryValue.string(AU, "RootDirUrl", "http://ctl.example.internal/"),
            RegistryValue.dword(POL, "DisableRootAutoUpdate", 0),
            RegistryValue.dword(POL, "EnableDisallowedCertAutoUpdate", 1));
    assertThat(values.get(0).type()).isEqualTo(RegType.SZ);
    assertThat(values.get(1).type()).isEqualTo(RegType.DWORD);
  }

  @Test
  void isUtf16LittleEndianWithByteOrderMarkAndCrlfAsRegeditWritesIt() {
    byte[] file = reg(ClientSettings.of(new MirrorUrl("http://ctl.example.internal/")));
    assertThat(file[0] & 0xFF).isEqualTo(0xFF);
    assertThat(file[1] & 0xFF).isEqualTo(0xFE);
    String text = new String(file, 2, file.length - 2, StandardCharsets.UTF_16LE);
    assertThat(text)
        .startsWith("Windows Registry Editor Version 5.00\r\n\r\n")
        .contains(
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\AutoUpdate]\r\n"
                + "\"RootDirUrl\"=\"http://ctl.example.internal/\"\r\n\r\n")
        .contains(
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot]\r\n"
                + "\"DisableRootAutoUpdate\"=dword:00000000\r\n"
                + "\"EnableDisallowedCertAutoUpdate\"=dword:00000001\r\n\r\n")
        .endsWith("\r\n\r\n");
    assertThat(text.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void escapesBackslashesOfAFileShareUrl() {
    byte[] file = reg(ClientSettings.of(new MirrorUrl("file://\\\\fs01\\ctl")));
    String text = new String(file, 2, file.length - 2, StandardCharsets.UTF_16LE);
    assertThat(text).contains("\"RootDirUrl\"=\"file://\\\\\\\\fs01\\\\ctl\"\r\n");
    assertThat(RegParser.parse(file).get(0).stringValue()).isEqualTo("file://\\\\fs01\\ctl");
  }

  @Test
  void escapesQuotesAndBackslashesInAnyString() {
    String tricky = "a\"b\\c\\\"d\"";
    byte[] file =
        RegFile.write(List.of(), List.of(RegistryValue.string(AU, "Odd \"name\"", tricky)));
    String text = new String(file, 2, file.length - 2, StandardCharsets.UTF_16LE);
    assertThat(text).contains("\"Odd \\\"name\\\"\"=\"a\\\"b\\\\c\\\\\\\"d\\\"\"\r\n");
    RegistryValue back = RegParser.parse(file).get(0);
    assertThat(back.name()).isEqualTo("Odd \"name\"");
    assertThat(back.stringValue()).isEqualTo(tricky);
  }

  @Test
  void addsFlagsAndSyncIntervalsOnlyWhenAsked() {
    MirrorUrl url = new MirrorUrl("https://server1/CTL");
    assertThat(RegParser.parse(reg(ClientSettings.of(url))))
        .extracting(RegistryValue::name)
        .doesNotContain("Flags", "SyncDeltaTime");
    List<RegistryValue> all =
        RegParser.parse(reg(new ClientSettings(Optional.of(url), true, OptionalInt.of(86400))));
    assertThat(all)
        .containsExactly(
            RegistryValue.string(AU, "RootDirUrl", "https://server1/CTL"),
            RegistryValue.dword(AU, "Flags", 4),
            RegistryValue.dword(AU, "SyncDeltaTime", 86400),
            RegistryValue.dword(AU, "DisallowedCertSyncDeltaTime", 86400),
            RegistryValue.dword(AU, "PinRulesSyncDeltaTime", 86400),
            RegistryValue.dword(POL, "DisableRootAutoUpdate", 0),
            RegistryValue.dword(POL, "EnableDisallowedCertAutoUpdate", 1));
    byte[] file = reg(new ClientSettings(Optional.of(url), true, OptionalInt.of(86400)));
    assertThat(new String(file, 2, file.length - 2, StandardCharsets.UTF_16LE))
        .contains("\"Flags\"=dword:00000004\r\n")
        .contains("\"SyncDeltaTime\"=dword:00015180\r\n");
  }

  @Test
  void refusesWhatRegeditCannotRepresent() {
    assertThatThrownBy(
            () -> RegFile.write(List.of(), List.of(RegistryValue.string(AU, "x", "line\r\nbreak"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RegFile.write(
                    List.of(), List.of(new RegistryValue(AU, "b", RegType.BINARY, new byte[] {1}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BINARY");
    assertThatThrownBy(() -> RegFile.write(List.of("two\nlines"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
