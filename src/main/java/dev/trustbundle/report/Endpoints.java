package dev.trustbundle.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.verify.CertExtensions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The revocation and issuer endpoints certificates reference ({@code endpoints}): every CRL
 * distribution point (and freshest CRL), OCSP responder and CA-issuers URL, de-duplicated and
 * grouped by host, with the certificates that reference each. It is the allow-list a partly
 * connected network needs for revocation checking, computed from the certificates themselves. Pure:
 * certificates and URLs in, text, JSON or CSV out.
 */
public final class Endpoints {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How many certificate names are shown beside a count. */
  static final int EXAMPLES = 3;

  private Endpoints() {}

  /** What a URL is for. */
  public enum Kind {
    CRL("crl"),
    OCSP("ocsp"),
    CA_ISSUERS("caIssuers");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * A certificate to read.
   *
   * @param name its short name
   * @param id its SHA-1 (certificates referenced twice count once)
   * @param cert the certificate
   */
  public record Subject(String name, String id, X509Certificate cert) {
    public Subject {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(cert, "cert");
    }

    /** A subject named after the certificate. */
    public static Subject of(X509Certificate cert, String sha1) {
      return new Subject(CertExtensions.displayName(cert), sha1, cert);
    }
  }

  /**
   * A URL referenced other than by a certificate's extensions, e.g. a CRL a bundle's manifest
   * carries.
   *
   * @param url the URL
   * @param kind what it is for
   * @param name who references it
   * @param id a unique id for who references it
   */
  public record Reference(String url, Kind kind, String name, String id) {}

  /**
   * One URL.
   *
   * @param url as written in the certificate
   * @param scheme lower case
   * @param host lower case, empty when the URL has none (ldap:///...)
   * @param port the port, or the scheme's default; -1 when unknown
   * @param kinds what it is used for
   * @param referrers who references it: id to name, in order of appearance
   */
  public record Url(
      String url,
      String scheme,
      String host,
      int port,
      Set<Kind> kinds,
      Map<String, String> referrers) {}

  /**
   * A host and every URL on it.
   *
   * @param host lower case
   * @param urls sorted
   */
  public record Host(String host, List<Url> urls) {
    /** The distinct scheme:port pairs, e.g. {@code http:80}. */
    public List<String> endpoints() {
      return urls.stream().map(u -> u.scheme() + ":" + u.port()).distinct().sorted().toList();
    }

    /** The kinds of every URL on the host. */
    public Set<Kind> kinds() {
      Set<Kind> k = EnumSet.noneOf(Kind.class);
      urls.forEach(u -> k.addAll(u.kinds()));
      return k;
    }

    /** Every referrer, id to name. */
    public Map<String, String> referrers() {
      Map<String, String> r = new LinkedHashMap<>();
      urls.forEach(u -> r.putAll(u.referrers()));
      return r;
    }
  }

  /**
   * The result.
   *
   * @param certificates how many distinct certificates were read
   * @param hosts by host name
   * @param withoutHost URLs without a host (ldap:///..., resolved against the client's domain)
   * @param problems extensions that could not be read and URLs that make no sense
   */
  public record Result(
      int certificates, List<Host> hosts, List<Url> withoutHost, List<String> problems) {
    public Result {
      hosts = List.copyOf(hosts);
      withoutHost = List.copyOf(withoutHost);
      problems = List.copyOf(problems);
    }
  }

