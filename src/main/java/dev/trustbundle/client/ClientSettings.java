package dev.trustbundle.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the client files configure.
 *
 * @param url the mirror; empty for the URL-independent files only (ADMX/ADML and the script, which
 *     then requires {@code -MirrorUrl})
 * @param noQueryString also set {@code Flags} = 0x4 (no random query string), for servers that do
 *     not ignore query strings
 * @param syncIntervalSeconds also set {@code SyncDeltaTime} and the Disallowed/PinRules equivalents
 *     to this many seconds
 */
public record ClientSettings(
    Optional<MirrorUrl> url, boolean noQueryString, OptionalInt syncIntervalSeconds) {
  /** Shortest sync interval accepted: a minute. */
  public static final int MIN_SYNC_SECONDS = 60;

  /** Longest sync interval accepted: a year. */
  public static final int MAX_SYNC_SECONDS = 365 * 24 * 3600;

  public ClientSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(syncIntervalSeconds, "syncIntervalSeconds");
    if (syncIntervalSeconds.isPresent()
        && (syncIntervalSeconds.getAsInt() < MIN_SYNC_SECONDS
            || syncIntervalSeconds.getAsInt() > MAX_SYNC_SECONDS)) {
      throw new IllegalArgumentException(
          "the sync interval must be " + MIN_SYNC_SECONDS + " to " + MAX_SYNC_SECONDS + " seconds");
    }
  }

  /** Settings with a mirror URL and nothing else. */
  public static ClientSettings of(MirrorUrl url) {
    return new ClientSettings(Optional.of(url), false, OptionalInt.empty());
  }

  /** Settings without a URL: only the URL-independent files. */
  public static ClientSettings withoutUrl() {
    return new ClientSettings(Optional.empty(), false, OptionalInt.empty());
  }

  /**
   * The registry values a client gets, in the order the files write them: RootDirUrl (and Flags,
   * the sync intervals) under the AutoUpdate key, then the policy switches (reference 2.1, 2.2).
   *
   * @throws IllegalStateException without a URL
   */
  public List<RegistryValue> registryValues() {
    MirrorUrl u = url.orElseThrow(() -> new IllegalStateException("no mirror URL"));
    List<RegistryValue> out = new ArrayList<>();
    out.add(
        RegistryValue.string(
            AutoUpdateRegistry.AUTO_UPDATE_KEY, AutoUpdateRegistry.ROOT_DIR_URL, u.value()));
    if (noQueryString) {
      out.add(
          RegistryValue.dword(
              AutoUpdateRegistry.AUTO_UPDATE_KEY,
              AutoUpdateRegistry.FLAGS,
              AutoUpdateRegistry.FLAG_NO_QUERY_STRING));
    }
    syncIntervalSeconds.ifPresent(
        s ->
            AutoUpdateRegistry.SYNC_DELTA_TIMES.forEach(
                n -> out.add(RegistryValue.dword(AutoUpdateRegistry.AUTO_UPDATE_KEY, n, s))));
    out.add(
        RegistryValue.dword(
            AutoUpdateRegistry.POLICY_KEY, AutoUpdateRegistry.DISABLE_ROOT_AUTO_UPDATE, 0));
    out.add(
        RegistryValue.dword(
            AutoUpdateRegistry.POLICY_KEY,
            AutoUpdateRegistry.ENABLE_DISALLOWED_CERT_AUTO_UPDATE,
            1));
    return List.copyOf(out);
  }
}
