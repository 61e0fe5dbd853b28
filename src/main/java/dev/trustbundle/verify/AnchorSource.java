package dev.trustbundle.verify;

import java.util.Optional;

/**
 * Where the bytes of pinned roots come from: a folder of {@code <SHA1>.crt} files (as {@code
 * certutil -syncWithWU} writes), an upstream, or a bundle. The bytes are checked against the pin.
 */
@FunctionalInterface
public interface AnchorSource {
  /** The DER certificate published as {@code <sha1>.crt}, if this source has it. */
  Optional<byte[]> certificate(String sha1Hex);

  /** A source with no certificates. */
  static AnchorSource none() {
    return sha1 -> Optional.empty();
  }

  /** Where this source looks, for messages ("in /srv/ctl"). */
  default String describe() {
    return "the roots folder";
  }
}