  /** Collects the endpoints of these certificates and references. */
  public static Result collect(List<Subject> certs, List<Reference> extra) {
    Map<String, Subject> distinct = new LinkedHashMap<>();
    certs.forEach(c -> distinct.putIfAbsent(c.id(), c));
    List<Reference> refs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Subject s : distinct.values()) {
      CertExtensions.Urls u = CertExtensions.urls(s.cert());
      u.crl().forEach(x -> refs.add(new Reference(x, Kind.CRL, s.name(), s.id())));
      u.ocsp().forEach(x -> refs.add(new Reference(x, Kind.OCSP, s.name(), s.id())));
      u.caIssuers().forEach(x -> refs.add(new Reference(x, Kind.CA_ISSUERS, s.name(), s.id())));
      u.problems().forEach(p -> problems.add("\"" + s.name() + "\" (SHA-1 " + s.id() + "): " + p));
    }
    refs.addAll(extra);
    Map<String, Url> byUrl = new TreeMap<>();
    for (Reference r : refs) {
      Optional<String[]> parsed = parse(r.url());
      if (parsed.isEmpty()) {
        problems.add("\"" + r.name() + "\" references " + r.url() + ", which is not a URL");
        continue;
      }
      String[] p = parsed.get();
      int port;
      try {
        port = p[2].isEmpty() ? defaultPort(p[0]) : Integer.parseInt(p[2]);
        if (port < 0 && !p[2].isEmpty() || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add("\"" + r.name() + "\" references " + r.url() + ", whose port is not valid");
        continue;
      }
      Url u =
          byUrl.computeIfAbsent(
              r.url(),
              k -> new Url(k, p[0], p[1], port, EnumSet.noneOf(Kind.class), new LinkedHashMap<>()));
      u.kinds().add(r.kind());
      u.referrers().putIfAbsent(r.id(), r.name());
    }
    Map<String, List<Url>> byHost = new TreeMap<>();
    List<Url> withoutHost = new ArrayList<>();
    for (Url u : byUrl.values()) {
      if (u.host().isEmpty()) {
        withoutHost.add(u);
      } else {
        byHost.computeIfAbsent(u.host(), k -> new ArrayList<>()).add(u);
      }
    }
    List<Host> hosts = new ArrayList<>();
    byHost.forEach((h, us) -> hosts.add(new Host(h, List.copyOf(us))));
    return new Result(distinct.size(), hosts, withoutHost, problems);
  }

