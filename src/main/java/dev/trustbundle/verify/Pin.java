package dev.trustbundle.verify;

import dev.trustbundle.ctl.Hex;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A trusted root, identified by the SHA-256 of its DER certificate.
 *
 * @param name a display name
 * @param sha256 upper-case hex SHA-256 of the DER certificate
 * @param sha1 upper-case hex SHA-1, which names the root's {@code <SHA1>.crt} file, when known
 */
public record Pin(String name, String sha256, Optional<String> sha1) {
  public Pin {
    Objects.requireNonNull(name, "name");
    if (!Hex.isHex(sha256, 64)) {
      throw new IllegalArgumentException("a pin is 64 hex digits of SHA-256: " + sha256);
    }
    sha256 = sha256.toUpperCase(Locale.ROOT);
    sha1 = sha1.map(s -> s.toUpperCase(Locale.ROOT));
    if (sha1.isPresent() && !Hex.isHex(sha1.get(), 40)) {
      throw new IllegalArgumentException("a SHA-1 is 40 hex digits: " + sha1.get());
    }
  }
}
