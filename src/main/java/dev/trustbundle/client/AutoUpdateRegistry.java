package dev.trustbundle.client;

import java.util.List;

/**
 * The registry keys and value names of Windows' automatic root certificate update (reference
 * sections 2.1 and 2.2), as the generated files use them. Key paths are below HKEY_LOCAL_MACHINE.
 */
public final class AutoUpdateRegistry {
  private AutoUpdateRegistry() {}

  /** Where the client reads RootDirUrl, Flags, the sync intervals and caches the lists (2.1). */
  public static final String AUTO_UPDATE_KEY =
      "SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\AutoUpdate";

  /** Where the policy switches live (2.2). */
  public static final String POLICY_KEY =
      "SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot";

  /** REG_SZ: the HTTP or FILE URL of the folder holding the lists. */
  public static final String ROOT_DIR_URL = "RootDirUrl";

  /** REG_DWORD: 0x4 turns off the random query string. */
  public static final String FLAGS = "Flags";

  /** The Flags bit that turns off the random query string (2.1). */
  public static final int FLAG_NO_QUERY_STRING = 0x4;

  /** REG_DWORD seconds between syncs of each list; 0 means Windows' default. */
  public static final List<String> SYNC_DELTA_TIMES =
      List.of("SyncDeltaTime", "DisallowedCertSyncDeltaTime", "PinRulesSyncDeltaTime");

  /** REG_DWORD policy: 1 disables Root, Disallowed and Pin Rules auto-update; 0 enables them. */
  public static final String DISABLE_ROOT_AUTO_UPDATE = "DisableRootAutoUpdate";

  /** REG_DWORD policy: 1 enables Disallowed and Pin Rules auto-update (takes precedence). */
  public static final String ENABLE_DISALLOWED_CERT_AUTO_UPDATE = "EnableDisallowedCertAutoUpdate";

  /** REG_DWORD policy: 1 disables Pin Rules auto-update (takes precedence over both above). */
  public static final String DISABLE_PIN_RULES_AUTO_UPDATE = "DisablePinRulesAutoUpdate";

  /**
   * REG_BINARY values the client caches under the AutoUpdate key; deleting them forces the next
   * sync to fetch every list again (2.1).
   */
  public static final List<String> CACHED_VALUES =
      List.of(
          "EncodedCtl",
          "LastSyncTime",
          "DisallowedCertEncodedCtl",
          "DisallowedCertLastSyncTime",
          "PinRulesEncodedCtl",
          "PinRulesLastSyncTime");

  /** The list cabinets a client pre-fetches from RootDirUrl (reference section 1). */
  public static final List<String> LIST_CABINETS =
      List.of("authrootstl.cab", "disallowedcertstl.cab", "pinrulesstl.cab");
}