  /** scheme, host (both lower case) and port text; empty when it has no {@code scheme://}. */
  static Optional<String[]> parse(String url) {
    int i = url.indexOf("://");
    if (i <= 0 || !url.substring(0, i).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return Optional.empty();
    }
    String scheme = url.substring(0, i).toLowerCase(Locale.ROOT);
    String rest = url.substring(i + 3);
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int j = rest.indexOf(c);
      if (j >= 0 && j < end) {
        end = j;
      }
    }
    String authority = rest.substring(0, end);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    String host;
    String port = "";
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      host = authority.substring(0, close + 1);
      if (authority.length() > close + 1) {
        if (authority.charAt(close + 1) != ':') {
          return Optional.empty();
        }
        port = authority.substring(close + 2);
      }
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon >= 0 ? authority.substring(0, colon) : authority;
      port = colon >= 0 ? authority.substring(colon + 1) : "";
    }
    if (!port.matches("[0-9]{0,5}")) {
      port = "x";
    }
    return Optional.of(new String[] {scheme, host.toLowerCase(Locale.ROOT), port});
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http" -> 80;
      case "https" -> 443;
      case "ldap" -> 389;
      case "ldaps" -> 636;
      case "ftp" -> 21;
      default -> -1;
    };
  }

  /** The human form: one block per host. */
  public static String text(String what, Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(TextReport.safe(what))
        .append(": ")
        .append(r.hosts().size())
        .append(" hosts referenced by ")
        .append(r.certificates())
        .append(" certificates\n");
    for (Host h : r.hosts()) {
      sb.append(TextReport.safe(h.host()))
          .append("  ")
          .append(String.join(", ", h.endpoints()))
          .append("  ")
          .append(kinds(h.kinds(), ","))
          .append("  ")
          .append(h.referrers().size())
          .append(h.referrers().size() == 1 ? " certificate" : " certificates")
          .append('\n');
      for (Url u : h.urls()) {
        sb.append(String.format("  %-9s %s", kinds(u.kinds(), ","), TextReport.safe(u.url())))
            .append("  (")
            .append(TextReport.safe(referrers(u.referrers())))
            .append(")\n");
      }
    }
    if (!r.withoutHost().isEmpty()) {
      sb.append("without a host (resolved by the client, e.g. ldap:/// against its domain)\n");
      for (Url u : r.withoutHost()) {
        sb.append(String.format("  %-9s %s", kinds(u.kinds(), ","), TextReport.safe(u.url())))
            .append("  (")
            .append(TextReport.safe(referrers(u.referrers())))
            .append(")\n");
      }
    }
    r.problems().forEach(p -> sb.append("problem: ").append(TextReport.safe(p)).append('\n'));
    return sb.toString();
  }

  /** The JSON form. */
  public static ObjectNode json(String what, Result r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("source", what);
    o.put("certificates", r.certificates());
    ArrayNode hosts = o.putArray("hosts");
    for (Host h : r.hosts()) {
      ObjectNode n = hosts.addObject();
      n.put("host", h.host());
      ArrayNode eps = n.putArray("endpoints");
      h.urls().stream()
          .map(u -> Map.entry(u.scheme(), u.port()))
          .distinct()
          .sorted(
              Map.Entry.<String, Integer>comparingByKey()
                  .thenComparing(Map.Entry.comparingByValue()))
          .forEach(e -> eps.addObject().put("scheme", e.getKey()).put("port", e.getValue()));
      kindsJson(n.putArray("kinds"), h.kinds());
      referrersJson(n, h.referrers());
      ArrayNode urls = n.putArray("urls");
      h.urls().forEach(u -> urlJson(urls.addObject(), u));
    }
    ArrayNode without = o.putArray("withoutHost");
    r.withoutHost().forEach(u -> urlJson(without.addObject(), u));
    o.set("problems", MAPPER.valueToTree(r.problems()));
    return o;
  }

  /**
   * CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma or quote): a header row,
   * then one row per URL, grouped by host. URLs without a host have an empty host. Fields are
   * neutralised for spreadsheets (see {@link #csvField}).
   */
  public static String csv(Result r) {
    StringBuilder sb = new StringBuilder();
    row(sb, "host", "scheme", "port", "kinds", "url", "certificates", "examples");
    List<Url> all = new ArrayList<>();
    r.hosts().forEach(h -> all.addAll(h.urls()));
    all.addAll(r.withoutHost());
    for (Url u : all) {
      row(
          sb,
          u.host(),
          u.scheme(),
          u.port() < 0 ? "" : String.valueOf(u.port()),
          kinds(u.kinds(), ";"),
          u.url(),
          String.valueOf(u.referrers().size()),
          u.referrers().values().stream().limit(EXAMPLES).collect(Collectors.joining("; ")));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String... fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(csvField(fields[i]));
    }
    sb.append("\r\n");
  }

  /**
   * One RFC 4180 field, safe to open in a spreadsheet: control and bidi characters shown as {@code
   * \\uXXXX} (as in the text output); a field that would start a formula ({@code = + - @}, or their
   * full-width forms, after any spaces; tab and CR are escaped already) gets a leading {@code '};
   * then quoted, with quotes doubled, when it needs to be.
   */
  static String csvField(String raw) {
    String s = TextReport.safe(raw);
    String lead = s.stripLeading();
    if (!lead.isEmpty() && "=+-@\uFF1D\uFF0B\uFF0D\uFF20".indexOf(lead.charAt(0)) >= 0) {
      s = "'" + s;
    }
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static void urlJson(ObjectNode n, Url u) {
    n.put("url", u.url());
    n.put("scheme", u.scheme());
    n.put("port", u.port());
    kindsJson(n.putArray("kinds"), u.kinds());
    referrersJson(n, u.referrers());
  }

  private static void kindsJson(ArrayNode a, Set<Kind> kinds) {
    kinds.stream().sorted(Comparator.naturalOrder()).forEach(k -> a.add(k.label()));
  }

  private static void referrersJson(ObjectNode n, Map<String, String> referrers) {
    n.put("certificateCount", referrers.size());
    ArrayNode a = n.putArray("certificates");
    referrers.values().stream().limit(EXAMPLES).forEach(a::add);
  }

  private static String kinds(Set<Kind> kinds, String sep) {
    return kinds.stream().map(Kind::label).collect(Collectors.joining(sep));
  }

  private static String referrers(Map<String, String> r) {
    List<String> names = r.values().stream().limit(EXAMPLES).toList();
    int more = r.size() - names.size();
    return r.size()
        + (r.size() == 1 ? " certificate: " : " certificates: ")
        + String.join(", ", names)
        + (more > 0 ? ", and " + more + " more" : "");
  }
}
