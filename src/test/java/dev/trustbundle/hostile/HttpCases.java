package dev.trustbundle.hostile;

import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raw HTTP requests to {@code serve}: traversal in every spelling, encoded NUL and overlong UTF-8,
 * Unicode look-alikes, paths to the state folder's own files, overlong request lines, huge headers,
 * methods other than GET and HEAD, and malformed requests.
 */
final class HttpCases {
  private HttpCases() {}

  static final Set<Integer> NOT_FOUND = Set.of(400, 404);

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    String id = m.manifest().bundleId();
    String[][] paths = {
      {"dotdot", "/../active.json"},
      {"dotdot-state", "/../state.json"},
      {"dotdot-encoded-slash", "/..%2factive.json"},
      {"dotdot-encoded", "/%2e%2e/active.json"},
      {"dotdot-encoded-upper", "/%2E%2E%2Factive.json"},
      {"dotdot-double-encoded", "/%252e%252e/active.json"},
      {"dot-encoded-dot", "/.%2e/active.json"},
      {"dotdot-after-name", "/mirror/../active.json"},
      {"dotdot-semicolon", "/..;/active.json"},
      {"backslash", "/..\\active.json"},
      {"backslash-encoded", "/%5c..%5cactive.json"},
      {"nul-encoded", "/authrootstl.cab%00.txt"},
      {"nul-alone", "/%00"},
      {"overlong-utf8-dots", "/%c0%ae%c0%ae/active.json"},
      {"overlong-utf8-three-byte", "/%e0%80%ae%e0%80%ae/active.json"},
      {"overlong-utf8-slash", "/..%c0%afactive.json"},
      {"unicode-division-slash", "/..%E2%88%95active.json"},
      {"unicode-fullwidth-dots", "/%EF%BC%8E%EF%BC%8E/active.json"},
      {"unicode-fullwidth-name", "/%EF%BD%81uthrootstl.cab"},
      {"double-slash-root", "//etc/passwd"},
      {"triple-slash", "///active.json"},
      {"state-file-version-manifest", "/versions/" + id + "/manifest.json"},
      {"state-file-active", "/active.json"},
      {"state-file-history", "/history.jsonl"},
      {"state-file-lock", "/lock"},
      {"bundle-manifest", "/manifest.json"},
      {"bundle-manifest-signature", "/manifest.json.p7s"},
      {"bundle-tree-name", "/mirror/authrootstl.cab"},
      {"secret-beside", "/secret.txt"},
      {"secret-above", "/../secret.txt"},
      {"crl-tree-dotdot", "/crl/../../active.json"},
      {"crl-tree-encoded", "/crl/..%2f..%2factive.json"},
      {
        "windows-update-prefix-dotdot",
        "/msdownload/update/v3/static/trustedr/en/../../../../../../active.json"
      },
      {"name-then-dotdot", "/authrootstl.cab/.."},
      {"name-with-trailing-dot", "/authrootstl.cab."},
      {"absolute-form", "http://127.0.0.1/../active.json"},
      {"no-leading-slash", "active.json"},
      {"asterisk", "*"},
    };
    for (String[] p : paths) {
      out.add(h("path-" + p[0], get(p[1], ""), NOT_FOUND));
    }
    out.add(h("host-header-traversal", get("/active.json", "Host: ../../\r\n"), NOT_FOUND));
    out.add(h("overlong-path", get("/" + "a".repeat(10_000), ""), Set.of(414), "URI too long"));
    out.add(
        h(
            "overlong-path-traversal",
            get("/" + "../".repeat(4_000) + "active.json", ""),
            Set.of(414),
            "URI too long"));
    out.add(
        h(
            "huge-header",
            get("/authrootstl.cab", "X-Big: " + "x".repeat(20_000) + "\r\n"),
            Set.of(431),
            "headers too large"));
    out.add(
        h(
            "many-headers",
            get("/authrootstl.cab", "X-A: b\r\n".repeat(2_000)),
            Set.of(431),
            "headers too large"));
    for (String method :
        new String[] {"POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS", "PROPFIND", "FOO"}) {
      out.add(
          h(
              "method-" + method.toLowerCase(java.util.Locale.ROOT),
              req(
                  method
                      + " /authrootstl.cab HTTP/1.1\r\nHost: mirror.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
              Set.of(405),
              "only GET and HEAD"));
    }
    out.add(
        h(
            "method-with-nul",
            req("G\u0000T /authrootstl.cab HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
            Set.of(400)));
    out.add(
        h(
            "header-without-colon",
            req(
                "GET /authrootstl.cab HTTP/1.1\r\nHost: x\r\nnonsense\r\nConnection: close\r\n\r\n"),
            Set.of(400)));
    out.add(
        h(
            "header-with-nul",
            req(
                "GET /authrootstl.cab HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\nConnection: close\r\n\r\n"),
            Set.of(400)));
    out.add(
        h(
            "smuggling-chunked-and-length",
            req(
                "POST /authrootstl.cab HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"),
            Set.of(400, 405)));
    out.add(
        h(
            "duplicate-content-length",
            req(
                "GET /authrootstl.cab HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"),
            Set.of(400)));
    out.add(
        h(
            "bad-http-version",
            req("GET /authrootstl.cab HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"),
            Set.of(400, 505)));
    return out;
  }

  private static String get(String target, String headers) {
    return "GET "
        + target
        + " HTTP/1.1\r\nHost: mirror.test\r\n"
        + headers
        + "Connection: close\r\n\r\n";
  }

  private static byte[] req(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Case h(String name, String request, Set<Integer> statuses) {
    return h(name, req(request), statuses, "");
  }

  private static Case h(String name, String request, Set<Integer> statuses, String body) {
    return h(name, req(request), statuses, body);
  }

  private static Case h(String name, byte[] request, Set<Integer> statuses) {
    return h(name, request, statuses, "");
  }

  /** A request, the statuses that may answer it, and text the answer's body must hold. */
  private static Case h(String name, byte[] request, Set<Integer> statuses, String body) {
    return new Case(
        Category.HTTP,
        name,
        Runner.HTTP,
        "request",
        Map.of("request", request),
        List.of(),
        statuses,
        body,
        false);
  }
}
