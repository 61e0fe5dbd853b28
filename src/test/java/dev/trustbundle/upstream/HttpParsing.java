package dev.trustbundle.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Test access to the plain-http client's response parser (package-private in main). */
public final class HttpParsing {
  private HttpParsing() {}

  /**
   * What an answer parsed to.
   *
   * @param keepAlive whether the connection would carry the next request
   */
  public record Parsed(
      int status, byte[] body, boolean truncated, boolean tooLarge, boolean keepAlive) {}

  /**
   * Parses {@code raw} as the answer to one request, with a body limit of {@code maxBytes}.
   *
   * @throws IOException when the answer is refused
   */
  public static Parsed read(byte[] raw, long maxBytes) throws IOException {
    Http1Transport.Exchange x = Http1Transport.read(new ByteArrayInputStream(raw), maxBytes);
    Transport.Response r = x.response();
    return new Parsed(r.status(), r.body(), r.truncated(), r.tooLarge(), x.keepAlive());
  }
}
