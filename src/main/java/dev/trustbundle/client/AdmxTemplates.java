package dev.trustbundle.client;

import static dev.trustbundle.client.AutoUpdateRegistry.AUTO_UPDATE_KEY;
import static dev.trustbundle.client.AutoUpdateRegistry.DISABLE_PIN_RULES_AUTO_UPDATE;
import static dev.trustbundle.client.AutoUpdateRegistry.DISABLE_ROOT_AUTO_UPDATE;
import static dev.trustbundle.client.AutoUpdateRegistry.ENABLE_DISALLOWED_CERT_AUTO_UPDATE;
import static dev.trustbundle.client.AutoUpdateRegistry.FLAGS;
import static dev.trustbundle.client.AutoUpdateRegistry.FLAG_NO_QUERY_STRING;
import static dev.trustbundle.client.AutoUpdateRegistry.POLICY_KEY;
import static dev.trustbundle.client.AutoUpdateRegistry.ROOT_DIR_URL;
import static dev.trustbundle.client.AutoUpdateRegistry.SYNC_DELTA_TIMES;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code TrustBundle.admx} and {@code en-US/TrustBundle.adml}: Administrative Templates for the
 * Group Policy Central Store (Windows has no built-in policy for RootDirUrl; reference 2.3), in
 * category "TrustBundle" under Computer Configuration. The same text whatever the mirror URL, so
 * the pair can travel in every bundle. Written against the policyDefinitions schema
 * (http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions): UTF-8, CRLF.
 */
public final class AdmxTemplates {
  private AdmxTemplates() {}

  /** The ADMX file name. */
  public static final String ADMX = "TrustBundle.admx";

  /** The ADML file name, in its language folder. */
  public static final String ADML = "en-US/TrustBundle.adml";

  /** The policy namespace the ADMX declares as its target. */
  public static final String NAMESPACE = "TrustBundle.Policies.AutoRootUpdate";

  /** The prefix of that namespace. */
  public static final String PREFIX = "trustbundle";

  /** The category all policies sit in. */
  public static final String CATEGORY = "TrustBundle";

  private static final String SCHEMA_NS =
      "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";
  private static final String XMLNS =
      "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
          + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
          + " revision=\"1.0\" schemaVersion=\"1.0\" xmlns=\""
          + SCHEMA_NS
          + "\"";

  /** The ADMX bytes. */
  public static byte[] admx() {
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.append(
        "<!-- TrustBundle: Windows automatic root certificate update from an internal mirror.\n");
    x.append("     Copy this file to the Central Store (\\\\DOMAIN\\SYSVOL\\DOMAIN\\Policies\\");
    x.append("PolicyDefinitions)\n");
    x.append(
        "     or to %SystemRoot%\\PolicyDefinitions, and en-US\\TrustBundle.adml to its en-US");
    x.append(" folder. -->\n");
    x.append("<policyDefinitions ").append(XMLNS).append(">\n");
    x.append("  <policyNamespaces>\n");
    x.append("    <target prefix=\"").append(PREFIX).append("\" namespace=\"");
    x.append(NAMESPACE).append("\" />\n");
    x.append("  </policyNamespaces>\n");
    // No supersededAdm: no ADM file ever shipped with these settings.
    x.append("  <resources minRequiredRevision=\"1.0\" />\n");
    x.append("  <supportedOn>\n");
    x.append("    <definitions>\n");
    x.append("      <definition name=\"SUPPORTED_AutoRootUpdate\"");
    x.append(" displayName=\"$(string.SUPPORTED_AutoRootUpdate)\" />\n");
    x.append("      <definition name=\"SUPPORTED_PinRules\"");
    x.append(" displayName=\"$(string.SUPPORTED_PinRules)\" />\n");
    x.append("    </definitions>\n");
    x.append("  </supportedOn>\n");
    x.append("  <categories>\n");
    x.append("    <category name=\"").append(CATEGORY).append("\" displayName=\"$(string.");
    x.append(CATEGORY).append(")\" explainText=\"$(string.").append(CATEGORY);
    x.append("_Help)\" />\n");
    x.append("  </categories>\n");
    x.append("  <policies>\n");

    open(x, "MirrorUrl", AUTO_UPDATE_KEY, null, true, "SUPPORTED_AutoRootUpdate");
    x.append("      <elements>\n");
    x.append("        <text id=\"RootDirUrl\" valueName=\"").append(ROOT_DIR_URL);
    x.append("\" required=\"true\" maxLength=\"").append(MirrorUrl.MAX_LENGTH).append("\" />\n");
    x.append("      </elements>\n");
    x.append("    </policy>\n");

    open(
        x,
        "RootAutoUpdate",
        POLICY_KEY,
        DISABLE_ROOT_AUTO_UPDATE,
        false,
        "SUPPORTED_AutoRootUpdate");
    values(x, "<decimal value=\"0\" />", "<decimal value=\"1\" />");
    x.append("    </policy>\n");

    open(
        x,
        "DisallowedCertAutoUpdate",
        POLICY_KEY,
        ENABLE_DISALLOWED_CERT_AUTO_UPDATE,
        false,
        "SUPPORTED_AutoRootUpdate");
    values(x, "<decimal value=\"1\" />", "<decimal value=\"0\" />");
    x.append("    </policy>\n");

    open(
        x,
        "PinRulesAutoUpdateOff",
        POLICY_KEY,
        DISABLE_PIN_RULES_AUTO_UPDATE,
        false,
        "SUPPORTED_PinRules");
    values(x, "<decimal value=\"1\" />", "<decimal value=\"0\" />");
    x.append("    </policy>\n");

    open(x, "NoQueryString", AUTO_UPDATE_KEY, FLAGS, false, "SUPPORTED_AutoRootUpdate");
    values(x, "<decimal value=\"" + FLAG_NO_QUERY_STRING + "\" />", "<delete />");
    x.append("    </policy>\n");

    open(x, "SyncIntervals", AUTO_UPDATE_KEY, null, true, "SUPPORTED_AutoRootUpdate");
    x.append("      <elements>\n");
    for (String v : SYNC_DELTA_TIMES) {
      x.append("        <decimal id=\"").append(v).append("\" valueName=\"").append(v);
      x.append("\" required=\"true\" minValue=\"0\" maxValue=\"");
      x.append(ClientSettings.MAX_SYNC_SECONDS).append("\" />\n");
    }
    x.append("      </elements>\n");
    x.append("    </policy>\n");

    x.append("  </policies>\n");
    x.append("</policyDefinitions>\n");
    return crlf(x);
  }

