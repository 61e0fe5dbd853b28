package dev.trustbundle.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one probe request got: an HTTP status with headers and body, or no answer at all.
 *
 * @param url the URL requested
 * @param status the HTTP status (a {@code file:} read answers 200 or 404); 0 when there was no
 *     answer
 * @param headers response headers, names in lower case
 * @param body the body of a 200 (empty for other statuses), never over the request's limit
 * @param error why there was no usable answer (unreachable, timed out, over the size limit)
 */
public record ProbeResponse(
    String url,
    int status,
    Map<String, List<String>> headers,
    byte[] body,
    Optional<String> error) {
  public ProbeResponse {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(error, "error");
    TreeMap<String, List<String>> h = new TreeMap<>();
    headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    headers = java.util.Collections.unmodifiableMap(h);
    if (status == 0 && error.isEmpty()) {
      throw new IllegalArgumentException("a request without an answer needs the reason");
    }
  }

  /** A request that got no usable answer. */
  static ProbeResponse failed(String url, String why) {
    return new ProbeResponse(url, 0, Map.of(), new byte[0], Optional.of(why));
  }

  /** True for a complete 200 answer. */
  public boolean ok() {
    return status == 200 && error.isEmpty();
  }

  /** The first value of a header. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * In words, for the "got" column: {@code 200, 1521 bytes}, {@code 404}, {@code no answer: …}; for
   * a {@code file:} URL {@code read, 1521 bytes} or {@code no such file}.
   */
  public String describe() {
    boolean file = url.startsWith("file:");
    if (error.isPresent()) {
      return status == 0
          ? "no answer: " + error.get()
          : (file ? "" : status + " but ") + error.get();
    }
    if (file) {
      return status == 200 ? "read, " + body.length + " bytes" : "no such file";
    }
    return status == 200 ? "200, " + body.length + " bytes" : String.valueOf(status);
  }
}
