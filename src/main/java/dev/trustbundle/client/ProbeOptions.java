package dev.trustbundle.client;

import dev.trustbundle.error.UsageException;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What to probe and how.
 *
 * @param base the mirror's folder URL ({@code RootDirUrl}), normalised to end with {@code /}
 * @param timeout the longest one request may take, connection and whole body included
 * @param concurrency most root requests in flight at once
 * @param sample how many listed roots to fetch (ignored when {@code all})
 * @param all fetch every listed root
 * @param seed the seed that picks the sample, so that a run can be repeated
 * @param at the time lists are evaluated at
 * @param anchors the roots list signer chains may end at
 * @param verify list verification options
 * @param roots where the pinned roots' bytes come from; empty: from the mirror itself
 */
public record ProbeOptions(
    URI base,
    Duration timeout,
    int concurrency,
    int sample,
    boolean all,
    long seed,
    Instant at,
    TrustAnchors anchors,
    VerifyOptions verify,
    Optional<AnchorSource> roots) {
  /** Largest cabinet accepted: the limit {@code build} applies to lists. */
  public static final long MAX_LIST = 32L << 20;

  /** Largest {@code <SHA1>.crt} accepted: the limit {@code build} applies to certificates. */
  public static final long MAX_CERT = 1L << 20;

  /** Largest {@code authrootseq.txt} accepted: it holds one hex number. */
  public static final long MAX_TEXT = 4096;

  /** Most roots one run fetches, even with {@code --all} (Microsoft lists about 515). */
  public static final int MAX_ROOTS = 5000;

  /** Most requests in flight. */
  public static final int MAX_CONCURRENCY = 64;

  /** Requests besides the roots: three cabinets and their variants, the sequence file, anchors. */
  static final int FIXED_REQUESTS = 64;

  public ProbeOptions {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(anchors, "anchors");
    Objects.requireNonNull(verify, "verify");
    Objects.requireNonNull(roots, "roots");
    if (!base.toString().endsWith("/")) {
      throw new IllegalArgumentException("the base URL must end with /; use ProbeOptions.base");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException("concurrency must be 1 to " + MAX_CONCURRENCY);
    }
    if (sample < 0 || sample > MAX_ROOTS) {
      throw new IllegalArgumentException("sample must be 0 to " + MAX_ROOTS);
    }
  }

  /** Whether the mirror is a local folder ({@code file:} URL, as a file-share export). */
  public boolean isFile() {
    return base.getScheme().equals("file");
  }

  /** The most requests one run may send: every limit above added up. */
  public int maxRequests() {
    // Per root: upper case, lower case, and upper case again without a query when the first failed.
    return FIXED_REQUESTS + 3 * MAX_ROOTS;
  }

  /**
   * Normalises a mirror URL as a client's {@code RootDirUrl}: {@code http}, {@code https} or {@code
   * file}, with or without a trailing slash; no query or fragment.
   *
   * @throws UsageException when the URL cannot be a mirror folder
   */
  public static URI base(String url) {
    String s = url == null ? "" : url.trim();
    if (s.isEmpty()) {
      throw new UsageException("the mirror URL is empty; give e.g. http://ctl.example.internal/");
    }
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw new UsageException(
          "URL " + s + " is not a valid URL (" + e.getReason() + "); give e.g. http://host/path/");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new UsageException(
          "URL "
              + s
              + " has a ?query or #fragment; give the folder URL that clients append names to");
    }
    switch (scheme) {
      case "http", "https" -> {
        if (u.getHost() == null || u.getHost().isEmpty()) {
          throw new UsageException("URL " + s + " has no host name; give e.g. http://host/path/");
        }
        if (u.getRawUserInfo() != null) {
          throw new UsageException("URL " + s + " carries a user name; mirrors are anonymous");
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (!path.endsWith("/")) {
          path += "/";
        }
        try {
          return new URI(scheme + "://" + u.getRawAuthority() + path);
        } catch (URISyntaxException e) {
          throw new UsageException("URL " + s + " is not a valid URL (" + e.getReason() + ")");
        }
      }
      case "file" -> {
        Path dir;
        try {
          dir = Path.of(u).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
          throw new UsageException(
              "URL "
                  + s
                  + " is not a local folder URL; give file:///path/to/folder (a mounted share)");
        }
        String d = dir.toUri().toString();
        return URI.create(d.endsWith("/") ? d : d + "/");
      }
      default ->
          throw new UsageException(
              "URL "
                  + s
                  + ": only http, https and file URLs are supported (the forms RootDirUrl takes)");
    }
  }
}