  /** The ADML bytes (en-US). */
  public static byte[] adml() {
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.append("<policyDefinitionResources ").append(XMLNS).append(">\n");
    x.append("  <displayName>TrustBundle root certificate mirror</displayName>\n");
    x.append("  <description>Points Windows automatic root certificate update at an internal");
    x.append(" TrustBundle mirror of Microsoft's certificate trust lists.</description>\n");
    x.append("  <resources>\n");
    x.append("    <stringTable>\n");
    for (Map.Entry<String, String> e : strings().entrySet()) {
      x.append("      <string id=\"").append(e.getKey()).append("\">");
      x.append(escape(e.getValue())).append("</string>\n");
    }
    x.append("    </stringTable>\n");
    x.append("    <presentationTable>\n");
    x.append("      <presentation id=\"MirrorUrl\">\n");
    x.append("        <textBox refId=\"RootDirUrl\">\n");
    x.append(
        "          <label>Mirror URL (http://, https:// or file://\\\\server\\share):</label>\n");
    x.append("        </textBox>\n");
    x.append("      </presentation>\n");
    x.append("      <presentation id=\"SyncIntervals\">\n");
    Map<String, String> labels =
        Map.of(
            "SyncDeltaTime", "Trusted roots (SyncDeltaTime), seconds:",
            "DisallowedCertSyncDeltaTime",
                "Untrusted certificates (DisallowedCertSyncDeltaTime), seconds:",
            "PinRulesSyncDeltaTime", "Pin rules (PinRulesSyncDeltaTime), seconds:");
    for (String v : SYNC_DELTA_TIMES) {
      x.append("        <decimalTextBox refId=\"").append(v).append("\" defaultValue=\"86400\">");
      x.append(escape(labels.get(v))).append("</decimalTextBox>\n");
    }
    x.append("      </presentation>\n");
    x.append("    </presentationTable>\n");
    x.append("  </resources>\n");
    x.append("</policyDefinitionResources>\n");
    return crlf(x);
  }

