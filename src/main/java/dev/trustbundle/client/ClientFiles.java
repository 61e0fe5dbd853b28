package dev.trustbundle.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The client configuration files, by relative path ({@code /}-separated): what {@code trustbundle
 * client-config} writes and what a bundle carries under {@code client/}.
 */
public final class ClientFiles {
  private ClientFiles() {}

  /** The registry file for regedit or {@code reg import}. */
  public static final String REG = "trustbundle-client.reg";

  /** The PReg file for {@code LGPO.exe /m}. */
  public static final String POL = "Registry.pol";

  /**
   * Every file for these settings: with a URL the {@code .reg} file, {@code Registry.pol}, the
   * script (with the URL as its default) and the ADMX/ADML pair; without one only the script (which
   * then requires {@code -MirrorUrl}) and the ADMX/ADML pair.
   */
  public static SortedMap<String, byte[]> generate(ClientSettings s) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    if (s.url().isPresent()) {
      List<RegistryValue> values = s.registryValues();
      out.put(REG, RegFile.write(regComment(s), values));
      out.put(POL, PolicyFile.write(values));
    }
    out.put(PowerShellScript.FILE_NAME, PowerShellScript.generate(s));
    out.put(AdmxTemplates.ADMX, AdmxTemplates.admx());
    out.put(AdmxTemplates.ADML, AdmxTemplates.adml());
    return Collections.unmodifiableSortedMap(out);
  }

  /** The files in the order a person reads about them: registry first, then the templates. */
  public static final List<String> READING_ORDER =
      List.of(REG, POL, PowerShellScript.FILE_NAME, AdmxTemplates.ADMX, AdmxTemplates.ADML);

  /** One line saying what a file is for. */
  public static String purpose(String path) {
    return switch (path) {
      case REG -> "registry values: reg import trustbundle-client.reg (or double-click)";
      case POL -> "the same values for LGPO.exe /m Registry.pol";
      case PowerShellScript.FILE_NAME ->
          "sets the values, imports extra certificates, forces a resync; -WhatIf, -Undo";
      case AdmxTemplates.ADMX -> "Group Policy template for the Central Store (PolicyDefinitions)";
      case AdmxTemplates.ADML -> "its en-US strings (PolicyDefinitions\\en-US)";
      default -> "";
    };
  }

  private static List<String> regComment(ClientSettings s) {
    List<String> c = new ArrayList<>();
    c.add("TrustBundle: points automatic root certificate update at the mirror");
    c.add(s.url().orElseThrow().value());
    c.add("Import elevated: reg import trustbundle-client.reg");
    c.add(
        "RootDirUrl stays until removed: reg delete \"HKLM\\"
            + AutoUpdateRegistry.AUTO_UPDATE_KEY
            + "\" /v RootDirUrl /f");
    return c;
  }
}
