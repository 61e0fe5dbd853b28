package dev.trustbundle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.BundleBuilder;
import dev.trustbundle.bundle.BundleContents;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.client.ClientFiles;
import dev.trustbundle.client.ClientSettings;
import dev.trustbundle.client.MirrorUrl;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.error.TrustBundleException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.profile.Profile;
import dev.trustbundle.profile.ProfileParser;
import dev.trustbundle.report.BuildReportHtml;
import dev.trustbundle.report.CtlDiff;
import dev.trustbundle.upstream.FetchCache;
import dev.trustbundle.upstream.FetchOptions;
import dev.trustbundle.upstream.Fetcher;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle build}: download, verify and pack a signed bundle. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "On a connected host: downloads Microsoft's trust lists and every root they list, plus what"
          + " the profile asks for; verifies all of it; writes one signed .tar.gz bundle.",
      "Nothing that fails verification reaches the bundle; a failed or interrupted build leaves no"
          + " output file."
    })
final class BuildCommand implements Callable<Integer> {
  /** Changed roots named in the text summary; the rest are counted. */
  static final int SUMMARY_CHANGED = 10;

  static final String MICROSOFT =
      "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--profile",
      paramLabel = "FILE",
      description = "Profile YAML (default: the built-in bundles/windows-ctl.yaml).")
  Path profile;

  @Option(
      names = "--upstream",
      paramLabel = "URL|DIR",
      description =
          "Where the lists are: an http(s) URL of a trustedr/en/ folder, another TrustBundle"
              + " mirror, or a local folder (certutil -syncWithWU). Default: Microsoft's"
              + " Windows Update URL.")
  String upstream = MICROSOFT;

  @Option(
      names = "--sign-key",
      paramLabel = "FILE",
      description =
          "Publisher key: a PKCS#12 file (.p12/.pfx), a PEM private key (with --sign-cert), or"
              + " with --sign-keystore PKCS11 the PKCS#11 provider configuration.")
  Path signKey;

  @Option(
      names = "--sign-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain for a PEM key.")
  Path signCert;

  @Option(
      names = "--sign-pass",
      paramLabel = "env:VAR|file:PATH",
      description = "Passphrase of the key; asked on the terminal when absent and needed.")
  String signPass;

  @Option(
      names = "--sign-keystore",
      paramLabel = "TYPE",
      description = "A JCA key store instead of a file: Windows-MY, PKCS11, ...")
  String signKeystore;

  @Option(names = "--sign-alias", paramLabel = "ALIAS", description = "Key alias in the key store.")
  String signAlias;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The bundle to write.")
  Path out;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Keep verified downloads here and send conditional requests next time.")
  Path cache;

  @Option(
      names = "--previous",
      paramLabel = "FILE",
      description =
          "The previous bundle: summarise changes and keep removed roots for the grace period.")
  Path previous;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "16",
      description = "Parallel downloads (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--roots",
      paramLabel = "all|profile",
      defaultValue = "all",
      description = "Every root the list names (default, as certutil does) or only the profile's.")
  String roots;

  @Option(
      names = "--valid-days",
      paramLabel = "N",
      description = "Bundle validity in days (default: the profile's, 30).")
  Integer validDays;

  @Option(
      names = "--rewrite",
      paramLabel = "FROM=TO",
      description = "Rewrite URL prefixes (an internal mirror of the CAs' sites); repeatable.")
  List<String> rewrites = new ArrayList<>();

  @Option(
      names = "--retries",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Retries per file after the first attempt, with exponential backoff (default:"
              + " ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--proxy", paramLabel = "HOST:PORT", description = "HTTP proxy.")
  String proxy;

  @Option(names = "--at", paramLabel = "TIME", description = "Evaluate as of this time.")
  String at;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  @Option(names = "--json", description = "Print a JSON summary instead of text.")
  boolean json;

  @Option(
      names = "--client-url",
      paramLabel = "URL",
      description =
          "The mirror URL clients will use (http://, https:// or file://\\\\server\\share): the"
              + " bundle's client/ folder then also gets trustbundle-client.reg and Registry.pol,"
              + " and the script defaults to it. Without it client/ holds the ADMX/ADML pair and"
              + " the script only.")
  String clientUrl;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "Also write the build report (lists, files, extras, CRLs, removed roots, warnings,"
              + " changes since --previous) as a self-contained HTML page.")
  Path html;

  @Override
  public Integer call() {
    Instant now = Inputs.now(at);
    if (concurrency < 1 || concurrency > 256) {
      throw new UsageException("--concurrency must be 1 to 256");
    }
    if (retries < 0 || retries > 19) {
      throw new UsageException("--retries must be 0 to 19");
    }
    if (validDays != null && (validDays < 1 || validDays > 3650)) {
      throw new UsageException("--valid-days must be 1 to 3650");
    }
    BundleBuilder.RootsMode mode =
        switch (roots) {
          case "all" -> BundleBuilder.RootsMode.ALL;
          case "profile" -> BundleBuilder.RootsMode.PROFILE;
          default -> throw new UsageException("--roots must be all or profile, not " + roots);
        };
    Outputs.requireFileTarget(out, "--out");
    if (html != null) {
      Outputs.requireFileTarget(html, "--html");
    }
    ClientSettings clientSettings =
        clientUrl == null
            ? ClientSettings.withoutUrl()
            : ClientSettings.of(reachable(MirrorUrl.parse("--client-url", clientUrl)));
    // Generated while the profile is read and the HTTP client is set up: start-up time that
    // would otherwise come before the first download.
    java.util.concurrent.CompletableFuture<SortedMap<String, byte[]>> clientFilesLater =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> ClientFiles.generate(clientSettings));
    Profile prof = loadProfile();
    String base = upstreamUrl();
    FetchOptions options =
        FetchOptions.DEFAULT
            .withConcurrency(concurrency)
            .withRewrites(parseRewrites())
            .withProxy(parseProxy())
            .withMaxAttempts(retries + 1);
    // The key is decoded while the first downloads are in flight, unless it must be known first:
    // a passphrase asked on the terminal, or a previous bundle to check against it.
    boolean keyFirst = previous != null || (signPass == null && signKeystore == null);
    SigningKey early = keyFirst ? loadKey() : null;
    Optional<BundleBuilder.PreviousBundle> prev =
        early != null ? loadPrevious(early) : Optional.empty();
    Optional<FetchCache> fetchCache = Optional.ofNullable(cache).map(FetchCache::new);

    PrintWriter err = spec.commandLine().getErr();
    ConsoleProgress progress = new ConsoleProgress(err, quiet || json);
    BundleBuilder.Result result;
    Fetcher.Stats stats;
    try (Fetcher fetcher = new Fetcher(options, fetchCache, Clock.systemUTC())) {
      BundleBuilder builder = new BundleBuilder(fetcher, fetchCache, progress);
      BundleBuilder.Request req =
          new BundleBuilder.Request(
              base,
              prof,
              mode,
              validDays,
              now,
              prev,
              version(),
              TrustAnchors.microsoft(),
              VerifyOptions.DEFAULT,
              clientFilesLater.join());
      try {
        result = builder.build(req, early != null ? () -> early : this::loadKey);
      } finally {
        progress.finish();
      }
      stats = fetcher.stats();
    }
    SortedMap<String, byte[]> entries = result.entries();
    Outputs.atomicWrite(out, o -> BundleArchive.write(entries, o), false);
    progress.stage("wrote " + out);
    if (html != null) {
      byte[] page =
          BuildReportHtml.render(
                  new BuildReportHtml.Input(
                      result.manifest(),
                      entries,
                      Optional.empty(),
                      result.changes().previousBundleId(),
                      changes(result),
                      now,
                      out.toString()))
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Outputs.atomicWrite(html, o -> o.write(page), false);
      progress.stage("wrote " + html);
    }
    printSummary(result, stats);
    return ExitCodes.OK;
  }

  private String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  private Profile loadProfile() {
    if (profile == null) {
      try (InputStream in = BuildCommand.class.getResourceAsStream("/bundles/windows-ctl.yaml")) {
        if (in == null) {
          throw new IllegalStateException("the built-in profile is missing from the jar");
        }
        return ProfileParser.parse("windows-ctl.yaml (built in)", in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return ProfileParser.parse(profile.toString(), Inputs.read(profile));
  }

  private String upstreamUrl() {
    String u = upstream;
    if (u.matches("(?i)^https?://.*")) {
      return u.endsWith("/") ? u : u + "/";
    }
    if (u.matches("(?i)^file:.*")) {
      return u.endsWith("/") ? u : u + "/";
    }
    Path dir = Path.of(u);
    if (!Files.isDirectory(dir)) {
      throw new UsageException(
          "--upstream " + u + " is neither an http(s) URL nor an existing folder");
    }
    return dir.toAbsolutePath().normalize().toUri().toString();
  }

  private List<FetchOptions.Rewrite> parseRewrites() {
    List<FetchOptions.Rewrite> out = new ArrayList<>();
    for (String r : rewrites) {
      try {
        out.add(FetchOptions.Rewrite.parse(r));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    return out;
  }

  private Optional<InetSocketAddress> parseProxy() {
    if (proxy == null) {
      return Optional.empty();
    }
    // Administrators often write the proxy as a URL: accept http://host:port/ as host:port.
    String p = proxy.replaceFirst("(?i)^https?://", "").replaceFirst("/+$", "");
    int colon = p.lastIndexOf(':');
    try {
      int port = Integer.parseInt(p.substring(colon + 1));
      String host = colon > 0 ? p.substring(0, colon) : "";
      if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+") || port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return Optional.of(InetSocketAddress.createUnresolved(host, port));
    } catch (RuntimeException e) {
      throw new UsageException("--proxy " + proxy + " is not HOST:PORT");
    }
  }

  private SigningKey loadKey() {
    if (signKeystore != null) {
      return fromKeystore();
    }
    if (signKey == null) {
      throw new UsageException(
          "--sign-key FILE is required (create one with: trustbundle keygen --out DIR)");
    }
    byte[] data = Inputs.read(signKey);
    String name = signKey.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      char[] pass =
          signPass != null
              ? Secrets.resolve(signPass, "--sign-pass")
              : Secrets.ask("Passphrase for " + signKey, false, "--sign-pass");
      return Keys.fromPkcs12(data, pass, signAlias, "--sign-key " + signKey);
    }
    if (signCert == null) {
      throw new UsageException("a PEM --sign-key needs --sign-cert FILE with its certificate");
    }
    char[] pass = signPass != null ? Secrets.resolve(signPass, "--sign-pass") : null;
    return Keys.fromPem(data, Inputs.read(signCert), pass, "--sign-key " + signKey);
  }

  private SigningKey fromKeystore() {
    char[] pass = signPass != null ? Secrets.resolve(signPass, "--sign-pass") : null;
    try {
      KeyStore ks;
      if (signKeystore.equalsIgnoreCase("PKCS11")) {
        if (signKey == null) {
          throw new UsageException(
              "--sign-keystore PKCS11 needs --sign-key with the provider configuration");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
          throw new UsageException("this Java runtime has no SunPKCS11 provider");
        }
        Provider p = base.configure(signKey.toString());
        ks = KeyStore.getInstance("PKCS11", p);
      } else {
        ks = KeyStore.getInstance(signKeystore);
      }
      ks.load(null, pass);
      return Keys.fromKeyStore(ks, signAlias, pass, "key store " + signKeystore);
    } catch (TrustBundleException e) {
      throw e;
    } catch (Exception e) {
      throw new UsageException(
          "key store "
              + signKeystore
              + " cannot be opened: "
              + Main.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private Optional<BundleBuilder.PreviousBundle> loadPrevious(SigningKey key) {
    if (previous == null) {
      return Optional.empty();
    }
    byte[] data = Inputs.read(previous);
    SortedMap<String, byte[]> files =
        BundleArchive.read(new ByteArrayInputStream(data), BundleArchive.Limits.DEFAULT);
    byte[] manifest = files.get("manifest.json");
    byte[] sig = files.get("manifest.json.p7s");
    if (manifest == null || sig == null) {
      throw new UsageException(
          "--previous " + previous + " is not a TrustBundle bundle (no manifest)");
    }
    List<java.security.cert.X509Certificate> signers = ManifestSignature.certificates(sig);
    if (signers.isEmpty()
        || !java.util.Arrays.equals(
            signers.get(0).getPublicKey().getEncoded(),
            key.certificate().getPublicKey().getEncoded())) {
      throw new UsageException(
          "--previous "
              + previous
              + " was signed by another publisher ("
              + (signers.isEmpty()
                  ? "no certificate"
                  : signers.get(0).getSubjectX500Principal().getName())
              + "), not by this --sign-key; give the last bundle built with this key");
    }
    try {
      ManifestSignature.verify(manifest, sig, key.certificate());
    } catch (TrustBundleException e) {
      throw new VerificationException("--previous " + previous + ": " + e.getMessage());
    }
    Manifest m = Json.read(manifest);
    List<String> problems = BundleContents.problems(m, files);
    if (!problems.isEmpty()) {
      throw new VerificationException(
          "--previous "
              + previous
              + " is damaged ("
              + problems.size()
              + " problem(s); first: "
              + problems.get(0)
              + "); give an intact copy or drop --previous");
    }
    return Optional.of(new BundleBuilder.PreviousBundle(m, files));
  }

  private void printSummary(BundleBuilder.Result r, Fetcher.Stats stats) {
    PrintWriter w = spec.commandLine().getOut();
    Manifest m = r.manifest();
    long size = r.entries().values().stream().mapToLong(b -> b.length).sum();
    BundleBuilder.Changes c = r.changes();
    List<CtlDiff> diffs = changes(r);
    Optional<CtlDiff> authroot =
        diffs.stream().filter(d -> d.kind() == CtlKind.AUTHROOT).findFirst();
    Optional<CtlDiff> disallowed =
        diffs.stream().filter(d -> d.kind() == CtlKind.DISALLOWEDCERT).findFirst();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode o = mapper.createObjectNode();
      o.put("out", out.toString());
      o.put("bundleId", m.bundleId());
      o.put("sequence", m.sequence());
      o.put("created", m.created());
      o.put("expires", m.expires());
      o.put("profile", m.profile().name());
      o.put("files", m.files().size());
      o.put("clientUrl", clientUrl);
      o.put("bytes", size);
      o.set("lists", mapper.valueToTree(m.lists()));
      ObjectNode n = o.putObject("network");
      n.put("requests", stats.requests());
      n.put("bytesDownloaded", stats.bytes());
      n.put("notModified", stats.notModified());
      n.put("retries", stats.retries());
      ObjectNode ch = o.putObject("changes");
      ch.put("previousBundleId", c.previousBundleId().orElse(null));
      ch.set("rootsAdded", mapper.valueToTree(labels(authroot.map(CtlDiff::added))));
      ch.set("rootsRemoved", mapper.valueToTree(labels(authroot.map(CtlDiff::removed))));
      ch.set(
          "rootsChanged",
          mapper.valueToTree(
              authroot.map(CtlDiff::changed).orElse(List.of()).stream()
                  .map(BuildCommand::label)
                  .toList()));
      ch.set("disallowedAdded", mapper.valueToTree(ids(disallowed.map(CtlDiff::added))));
      ch.set("disallowedRemoved", mapper.valueToTree(ids(disallowed.map(CtlDiff::removed))));
      o.set("warnings", mapper.valueToTree(m.warnings()));
      w.println(o.toString());
    } else {
      w.println("built " + out);
      w.printf(
          "  %-12s %s, sequence %d, expires %s%n",
          "bundle", m.bundleId(), m.sequence(), m.expires());
      w.printf("  %-12s %s (SHA-256 %s)%n", "profile", m.profile().name(), m.profile().sha256());
      for (Manifest.ListInfo l : m.lists()) {
        w.printf(
            "  %-12s %s %s, thisUpdate %s, verified via %s%n",
            "list", l.kind(), l.sequenceNumber(), l.thisUpdate(), l.anchor());
      }
      w.printf("  %-12s %d files, %d bytes%n", "contents", m.files().size(), size);
      long clientCount =
          m.files().stream().filter(f -> f.path().startsWith(BundleBuilder.CLIENT_DIR)).count();
      w.printf(
          "  %-12s %d files under %s%s%n",
          "client",
          clientCount,
          BundleBuilder.CLIENT_DIR,
          clientUrl == null
              ? " (no --client-url: the script needs -MirrorUrl)"
              : " for RootDirUrl " + clientUrl);
      w.printf(
          "  %-12s %d requests, %d bytes downloaded, %d not modified (304), %d retries%n",
          "network", stats.requests(), stats.bytes(), stats.notModified(), stats.retries());
      if (c.previousBundleId().isPresent()) {
        w.printf(
            "  %-12s since %s: %d roots added, %d removed, %d changed; %d disallowed added,"
                + " %d removed%n",
            "changes",
            c.previousBundleId().get(),
            authroot.map(d -> d.added().size()).orElse(0),
            authroot.map(d -> d.removed().size()).orElse(0),
            authroot.map(d -> d.changed().size()).orElse(0),
            disallowed.map(d -> d.added().size()).orElse(0),
            disallowed.map(d -> d.removed().size()).orElse(0));
        labels(authroot.map(CtlDiff::added))
            .forEach(s -> w.printf("  %-12s + %s%n", "", Main.oneLine(s)));
        labels(authroot.map(CtlDiff::removed))
            .forEach(s -> w.printf("  %-12s - %s%n", "", Main.oneLine(s)));
        // Changed roots can be many (73 in August 2025): the first few here, all of them in
        // --html and in trustbundle diff.
        List<CtlDiff.Changed> changed = authroot.map(CtlDiff::changed).orElse(List.of());
        changed.stream()
            .limit(SUMMARY_CHANGED)
            .forEach(x -> w.printf("  %-12s ~ %s%n", "", Main.oneLine(label(x))));
        if (changed.size() > SUMMARY_CHANGED) {
          w.printf(
              "  %-12s ~ and %d more changed roots (all of them: --html FILE, or trustbundle diff"
                  + " PREVIOUS OUT)%n",
              "", changed.size() - SUMMARY_CHANGED);
        }
      }
      m.warnings().forEach(s -> w.printf("  %-12s %s%n", "warning", Main.oneLine(s)));
    }
    w.flush();
  }

  /** The changes since the previous bundle, worded as {@code trustbundle diff} words them. */
  static List<CtlDiff> changes(BundleBuilder.Result r) {
    SortedMap<String, byte[]> before = r.changes().previousFiles();
    SortedMap<String, byte[]> after = r.entries();
    return r.changes().lists().stream()
        .map(
            l ->
                CtlDiff.compare(
                    l.kind(),
                    l.before(),
                    l.after(),
                    sha1 -> Optional.ofNullable(before.get("mirror/" + sha1 + ".crt")),
                    sha1 -> Optional.ofNullable(after.get("mirror/" + sha1 + ".crt"))))
        .toList();
  }

  /** "SHA1 name" per entry. */
  private static List<String> labels(Optional<List<CtlDiff.Entry>> entries) {
    return entries.orElse(List.of()).stream()
        .map(e -> e.sha1() + " " + e.friendlyName().orElse(""))
        .map(String::strip)
        .toList();
  }

  private static List<String> ids(Optional<List<CtlDiff.Entry>> entries) {
    return entries.orElse(List.of()).stream().map(CtlDiff.Entry::sha1).toList();
  }

  /** "SHA1 name: change; change". */
  private static String label(CtlDiff.Changed c) {
    return c.sha1()
        + c.friendlyName().map(n -> " " + n).orElse("")
        + ": "
        + String.join("; ", c.changes());
  }

  /** A --client-url that clients can reach: never 0.0.0.0, loopback or link-local. */
  private static MirrorUrl reachable(MirrorUrl url) {
    url.unreachableHost()
        .ifPresent(
            why -> {
              throw new dev.trustbundle.error.UsageException(
                  "--client-url "
                      + url
                      + ": "
                      + why
                      + "; give the mirror's host name or address as clients reach it");
            });
    return url;
  }
}