  private static Map<String, String> strings() {
    String autoUpdate = "HKLM\\" + AUTO_UPDATE_KEY;
    String policy = "HKLM\\" + POLICY_KEY;
    Map<String, String> s = new LinkedHashMap<>();
    s.put(CATEGORY, "TrustBundle root certificate mirror");
    s.put(
        CATEGORY + "_Help",
        "Settings that point Windows automatic root certificate update at an internal TrustBundle"
            + " mirror of Microsoft's certificate trust lists, for networks that cannot reach"
            + " Windows Update.");
    s.put(
        "SUPPORTED_AutoRootUpdate",
        "Windows Vista and Windows Server 2008 with KB2677070 installed, Windows 8, Windows Server"
            + " 2012 and later");
    s.put("SUPPORTED_PinRules", "At least Windows 10 or Windows Server 2016");
    s.put("MirrorUrl", "Mirror URL for automatic root certificate update (RootDirUrl)");
    s.put(
        "MirrorUrl_Help",
        "Sets RootDirUrl (REG_SZ) under "
            + autoUpdate
            + ": the folder the client downloads authrootstl.cab, disallowedcertstl.cab,"
            + " pinrulesstl.cab and the root certificates from, instead of Windows Update.\n\n"
            + "Give the URL that trustbundle serve prints at start-up, a web server serving a"
            + " trustbundle export (for example http://ctl.example.internal/), or a file share"
            + " written file://\\\\server\\share (the computer account reads it).\n\n"
            + "Windows has no built-in policy for this value. It lies outside the Policies key, so"
            + " it stays after the GPO stops applying: set this policy to Disabled, which deletes"
            + " the value, before you unlink the GPO.\n\n"
            + "Use it with \"Turn on automatic root certificate update\" and \"Turn on automatic"
            + " update of untrusted certificates\" in this category.");
    s.put(
        "RootAutoUpdate", "Turn on automatic root certificate update (DisableRootAutoUpdate = 0)");
    s.put(
        "RootAutoUpdate_Help",
        "Enabled writes DisableRootAutoUpdate = 0 under "
            + policy
            + ": the client updates its trusted roots, untrusted certificates and pin rules"
            + " automatically (from RootDirUrl when it is set). Disabled writes 1, which turns"
            + " all three off.\n\n"
            + "The built-in policy \"Turn off Automatic Root Certificates Update\" (System >"
            + " Internet Communication Management > Internet Communication settings) writes the"
            + " same value with the opposite sense: leave that one Not Configured.");
    s.put(
        "DisallowedCertAutoUpdate",
        "Turn on automatic update of untrusted certificates (EnableDisallowedCertAutoUpdate = 1)");
    s.put(
        "DisallowedCertAutoUpdate_Help",
        "Enabled writes EnableDisallowedCertAutoUpdate = 1 under "
            + policy
            + ": the client updates its untrusted (disallowed) certificates and pin rules"
            + " automatically. It takes precedence over DisableRootAutoUpdate for those two lists."
            + " Disabled writes 0.");
    s.put(
        "PinRulesAutoUpdateOff",
        "Turn off automatic update of pin rules (DisablePinRulesAutoUpdate = 1)");
    s.put(
        "PinRulesAutoUpdateOff_Help",
        "Enabled writes DisablePinRulesAutoUpdate = 1 under "
            + policy
            + ": the client stops updating its certificate pin rules (pinrulesstl.cab). It takes"
            + " precedence over both policies above. Enable it only when the mirror carries no"
            + " pinrulesstl.cab. Disabled writes 0.");
    s.put("NoQueryString", "Do not add a random query string to mirror requests (Flags = 0x4)");
    s.put(
        "NoQueryString_Help",
        "The client adds a random query string to its requests so that caches do not answer them."
            + " TrustBundle's serve, and IIS or nginx serving static files, ignore it. Enable this"
            + " only for a server that does not.\n\n"
            + "Enabled writes Flags = 4 under "
            + autoUpdate
            + ", replacing the whole Flags value (its bits 0x1 and 0x2 turn off untrusted-root and"
            + " partial-chain logging). Disabled deletes Flags. The value lies outside the Policies"
            + " key and stays after the GPO stops applying.");
    s.put("SyncIntervals", "Synchronization intervals of the trust lists");
    s.put(
        "SyncIntervals_Help",
        "Seconds between two syncs of each list: SyncDeltaTime (trusted roots),"
            + " DisallowedCertSyncDeltaTime (untrusted certificates) and PinRulesSyncDeltaTime"
            + " (pin rules), REG_DWORD under "
            + autoUpdate
            + ". 0 means Windows' default (daily to weekly; sources disagree). A mirror that"
            + " imports a new bundle every day is served well by 86400.\n\n"
            + "Disabled deletes the three values. They lie outside the Policies key and stay after"
            + " the GPO stops applying.");
    return s;
  }

  private static void open(
      StringBuilder x,
      String name,
      String key,
      String valueName,
      boolean presentation,
      String supportedOn) {
    x.append("    <policy name=\"").append(name).append("\" class=\"Machine\"");
    x.append(" displayName=\"$(string.").append(name).append(")\"");
    x.append(" explainText=\"$(string.").append(name).append("_Help)\"");
    if (presentation) {
      x.append(" presentation=\"$(presentation.").append(name).append(")\"");
    }
    x.append(" key=\"").append(escape(key)).append("\"");
    if (valueName != null) {
      x.append(" valueName=\"").append(valueName).append("\"");
    }
    x.append(">\n");
    x.append("      <parentCategory ref=\"").append(CATEGORY).append("\" />\n");
    x.append("      <supportedOn ref=\"").append(supportedOn).append("\" />\n");
  }

  private static void values(StringBuilder x, String enabled, String disabled) {
    x.append("      <enabledValue>\n        ").append(enabled).append("\n      </enabledValue>\n");
    x.append("      <disabledValue>\n        ")
        .append(disabled)
        .append("\n      </disabledValue>\n");
  }

  /** XML text and attribute escaping. */
  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static byte[] crlf(StringBuilder x) {
    return x.toString().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }
}
