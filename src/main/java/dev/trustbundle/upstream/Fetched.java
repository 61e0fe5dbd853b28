package dev.trustbundle.upstream;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A body that arrived (or came from the cache after a 304), not yet verified.
 *
 * @param url the URL asked for, before rewriting
 * @param body the bytes
 * @param etag the ETag the server sent
 * @param lastModified the Last-Modified the server sent
 * @param fetchedAt when the response arrived
 * @param fromCache true when the server answered 304 and the body is the cached one
 * @param attempts how many requests it took
 */
public record Fetched(
    String url,
    byte[] body,
    Optional<String> etag,
    Optional<String> lastModified,
    Instant fetchedAt,
    boolean fromCache,
    int attempts) {
  public Fetched {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
  }
}
