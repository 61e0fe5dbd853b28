package dev.trustbundle.client;

import dev.trustbundle.cab.CabEntry;
import dev.trustbundle.cab.CabReader;
import dev.trustbundle.cab.Cabinet;
import dev.trustbundle.client.ProbeCheck.Status;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SequenceNumber;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.NetworkException;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.CtlVerification;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.RootCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Acts as a Windows client against a mirror (reference 2.4) and reports every deviation: the three
 * cabinets fetched with a random query string and the CryptoAPI User-Agent, then again with
 * If-None-Match and If-Modified-Since (a 304 expected); each list extracted, parsed and verified
 * against the pinned Microsoft roots as {@code inspect} does; {@code authrootseq.txt} against the
 * authroot sequence number; a sample of the listed {@code <SHA1>.crt} roots in upper and lower
 * case, each checked against its entry; content types, caching headers and a doubled slash.
 */
public final class Probe {
  private static final java.util.regex.Pattern IMF_FIXDATE =
      java.util.regex.Pattern.compile(
          "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
              + " \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
  private static final java.util.regex.Pattern SHA256_TAG =
      java.util.regex.Pattern.compile("\"[0-9A-Fa-f]{64}\"");

  /** The length of the file whose conditional requests are being checked. */
  private int fullLength;

  private static final String CAB = "application/vnd.ms-cab-compressed";
  private static final Set<String> CRT_TYPES =
      Set.of("application/pkix-cert", "application/x-x509-ca-cert");
  private static final String OCTETS = "application/octet-stream";

  private final ProbeOptions o;
  private final ProbeTransport t;
  private final String base;
  private final List<ProbeCheck> checks = new ArrayList<>();
  private final List<ProbeReport.ListInfo> lists = new ArrayList<>();
  private final Map<String, Optional<byte[]>> anchorCache = new ConcurrentHashMap<>();
  private byte[] authrootCab;
  private int rootsListed;
  private int rootsFetched;

  private Probe(ProbeOptions options) {
    this.o = options;
    this.t = new ProbeTransport(options);
    this.base = options.base().toString();
  }

  /**
   * Probes the mirror.
   *
   * @throws NetworkException when the mirror cannot be reached at all (no answer to the first
   *     request, or a {@code file:} folder that does not exist)
   */
  public static ProbeReport run(ProbeOptions options) {
    return new Probe(options).probe();
  }

  private ProbeReport probe() {
    if (o.isFile()) {
      Path dir = Path.of(o.base());
      if (!Files.isDirectory(dir)) {
        throw new NetworkException(
            base
                + " cannot be reached: no such folder; check the path and that the share is"
                + " mounted");
      }
      String note = "file: URL: clients read the share directly, with no HTTP";
      add(Status.SKIP, "content-type", base, "content types by kind", note);
      add(Status.SKIP, "caching", base, "ETag and/or Last-Modified, no no-store", note);
      add(Status.SKIP, "conditional", base, "304 to If-None-Match and If-Modified-Since", note);
      add(Status.SKIP, "query-string", base, "random query strings ignored", note);
      add(Status.SKIP, "double-slash", base, "RootDirUrl + \"/\" + name answered", note);
    }
    Optional<SignedCtl> authroot = Optional.empty();
    for (CtlKind kind : CtlKind.values()) {
      Optional<SignedCtl> list = cabinet(kind, kind == CtlKind.AUTHROOT);
      if (kind == CtlKind.AUTHROOT) {
        authroot = list;
      }
    }
    sequenceFile(authroot);
    doubleSlash();
    authroot.ifPresent(this::roots);
    if (authroot.isEmpty()) {
      add(
          Status.SKIP,
          "root",
          base + "<SHA1>.crt",
          "the roots the authroot list names",
          "no authroot list could be read, so no roots were fetched");
    }
    return new ProbeReport(
        base, o.at(), checks, lists, t.requests(), rootsListed, rootsFetched, o.all(), o.seed());
  }

  private void add(Status s, String name, String url, String expected, String got) {
    checks.add(new ProbeCheck(name, s, url, expected, got));
  }

  /** "200 and " for HTTP: a file: folder has no status codes. */
  private String okAnd() {
    return o.isFile() ? "" : "200 and ";
  }

  /** {@code ?} and 16 hex digits, as Windows appends to bypass caches (reference 2.4). */
  private String query() {
    return o.isFile() ? "" : String.format("?%016x", ThreadLocalRandom.current().nextLong());
  }

  // ---------------------------------------------------------------- cabinets

  private Optional<SignedCtl> cabinet(CtlKind kind, boolean first) {
    String url = base + kind.cabName();
    String asked = url + query();
    ProbeResponse r = t.get(asked, Map.of(), ProbeOptions.MAX_LIST);
    if (first && r.status() == 0) {
      throw new NetworkException(
          base
              + " cannot be reached: "
              + r.error().orElse("no answer")
              + "; check the URL, the network and that the mirror is running");
    }
    ProbeResponse used = r;
    if (!r.ok() && !o.isFile()) {
      // Is it the query string? Clients always add one unless Flags 0x4 is set.
      ProbeResponse plain = t.get(url, Map.of(), ProbeOptions.MAX_LIST);
      if (plain.ok()) {
        queryStringIgnored(asked, r);
        used = plain;
      }
    }
    String expected = okAnd() + "the " + kind.label() + " list";
    if (!used.ok()) {
      boolean optional = kind == CtlKind.PINRULES && used.status() == 404;
      String hint =
          used.status() != 404
              ? ""
              : optional
                  ? ": Windows 10 and later fetch it to update their pin rules; build the bundle"
                      + " from an upstream that has it"
                  : first
                      ? ": is the URL the folder that holds the files (the clients' RootDirUrl)?"
                      : ": Windows clients cannot update this list";
      add(optional ? Status.WARN : Status.FAIL, "fetch", asked, expected, used.describe() + hint);
      return Optional.empty();
    }
    add(Status.PASS, "fetch", used.url(), expected, used.describe());
    if (kind == CtlKind.AUTHROOT) {
      authrootCab = used.body();
      if (used == r && !o.isFile()) {
        sameWithoutQuery(url, used);
      }
    }
    if (!o.isFile()) {
      contentType(used, "cab").ifPresent(checks::add);
      caching(used).ifPresent(checks::add);
      conditional(url, used);
    }
    return list(kind, used.url(), used.body());
  }

  /** The check that fails when a file is answered without a query string but not with one. */
  private void queryStringIgnored(String asked, ProbeResponse withQuery) {
    add(
        Status.FAIL,
        "query-string",
        asked,
        "the same answer with a random query string as without (clients add ?<16 hex>;"
            + " reference 2.4)",
        withQuery.describe()
            + " with the query string, 200 without: the server does not ignore query strings;"
            + " make it ignore them (or set Flags 0x4 on every client)");
  }

  /** A server that answers the query variant must give the same file without it (Flags 0x4). */
  private void sameWithoutQuery(String url, ProbeResponse withQuery) {
    ProbeResponse plain = t.get(url, Map.of(), ProbeOptions.MAX_LIST);
    String expected = "the same bytes with and without a random query string";
    if (plain.ok() && Arrays.equals(plain.body(), withQuery.body())) {
      add(Status.PASS, "query-string", withQuery.url(), expected, "the same " + plain.describe());
    } else if (plain.ok()) {
      add(
          Status.FAIL,
          "query-string",
          withQuery.url(),
          expected,
          "different bytes: "
              + withQuery.body().length
              + " with the query string, "
              + plain.body().length
              + " without (a cache keyed on the query string, or another file)");
    } else {
      add(
          Status.FAIL,
          "query-string",
          url,
          expected,
          plain.describe() + " without a query string (clients with Flags 0x4 send none)");
    }
  }

  /**
   * The Content-Type check. Whether clients look at it is unconfirmed (reference 5, question 11),
   * so {@code application/octet-stream} or none is only a warning; a text or HTML type (an error or
   * portal page served with 200) fails.
   */
  static Optional<ProbeCheck> contentType(ProbeResponse r, String ext) {
    Set<String> good =
        switch (ext) {
          case "cab" -> Set.of(CAB);
          case "crt" -> CRT_TYPES;
          default -> Set.of("text/plain");
        };
    Optional<String> ct = r.header("content-type");
    String media = ct.map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
    Status s;
    if (good.contains(media)) {
      s = Status.PASS;
    } else if (ext.equals("txt") || media.isEmpty() || media.equals(OCTETS)) {
      s = Status.WARN;
    } else {
      s = Status.FAIL;
    }
    String expected =
        String.join(" or ", good.stream().sorted().toList())
            + (ext.equals("txt") ? "" : " (" + OCTETS + " tolerated)");
    return Optional.of(
        new ProbeCheck("content-type", s, r.url(), expected, ct.orElse("no Content-Type")));
  }

  /** Validators for the conditional requests clients send, and nothing that forbids caching. */
  static Optional<ProbeCheck> caching(ProbeResponse r) {
    Optional<String> etag = r.header("etag");
    Optional<String> lm = r.header("last-modified");
    Optional<String> cc = r.header("cache-control");
    List<String> problems = new ArrayList<>();
    if (etag.isEmpty() && lm.isEmpty()) {
      problems.add("neither ETag nor Last-Modified, so clients cannot ask for a 304");
    }
    if (cc.map(v -> v.toLowerCase(Locale.ROOT).contains("no-store")).orElse(false)) {
      problems.add("Cache-Control no-store keeps clients and proxies from caching");
    }
    if (lm.isPresent() && !IMF_FIXDATE.matcher(lm.get()).matches()) {
      problems.add(
          "Last-Modified is not an IMF-fixdate such as Thu, 03 Dec 2026 08:09:10 GMT (RFC 9110"
              + " 5.6.7)");
    }
    // An ETag that looks like a SHA-256 (TrustBundle's own) must be the body's.
    if (etag.isPresent()
        && SHA256_TAG.matcher(etag.get()).matches()
        && r.body().length > 0
        && !etag.get()
            .substring(1, 65)
            .equalsIgnoreCase(dev.trustbundle.ctl.Hex.sha256(r.body()))) {
      problems.add("the ETag is a SHA-256, but not the one of the body sent");
    }
    String got =
        "ETag "
            + etag.orElse("(none)")
            + ", Last-Modified "
            + lm.orElse("(none)")
            + ", Cache-Control "
            + cc.orElse("(none)")
            + (problems.isEmpty() ? "" : ": " + String.join("; ", problems));
    return Optional.of(
        new ProbeCheck(
            "caching",
            problems.isEmpty() ? Status.PASS : Status.FAIL,
            r.url(),
            "ETag and/or Last-Modified, no Cache-Control: no-store",
            got));
  }

  /**
   * Repeats the request with each validator the server sent. Which one clients send is unconfirmed
   * (reference 2.4), so one that works makes the other's failure a warning.
   */
  private void conditional(String url, ProbeResponse first) {
    Optional<String> etag = first.header("etag");
    Optional<String> lm = first.header("last-modified");
    ProbeResponse byTag =
        etag.map(e -> t.get(url + query(), Map.of("If-None-Match", e), ProbeOptions.MAX_LIST))
            .orElse(null);
    ProbeResponse byDate =
        lm.map(d -> t.get(url + query(), Map.of("If-Modified-Since", d), ProbeOptions.MAX_LIST))
            .orElse(null);
    boolean any =
        (byTag != null && byTag.status() == 304) || (byDate != null && byDate.status() == 304);
    fullLength = first.body().length;
    conditionalCheck("if-none-match", "ETag", etag, byTag, any, url);
    conditionalCheck("if-modified-since", "Last-Modified", lm, byDate, any, url);
  }

  private void conditionalCheck(
      String name,
      String validator,
      Optional<String> value,
      ProbeResponse r,
      boolean any,
      String url) {
    String header = name.equals("if-none-match") ? "If-None-Match" : "If-Modified-Since";
    if (r == null) {
      add(
          Status.SKIP,
          name,
          url,
          "304 to " + header,
          "the server sent no " + validator + ", so clients cannot send " + header);
      return;
    }
    String expected = "304 to " + header + ": " + value.orElse("");
    if (r.status() == 304) {
      // RFC 9110 8.6: a 304's Content-Length, if any, is the full file's length.
      Optional<String> len = r.header("content-length");
      if (len.isPresent() && !len.get().trim().equals(String.valueOf(fullLength))) {
        add(
            Status.FAIL,
            name,
            r.url(),
            expected + ", without a Content-Length other than the file's",
            "304 with Content-Length " + len.get() + " (RFC 9110 8.6 forbids it)");
        return;
      }
      add(Status.PASS, name, r.url(), expected, "304");
      return;
    }
    add(
        any ? Status.WARN : Status.FAIL,
        name,
        r.url(),
        expected,
        r.describe()
            + (r.status() == 200
                ? ": the whole file again"
                    + (any ? "" : "; clients download every list in full at every sync")
                : ""));
  }

  /** Extracts, parses and verifies a list as {@code inspect} does. */
  private Optional<SignedCtl> list(CtlKind kind, String url, byte[] cab) {
    String expected =
        kind.stlName()
            + " in a cabinet, signed by Microsoft (chain to a pinned root at thisUpdate)";
    SignedCtl list;
    try {
      Cabinet c = CabReader.read(cab);
      CabEntry member = c.list();
      list = CtlParser.parse(member.data());
    } catch (MalformedInputException e) {
      add(Status.FAIL, "list", url, expected, "malformed: " + e.getMessage());
      return Optional.empty();
    }
    CtlVerification v =
        new CtlVerifier(o.anchors(), anchorSource(), o.verify())
            .verify(list, Optional.of(kind), o.at());
    Ctl ctl = list.ctl();
    Optional<String> seq = ctl.sequenceNumber().map(SequenceNumber::hex);
    lists.add(
        new ProbeReport.ListInfo(
            ctl.kind().map(CtlKind::label).orElse("unknown"),
            seq,
            ctl.thisUpdate(),
            ctl.entries().size(),
            v.valid()));
    String facts =
        ctl.kind().map(CtlKind::label).orElse("unknown list")
            + " "
            + seq.orElse("(no sequence number)")
            + ", thisUpdate "
            + ctl.thisUpdate()
            + ", "
            + ctl.entries().size()
            + " entries";
    if (!v.valid()) {
      add(
          Status.FAIL,
          "list",
          url,
          expected,
          "invalid (" + facts + "): " + String.join("; ", v.failures()));
    } else {
      String got =
          "valid: "
              + facts
              + ", signed by "
              + v.signer().orElse("?")
              + " <- "
              + v.anchor().orElse("?")
              + (v.warnings().isEmpty() ? "" : "; warnings: " + String.join("; ", v.warnings()));
      add(v.warnings().isEmpty() ? Status.PASS : Status.WARN, "list", url, expected, got);
    }
    return Optional.of(list);
  }

  /** The pinned roots' bytes: from --roots, else from the mirror itself (checked against pins). */
  private AnchorSource anchorSource() {
    if (o.roots().isPresent()) {
      return o.roots().get();
    }
    return new AnchorSource() {
      @Override
      public Optional<byte[]> certificate(String sha1Hex) {
        if (!Hex.isHex(sha1Hex, 40)) {
          return Optional.empty();
        }
        String name = sha1Hex.toUpperCase(Locale.ROOT) + ".crt";
        return anchorCache.computeIfAbsent(
            name,
            n -> {
              ProbeResponse r = t.get(base + n + query(), Map.of(), ProbeOptions.MAX_CERT);
              if (!r.ok() && !o.isFile()) {
                // A query-string fault is reported on its own; it must not hide the list's state.
                r = t.get(base + n, Map.of(), ProbeOptions.MAX_CERT);
              }
              return r.ok() ? Optional.of(r.body()) : Optional.empty();
            });
      }

      @Override
      public String describe() {
        return "the mirror " + base;
      }
    };
  }

  // ---------------------------------------------------------------- authrootseq.txt

  private void sequenceFile(Optional<SignedCtl> authroot) {
    String url = base + "authrootseq.txt";
    String asked = url + query();
    ProbeResponse r = t.get(asked, Map.of(), ProbeOptions.MAX_TEXT);
    if (!r.ok() && !o.isFile()) {
      ProbeResponse plain = t.get(url, Map.of(), ProbeOptions.MAX_TEXT);
      if (plain.ok()) {
        queryStringIgnored(asked, r);
        r = plain;
      }
    }
    Optional<String> want =
        authroot.flatMap(l -> l.ctl().sequenceNumber()).map(SequenceNumber::hex);
    String expected =
        okAnd()
            + "the authroot sequence number "
            + want.orElse("")
            + " (legacy clients read it before the cabinet; reference 2.4)";
    if (r.status() == 404) {
      add(
          Status.WARN,
          "sequence-file",
          asked,
          expected,
          "404: Windows XP, Vista and 7 without KB2677070 read it first and cannot update");
      return;
    }
    if (!r.ok()) {
      add(Status.FAIL, "sequence-file", asked, expected, r.describe());
      return;
    }
    String text = new String(r.body(), StandardCharsets.ISO_8859_1).strip();
    if (want.isEmpty()) {
      add(
          Status.SKIP,
          "sequence-file",
          r.url(),
          expected,
          "\"" + text + "\"; no verified authroot list to compare it with");
    } else if (text.equalsIgnoreCase(want.get())) {
      // The exact text (case, newline) is unconfirmed (reference 5, question 1): compare loosely.
      add(Status.PASS, "sequence-file", r.url(), expected, "\"" + text + "\"");
    } else {
      add(
          Status.FAIL,
          "sequence-file",
          r.url(),
          expected,
          "\"" + text + "\": it does not match the authroot list the mirror serves");
    }
    if (!o.isFile()) {
      contentType(r, "txt").ifPresent(checks::add);
    }
  }

  // ---------------------------------------------------------------- double slash

  /** Clients may build RootDirUrl + "/" + name (reference 2.4, unconfirmed): only a warning. */
  private void doubleSlash() {
    if (o.isFile()) {
      return;
    }
    String url = base + "/" + CtlKind.AUTHROOT.cabName() + query();
    ProbeResponse r = t.get(url, Map.of(), ProbeOptions.MAX_LIST);
    String expected =
        "200 and the same authrootstl.cab (clients may join RootDirUrl + \"/\" + name)";
    if (r.ok() && (authrootCab == null || Arrays.equals(r.body(), authrootCab))) {
      add(Status.PASS, "double-slash", url, expected, r.describe());
    } else {
      add(
          Status.WARN,
          "double-slash",
          url,
          expected,
          (r.ok() ? "different bytes" : r.describe())
              + ": give clients a RootDirUrl without a trailing slash");
    }
  }

  // ---------------------------------------------------------------- roots

  /**
   * The answers for one root: upper case with a query string, upper case without (asked only when
   * the first failed, to tell a query-string fault from a missing file), lower case without.
   */
  private record RootAnswers(
      CtlEntry entry,
      ProbeResponse upper,
      Optional<ProbeResponse> upperPlain,
      ProbeResponse lower) {}

  /**
   * A sample of the list's entries, in list order: every entry when {@code n} covers them, else
   * {@code n} picked by {@code seed}.
   */
  static List<CtlEntry> sample(List<CtlEntry> entries, int n, long seed) {
    if (n >= entries.size()) {
      return List.copyOf(entries);
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, new Random(seed));
    List<Integer> chosen = new ArrayList<>(idx.subList(0, n));
    Collections.sort(chosen);
    return chosen.stream().map(entries::get).toList();
  }

  private void roots(SignedCtl authroot) {
    Ctl ctl = authroot.ctl();
    List<CtlEntry> entries =
        ctl.entries().stream().filter(e -> e.identifier().length == 20).toList();
    rootsListed = entries.size();
    int n = o.all() ? ProbeOptions.MAX_ROOTS : o.sample();
    if (o.all() && entries.size() > ProbeOptions.MAX_ROOTS) {
      add(
          Status.WARN,
          "root",
          base + "<SHA1>.crt",
          "every listed root",
          entries.size() + " listed; only " + ProbeOptions.MAX_ROOTS + " fetched (the limit)");
    }
    List<CtlEntry> chosen = sample(entries, n, o.seed());
    List<RootAnswers> answers = fetchRoots(chosen);
    rootsFetched = answers.size();
    List<ProbeCheck> headerChecks = new ArrayList<>();
    int okAnswers = 0;
    for (RootAnswers a : answers) {
      rootChecks(a, ctl);
      for (ProbeResponse r : List.of(a.upperPlain().orElse(a.upper()), a.lower())) {
        if (r.ok() && !o.isFile()) {
          okAnswers++;
          contentType(r, "crt").filter(c -> c.status() != Status.PASS).ifPresent(headerChecks::add);
          caching(r).filter(c -> c.status() != Status.PASS).ifPresent(headerChecks::add);
        }
      }
    }
    if (o.isFile() || okAnswers == 0) {
      return;
    }
    String pattern = base + "<SHA1>.crt";
    if (headerChecks.stream().noneMatch(c -> c.name().equals("content-type"))) {
      add(
          Status.PASS,
          "content-type",
          pattern,
          String.join(" or ", CRT_TYPES.stream().sorted().toList()),
          "an accepted type on all " + okAnswers + " root answers");
    }
    if (headerChecks.stream().noneMatch(c -> c.name().equals("caching"))) {
      add(
          Status.PASS,
          "caching",
          pattern,
          "ETag and/or Last-Modified, no Cache-Control: no-store",
          "as expected on all " + okAnswers + " root answers");
    }
    checks.addAll(headerChecks);
  }

  private List<RootAnswers> fetchRoots(List<CtlEntry> chosen) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(o.concurrency(), chosen.size())),
            r -> {
              Thread th = new Thread(r, "trustbundle-probe");
              th.setDaemon(true);
              return th;
            });
    try {
      List<Future<RootAnswers>> futures = new ArrayList<>();
      for (CtlEntry e : chosen) {
        futures.add(
            pool.submit(
                () -> {
                  String sha1 = e.identifierHex();
                  // Upper case with a query string, lower case without: whether clients add one
                  // to .crt requests, and which case they use, is unconfirmed (reference 5.3).
                  String upper = base + sha1 + ".crt";
                  ProbeResponse up = t.get(upper + query(), Map.of(), ProbeOptions.MAX_CERT);
                  Optional<ProbeResponse> plain =
                      up.ok() || o.isFile()
                          ? Optional.empty()
                          : Optional.of(t.get(upper, Map.of(), ProbeOptions.MAX_CERT));
                  ProbeResponse low =
                      t.get(
                          base + sha1.toLowerCase(Locale.ROOT) + ".crt",
                          Map.of(),
                          ProbeOptions.MAX_CERT);
                  return new RootAnswers(e, up, plain, low);
                }));
      }
      List<RootAnswers> out = new ArrayList<>();
      for (Future<RootAnswers> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a root request failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new NetworkException("interrupted while fetching roots");
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private void rootChecks(RootAnswers a, Ctl ctl) {
    String sha1 = a.entry().identifierHex();
    String name = sha1 + ".crt";
    boolean sha256 = a.entry().sha256().isPresent();
    String expected =
        okAnd()
            + "the root the list names: SHA-1 = entry = name"
            + (sha256 ? ", SHA-256 = attribute 98" : "");
    ProbeResponse up = a.upper();
    if (!up.ok() && a.upperPlain().map(ProbeResponse::ok).orElse(false)) {
      queryStringIgnored(up.url(), up);
      up = a.upperPlain().get();
    }
    if (up.ok()) {
      List<String> problems = RootCheck.check(Optional.of(name), up.body(), ctl);
      if (problems.isEmpty()) {
        add(
            Status.PASS,
            "root",
            up.url(),
            expected,
            up.describe() + (sha256 ? ", SHA-1 and SHA-256 match" : ", SHA-1 matches"));
      } else {
        add(Status.FAIL, "root", up.url(), expected, String.join("; ", problems));
      }
    } else {
      add(
          Status.FAIL,
          "root",
          up.url(),
          expected,
          up.describe()
              + (up.status() == 404
                  ? ": the list names this root but the mirror does not serve it; clients that"
                      + " need it cannot build their chains"
                  : ""));
    }
    ProbeResponse low = a.lower();
    String lowerExpected = okAnd() + "the same bytes as " + name + " (clients ask in either case)";
    if (low.ok()) {
      List<String> problems =
          up.ok()
              ? (Arrays.equals(low.body(), up.body())
                  ? List.of()
                  : List.of("different bytes from " + name))
              : RootCheck.check(Optional.of(name), low.body(), ctl);
      add(
          problems.isEmpty() ? Status.PASS : Status.FAIL,
          "root-lowercase",
          low.url(),
          lowerExpected,
          problems.isEmpty() ? low.describe() : String.join("; ", problems));
    } else {
      // A Windows share is case-insensitive, a Linux folder is not: a local folder only warns.
      boolean caseSensitive = low.status() == 404 && up.ok();
      String why =
          !caseSensitive
              ? ""
              : o.isFile()
                  ? ": this folder's names are case-sensitive (a Windows or Samba share is not)"
                  : ": the server's names are case-sensitive; serve .crt names in any case";
      add(
          o.isFile() ? Status.WARN : Status.FAIL,
          "root-lowercase",
          low.url(),
          lowerExpected,
          low.describe() + why);
    }
  }
}
