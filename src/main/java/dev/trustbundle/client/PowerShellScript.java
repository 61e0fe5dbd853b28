package dev.trustbundle.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code Set-TrustBundleMirror.ps1}: sets the client's registry values, imports the bundle's extra
 * certificates, forces a resync and reports; {@code -WhatIf} and {@code -Undo}. The script is a
 * resource next to this class; generation only fills in the mirror URL and the options chosen, so
 * the text is ASCII with CRLF line ends as Windows PowerShell expects.
 */
public final class PowerShellScript {
  private PowerShellScript() {}

  /** The script's file name. */
  public static final String FILE_NAME = "Set-TrustBundleMirror.ps1";

  /** The script's bytes for these settings (without a URL, {@code -MirrorUrl} is required). */
  public static byte[] generate(ClientSettings s) {
    String text = template();
    String mirrorHelp;
    String parameter;
    String defaultValue;
    if (s.url().isPresent()) {
      String url = s.url().get().value();
      mirrorHelp = "Default: " + url + " (set when this file was generated).";
      parameter = "[Parameter(ParameterSetName = 'Set')]";
      defaultValue = " = " + singleQuoted(url);
    } else {
      mirrorHelp = "Required: this copy was generated without a mirror URL.";
      parameter = "[Parameter(ParameterSetName = 'Set', Mandatory = $true)]";
      defaultValue = "";
    }
    Map<String, String> fill =
        Map.of(
            "@@MIRROR_URL_HELP@@",
            mirrorHelp,
            "@@MIRROR_URL_PARAMETER@@",
            parameter,
            "@@MIRROR_URL_DEFAULT@@",
            defaultValue,
            "@@NO_QUERY_STRING_HELP@@",
            s.noQueryString()
                ? "This copy was generated with --no-query-string: it sets Flags = 0x4"
                    + " without the switch."
                : "",
            "@@SYNC_INTERVAL_HELP@@",
            s.syncIntervalSeconds().isPresent()
                ? "This copy was generated with --sync-interval "
                    + s.syncIntervalSeconds().getAsInt()
                    + ": that is the default."
                : "",
            "@@GENERATED_NO_QUERY_STRING@@",
            s.noQueryString() ? "$true" : "$false",
            "@@GENERATED_SYNC_INTERVAL@@",
            String.valueOf(s.syncIntervalSeconds().orElse(0)));
    for (Map.Entry<String, String> e : fill.entrySet()) {
      if (!text.contains(e.getKey())) {
        throw new IllegalStateException("the script template lacks " + e.getKey());
      }
      text = text.replace(e.getKey(), e.getValue());
    }
    if (text.contains("@@")) {
      throw new IllegalStateException("the script template has an unknown placeholder");
    }
    // Trailing blanks left by empty fills; CRLF for Windows.
    text = text.replaceAll("[ \\t]+\\n", "\n").replace("\n", "\r\n");
    if (!text.chars().allMatch(c -> c == '\r' || c == '\n' || (c >= 0x20 && c < 0x7F))) {
      throw new IllegalStateException("the script must be printable ASCII");
    }
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A PowerShell single-quoted string: a quote is written twice. */
  static String singleQuoted(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String template() {
    try (InputStream in = PowerShellScript.class.getResourceAsStream(FILE_NAME)) {
      if (in == null) {
        throw new IllegalStateException(FILE_NAME + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new IllegalStateException(FILE_NAME + " cannot be read from the jar", e);
    }
  }
}
