package dev.trustbundle.serve;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.error.VerificationException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One version's files in memory, with the headers each is served with. Immutable: requests that
 * start on a snapshot finish on it, whatever is activated meanwhile.
 *
 * @param id the bundle id
 * @param manifest its manifest
 * @param mirror mirror files by lower-case name
 * @param byUrl CRLs and extra certificates by {@code host/path} of their original URL
 * @param byTree CRLs by {@code host/path} of their place under {@code crl/}
 */
public record Snapshot(
    String id,
    Manifest manifest,
    Map<String, Entry> mirror,
    Map<String, Entry> byUrl,
    Map<String, Entry> byTree) {

  /**
   * A file ready to serve.
   *
   * @param body read-only contents
   * @param etag strong ETag from the manifest's SHA-256
   * @param lastModified RFC 1123 date
   * @param lastModifiedInstant the same, for comparisons
   * @param contentType MIME type by kind
   * @param kind for metrics: cab, crt, crl, txt, stl, sst, other
   */
  public record Entry(
      ByteBuffer body,
      String etag,
      String lastModified,
      Instant lastModifiedInstant,
      String contentType,
      String kind) {}

  /**
   * Builds the lookup tables over files already read and verified (see {@link VersionLoader}). Only
   * files listed in the manifest reach here, and never {@code client/} files, which are for
   * administrators, not for Windows clients.
   */
  static Snapshot of(
      String id, Manifest m, Map<Manifest.FileInfo, ByteBuffer> verified, Instant lastModified) {
    Map<String, Entry> mirror = new HashMap<>();
    Map<String, Entry> byUrl = new HashMap<>();
    Map<String, Entry> byTree = new HashMap<>();
    // Every file has its version's activation time: the rule export shares, so that a path's date
    // never goes backwards when its bytes change (StateStore.Active#lastModified).
    Instant lm = lastModified.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    for (Manifest.FileInfo f : m.files()) {
      ByteBuffer body = verified.get(f);
      if (body == null) {
        continue;
      }
      Entry e =
          new Entry(
              body,
              "\"" + f.sha256().toLowerCase(Locale.ROOT) + "\"",
              HttpDates.format(lm),
              lm,
              contentType(f.path()),
              kind(f.path()));
      // Two names equal ignoring case would leave which one is served to the map's order.
      if (f.path().startsWith("mirror/")) {
        unique(mirror, f.path().substring(7), e, f.path());
      } else if (f.path().startsWith("crl/")) {
        unique(byTree, f.path().substring(4), e, f.path());
      }
      if (f.sourceUrl() != null && !f.path().startsWith("mirror/")) {
        try {
          URI u = new URI(f.sourceUrl());
          String path = u.getPath() == null ? "" : u.getPath();
          // Never in a mirror file's place (the bundle check refuses such URLs as well).
          if (u.getHost() != null
              && u.getRawPath() != null
              && !dev.trustbundle.bundle.BundleCheck.shadowsMirrorName(
                  path.substring(path.lastIndexOf('/') + 1))) {
            // The first file with a URL answers it; the URL is the file's origin, not its name.
            byUrl.putIfAbsent((u.getHost() + u.getPath()).toLowerCase(Locale.ROOT), e);
          }
        } catch (java.net.URISyntaxException ex) {
          // Not reachable by URL; still served under crl/.
        }
      }
    }
    return new Snapshot(id, m, Map.copyOf(mirror), Map.copyOf(byUrl), Map.copyOf(byTree));
  }

  private static void unique(Map<String, Entry> map, String key, Entry e, String path) {
    if (map.putIfAbsent(key.toLowerCase(Locale.ROOT), e) != null) {
      throw new VerificationException(
          path
              + " is served under the same name as another file (names are matched ignoring case)");
    }
  }

  /** Content types of the client contract (issue 4; reference 1). */
  static String contentType(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".cab")) {
      return "application/vnd.ms-cab-compressed";
    }
    if (p.endsWith(".crt") || p.endsWith(".cer")) {
      return "application/pkix-cert";
    }
    if (p.endsWith(".crl")) {
      return "application/pkix-crl";
    }
    if (p.endsWith(".txt")) {
      return "text/plain";
    }
    return "application/octet-stream";
  }

  static String kind(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    for (String k : new String[] {"cab", "crt", "crl", "txt", "stl", "sst"}) {
      if (p.endsWith("." + k)) {
        return k;
      }
    }
    return "other";
  }
}
