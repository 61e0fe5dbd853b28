package dev.trustbundle.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Test access to the plain-http client's response parser (package-private in main). */
public final class HttpParsing {
  private HttpParsing() {}

  /** What an answer parsed to. */
  public record Parsed(int status, byte[] body, boolean truncated) {}

  /**
   * Parses {@code raw} as the answer to one request, with a body limit of {@code maxBytes}.
   *
   * @throws IOException when the answer is refused
   */
  public static Parsed read(byte[] raw, long maxBytes) throws IOException {
    Transport.Response r = Http1Transport.read(new ByteArrayInputStream(raw), maxBytes);
    return new Parsed(r.status(), r.body(), r.truncated());
  }
}
