package dev.trustbundle.bundle;

import dev.trustbundle.cab.CabReader;
import dev.trustbundle.cab.Cabinet;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.ctl.SstReader;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.NetworkException;
import dev.trustbundle.error.TrustBundleException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import dev.trustbundle.profile.Profile;
import dev.trustbundle.upstream.FetchCache;
import dev.trustbundle.upstream.Fetched;
import dev.trustbundle.upstream.Fetcher;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.CtlVerification;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.Issuers;
import dev.trustbundle.verify.Pin;
import dev.trustbundle.verify.RootCheck;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Builds a bundle: fetches Microsoft's lists and roots and what the profile asks for, verifies
 * every byte (list signatures, roots against their entries, intermediates against pins and chains,
 * CRLs against their issuers), and returns the archive's entries with a signed manifest. Nothing
 * that fails verification is returned; the first failure ends the build with a message naming the
 * file, the URL, what was expected and what arrived.
 */
public final class BundleBuilder {
  static final long MAX_LIST = 32L << 20;
  static final long MAX_CERT = 1L << 20;
  static final long MAX_CRL = 64L << 20;

  /** Which roots to download. */
  public enum RootsMode {
    /** Every root the authroot list names, as certutil -syncWithWU does. */
    ALL,
    /** Only the roots the profile names. */
    PROFILE
  }

  /**
   * What to build.
   *
   * @param upstream base URL of the trustedr/en/ folder, ending in '/'
   * @param profile the profile
   * @param roots which roots to take
   * @param validDays bundle validity (null: the profile's)
   * @param now the evaluation time, read once
   * @param previous the previous bundle, for the change summary and the grace period
   * @param toolVersion recorded in the manifest
   * @param anchors the pinned roots list signers must chain to
   * @param verifyOptions list verification options
   */
  public record Request(
      String upstream,
      Profile profile,
      RootsMode roots,
      Integer validDays,
      Instant now,
      Optional<PreviousBundle> previous,
      String toolVersion,
      TrustAnchors anchors,
      VerifyOptions verifyOptions) {}

  /**
   * A bundle built before, read back from its archive.
   *
   * @param manifest its manifest
   * @param files its entries
   */
  public record PreviousBundle(Manifest manifest, SortedMap<String, byte[]> files) {}

  /** Receives progress; called from fetch threads. */
  public interface Progress {
    /** A total is known (files). */
    void expect(int files);

    /** One file arrived and passed verification. */
    void done(String name, long bytes, boolean fromCache);

    /** A stage message. */
    void stage(String message);

    /** Ignores everything. */
    static Progress none() {
      return new Progress() {
        @Override
        public void expect(int files) {}

        @Override
        public void done(String name, long bytes, boolean fromCache) {}

        @Override
        public void stage(String message) {}
      };
    }
  }

  /**
   * The result.
   *
   * @param manifest the manifest
   * @param entries every archive entry, manifest and signature included
   * @param changes the change summary against the previous bundle
   */
  public record Result(Manifest manifest, SortedMap<String, byte[]> entries, Changes changes) {}

  /**
   * What changed since the previous bundle.
   *
   * @param previousBundleId the bundle compared with, if any
   * @param rootsAdded added roots ("SHA1 name")
   * @param rootsRemoved removed roots
   * @param rootsChanged roots whose attributes changed
   * @param disallowedAdded disallowed entries added
   */
  public record Changes(
      Optional<String> previousBundleId,
      List<String> rootsAdded,
      List<String> rootsRemoved,
      List<String> rootsChanged,
      List<String> disallowedAdded) {}

  private final Fetcher fetcher;
  private final Optional<FetchCache> cache;
  private final List<Fetched> pendingCache = new ArrayList<>();
  private final Progress progress;

  public BundleBuilder(Fetcher fetcher, Optional<FetchCache> cache, Progress progress) {
    this.fetcher = fetcher;
    this.cache = cache;
    this.progress = progress;
  }

  /** One verified file of the bundle. */
  private record Item(String path, byte[] body, String role, Fetched origin) {}

  /**
   * Builds and signs a bundle.
   *
   * @throws VerificationException when something fails verification
   * @throws NetworkException when a download fails after its retries
   */
  public Result build(Request req, SigningKey key) {
    return build(req, () -> key);
  }

  /**
   * Builds and signs a bundle, loading the key while the first downloads are in flight; a key that
   * cannot be loaded still ends the build before the roots are fetched.
   */
  public Result build(Request req, java.util.function.Supplier<SigningKey> keySource) {
    String base = req.upstream().endsWith("/") ? req.upstream() : req.upstream() + "/";
    Instant now = req.now();
    List<String> warnings = new ArrayList<>();
    Map<String, Item> items = new ConcurrentHashMap<>();
    List<Manifest.ListInfo> lists = new ArrayList<>();

    progress.stage("fetching Microsoft's lists from " + base);
    // The list cabinets and the pinned Microsoft roots are needed first.
    Map<String, CompletableFuture<Optional<Fetched>>> first = new LinkedHashMap<>();
    for (String name :
        List.of(
            "authrootstl.cab",
            "disallowedcertstl.cab",
            "pinrulesstl.cab",
            "authroot.stl",
            "disallowedcert.sst",
            "authrootseq.txt")) {
      first.put(name, fetcher.fetchAsync(base + name, MAX_LIST));
    }
    Map<String, CompletableFuture<Optional<Fetched>>> anchorFetches = new LinkedHashMap<>();
    for (Pin pin : req.anchors().pins()) {
      pin.sha1()
          .ifPresent(s -> anchorFetches.put(s, fetcher.fetchAsync(base + s + ".crt", MAX_CERT)));
    }
    SigningKey key = keySource.get();
    Instant certEnd = key.certificate().getNotAfter().toInstant();
    Instant certStart = key.certificate().getNotBefore().toInstant();
    if (certStart.isAfter(now)) {
      throw new UsageException(
          "the publisher certificate is valid only from "
              + certStart
              + ", after the build time "
              + now
              + "; check --at and the clock (bundles it signed would be refused on import)");
    }
    if (certEnd.isBefore(now)) {
      throw new UsageException(
          "the publisher certificate expired on "
              + certEnd
              + "; create a new key with trustbundle keygen and give the disconnected side its"
              + " publisher.crt");
    }
    // The last steps (manifest JSON, CMS signature, tar.gz) load many classes; load them now,
    // on a spare thread, while the downloads are in flight.
    Thread warm = new Thread(() -> warmUp(key), "trustbundle-warm-up");
    warm.setDaemon(true);
    warm.start();
    // authroot (required)
    Fetched authCab =
        require(join(first.get("authrootstl.cab")), base + "authrootstl.cab", "the authroot list");
    // Parsed (not yet trusted) only to learn which roots to fetch, so that the downloads overlap
    // the signature check; nothing fetched is kept unless the list verifies.
    Ctl authroot = parseListQuietly(authCab, CtlKind.AUTHROOT);

    // Roots: start downloading now, while the other lists are verified.
    Set<String> wanted = new LinkedHashSet<>();
    if (req.roots() == RootsMode.ALL) {
      authroot.entries().forEach(e -> wanted.add(e.identifierHex()));
    }
    // The pinned roots the lists chain to always travel with the bundle, so that the
    // disconnected side can verify the lists again whatever --roots says.
    for (Pin pin : req.anchors().pins()) {
      pin.sha1().filter(s -> authroot.entry(s).isPresent()).ifPresent(wanted::add);
    }
    Map<String, Profile.RootItem> profileCtlRoots = new LinkedHashMap<>();
    for (Profile.RootItem r : req.profile().roots()) {
      Optional<CtlEntry> entry = findEntry(authroot, r);
      if (entry.isPresent()) {
        wanted.add(entry.get().identifierHex());
        profileCtlRoots.put(entry.get().identifierHex(), r);
      } else if (r.url().isEmpty()) {
        throw new VerificationException(
            "profile root '"
                + r.name()
                + "' is not in the authroot list "
                + authroot.sequenceNumber().map(s -> s.hex()).orElse("")
                + " and has no url to download it from; add url and sha256 to the profile");
      }
    }
    progress.expect(wanted.size() + 1);
    Map<String, CompletableFuture<Item>> rootFutures = new LinkedHashMap<>();
    for (String sha1 : wanted) {
      String url = base + sha1 + ".crt";
      // The pinned Microsoft roots are already on their way: reuse those downloads.
      CompletableFuture<Optional<Fetched>> download =
          anchorFetches.containsKey(sha1)
              ? anchorFetches.get(sha1)
              : fetcher.fetchAsync(url, MAX_CERT);
      rootFutures.put(
          sha1,
          download.thenApply(
              f -> {
                Fetched got =
                    require(f, url, "root " + sha1 + " (" + friendly(authroot, sha1) + ")");
                Fetched ok = verified(got, url, b -> checkRoot(sha1, b, authroot, url));
                progress.done(sha1 + ".crt", ok.body().length, ok.fromCache());
                return new Item("mirror/" + sha1 + ".crt", ok.body(), "root", ok);
              }));
    }

    // Now verify the authroot list while the roots download.
    Map<String, byte[]> anchorBytes = new ConcurrentHashMap<>();
    for (Map.Entry<String, CompletableFuture<Optional<Fetched>>> e : anchorFetches.entrySet()) {
      join(e.getValue()).ifPresent(f -> anchorBytes.put(e.getKey(), f.body()));
    }
    AnchorSource anchors =
        new AnchorSource() {
          @Override
          public Optional<byte[]> certificate(String sha1Hex) {
            return Optional.ofNullable(anchorBytes.get(sha1Hex.toUpperCase(Locale.ROOT)));
          }

          @Override
          public String describe() {
            return base;
          }
        };
    CtlVerifier verifier = new CtlVerifier(req.anchors(), anchors, req.verifyOptions());

    Ctl verifiedAuthroot;
    try {
      verifiedAuthroot =
          verifyCab(
              authCab,
              CtlKind.AUTHROOT,
              verifier,
              now,
              lists,
              warnings,
              items,
              "mirror/authrootstl.cab");
    } catch (RuntimeException e) {
      rootFutures.values().forEach(f -> f.cancel(true));
      throw e;
    }
    if (!verifiedAuthroot.sequenceNumber().equals(authroot.sequenceNumber())) {
      throw new VerificationException("authrootstl.cab changed while it was being read; retry");
    }
    refuseRollback(req, authroot);

    // disallowed (required), pin rules (expected)
    Fetched disCab =
        require(
            join(first.get("disallowedcertstl.cab")),
            base + "disallowedcertstl.cab",
            "the disallowed list");
    Ctl disallowed =
        verifyCab(
            disCab,
            CtlKind.DISALLOWEDCERT,
            verifier,
            now,
            lists,
            warnings,
            items,
            "mirror/disallowedcertstl.cab");
    Optional<Fetched> pinCab = join(first.get("pinrulesstl.cab"));
    if (pinCab.isPresent()) {
      verifyCab(
          pinCab.get(),
          CtlKind.PINRULES,
          verifier,
          now,
          lists,
          warnings,
          items,
          "mirror/pinrulesstl.cab");
    } else {
      warnings.add(
          "upstream has no pinrulesstl.cab (HTTP 404); Windows 10+ clients will miss pin rules");
    }
    Optional<Fetched> stl = join(first.get("authroot.stl"));
    if (stl.isPresent()) {
      Fetched ok =
          verified(
              stl.get(),
              stl.get().url(),
              b -> {
                SignedCtl s = CtlParser.parse(b);
                CtlVerification v = verifier.verify(s, Optional.of(CtlKind.AUTHROOT), now);
                if (!v.valid()) {
                  throw new VerificationException(String.join("; ", v.failures()));
                }
                if (!s.ctl().sequenceNumber().equals(authroot.sequenceNumber())) {
                  warnings.add(
                      "authroot.stl upstream has sequence "
                          + s.ctl().sequenceNumber().map(x -> x.hex()).orElse("?")
                          + " but authrootstl.cab has "
                          + authroot.sequenceNumber().map(x -> x.hex()).orElse("?"));
                }
              });
      put(items, new Item("mirror/authroot.stl", ok.body(), "list", ok));
    } else {
      warnings.add("upstream has no authroot.stl (HTTP 404); tools that read it will miss it");
    }
    Optional<Fetched> sst = join(first.get("disallowedcert.sst"));
    if (sst.isPresent()) {
      Fetched ok = verified(sst.get(), sst.get().url(), SstReader::read);
      put(items, new Item("mirror/disallowedcert.sst", ok.body(), "store", ok));
    } else {
      warnings.add("upstream has no disallowedcert.sst (HTTP 404)");
    }
    String seqHex = authroot.sequenceNumber().orElseThrow().hex();
    join(first.get("authrootseq.txt"))
        .ifPresent(
            f -> {
              String up = new String(f.body(), StandardCharsets.US_ASCII).trim();
              if (!up.equalsIgnoreCase(seqHex)) {
                throw new VerificationException(
                    "authrootseq.txt from "
                        + f.url()
                        + " says "
                        + printable(up)
                        + " but the verified authroot list has sequence "
                        + seqHex
                        + "; the upstream is inconsistent, retry later");
              }
              store(f);
            });
    // Written from the verified list, never copied: "big endian ascii hex" (reference 1).
    byte[] seqBytes = seqHex.getBytes(StandardCharsets.US_ASCII);
    put(items, new Item("mirror/authrootseq.txt", seqBytes, "sequence", null));

    // Wait for the roots.
    List<String> rootFailures = new ArrayList<>();
    for (Map.Entry<String, CompletableFuture<Item>> e : rootFutures.entrySet()) {
      try {
        put(items, e.getValue().join());
      } catch (CompletionException ce) {
        Throwable c = ce.getCause();
        if (c instanceof NetworkException ne) {
          throw ne;
        }
        rootFailures.add(c.getMessage());
      }
    }
    if (!rootFailures.isEmpty()) {
      throw new VerificationException(
          rootFailures.size()
              + " root certificate(s) failed verification and the build stopped; first: "
              + rootFailures.get(0));
    }

    // Profile roots.
    Map<String, X509Certificate> bundleRoots = new LinkedHashMap<>();
    for (Map.Entry<String, Profile.RootItem> e : profileCtlRoots.entrySet()) {
      Item it = items.get("mirror/" + e.getKey() + ".crt");
      Profile.RootItem r = e.getValue();
      if (r.sha256().isPresent() && !r.sha256().get().equals(Hex.sha256(it.body()))) {
        throw new VerificationException(
            "profile root '"
                + r.name()
                + "': the list's root "
                + e.getKey()
                + " has SHA-256 "
                + Hex.sha256(it.body())
                + ", the profile pins "
                + r.sha256().get());
      }
      X509Certificate c = parseCert(it.body(), "profile root '" + r.name() + "'");
      expiryWarning(c, "profile root '" + r.name() + "'", now, warnings);
      bundleRoots.put(e.getKey(), c);
    }
    for (Profile.RootItem r : req.profile().roots()) {
      if (findEntry(authroot, r).isPresent()) {
        continue;
      }
      String url = r.url().orElseThrow();
      Fetched f = require(fetcher.fetch(url, MAX_CERT), url, "profile root '" + r.name() + "'");
      byte[] der = toDer(f.body(), "profile root '" + r.name() + "' from " + url);
      if (!Hex.sha256(der).equals(r.sha256().orElseThrow())) {
        throw new VerificationException(
            "profile root '"
                + r.name()
                + "' from "
                + url
                + ": expected SHA-256 "
                + r.sha256().get()
                + ", got "
                + Hex.sha256(der));
      }
      X509Certificate c = parseCert(der, "profile root '" + r.name() + "'");
      expiryWarning(c, "profile root '" + r.name() + "'", now, warnings);
      String sha1 = Hex.sha1(der);
      bundleRoots.put(sha1, c);
      put(items, new Item("extra/roots/" + sha1 + ".crt", der, "extra-root", f));
      store(f);
    }

    // Intermediates: pinned, or by subject when they chain to a root of the bundle.
    Map<String, X509Certificate> intermediates = new LinkedHashMap<>();
    if (!req.profile().intermediates().isEmpty()) {
      progress.stage("fetching " + req.profile().intermediates().size() + " intermediates");
    }
    List<X509Certificate> allRoots = allRoots(items, bundleRoots);
    for (Profile.IntermediateItem it : req.profile().intermediates()) {
      String what = "profile intermediate '" + it.name() + "'";
      Fetched f = require(fetcher.fetch(it.url(), MAX_CERT), it.url(), what);
      byte[] der = toDer(f.body(), what + " from " + it.url());
      X509Certificate c = parseCert(der, what);
      if (it.sha256().isPresent() && !it.sha256().get().equals(Hex.sha256(der))) {
        throw new VerificationException(
            what
                + " from "
                + it.url()
                + ": expected SHA-256 "
                + it.sha256().get()
                + ", got "
                + Hex.sha256(der));
      }
      if (it.subject().isPresent()
          && !new X500Principal(it.subject().get()).equals(c.getSubjectX500Principal())) {
        throw new VerificationException(
            what
                + " from "
                + it.url()
                + ": expected subject "
                + it.subject().get()
                + ", got "
                + c.getSubjectX500Principal().getName(X500Principal.RFC2253));
      }
      X509Certificate issuer = Issuers.find(c, allRoots).orElse(null);
      if (issuer == null) {
        throw new VerificationException(
            what
                + " from "
                + it.url()
                + " does not chain to a root of the bundle (issuer "
                + c.getIssuerX500Principal().getName(X500Principal.RFC2253)
                + "); add that root to the profile");
      }
      try {
        c.checkValidity(java.util.Date.from(now));
      } catch (GeneralSecurityException e) {
        throw new VerificationException(
            what
                + " from "
                + it.url()
                + " is not valid now (valid "
                + c.getNotBefore().toInstant()
                + " to "
                + c.getNotAfter().toInstant()
                + "); the issuer may have re-issued it: update the profile");
      }
      if (c.getBasicConstraints() < 0) {
        throw new VerificationException(what + " from " + it.url() + " is not a CA certificate");
      }
      String sha1 = Hex.sha1(der);
      intermediates.put(sha1, c);
      put(items, new Item("extra/intermediates/" + sha1 + ".crt", der, "intermediate", f));
      store(f);
      expiryWarning(c, what, now.plus(Duration.ofDays(validDays(req))), warnings);
    }

    // CRLs.
    Set<String> crlUrls = new LinkedHashSet<>();
    for (Profile.CrlItem ci : req.profile().crls()) {
      if (ci.fromCdp()) {
        List<X509Certificate> listed = new ArrayList<>(bundleRoots.values());
        listed.addAll(intermediates.values());
        for (X509Certificate c : listed) {
          crlUrls.addAll(cdpUrls(c));
        }
      } else {
        crlUrls.add(ci.url().orElseThrow());
      }
    }
    if (!crlUrls.isEmpty()) {
      progress.stage("fetching " + crlUrls.size() + " CRLs");
    }
    List<X509Certificate> issuers = new ArrayList<>(allRoots);
    issuers.addAll(intermediates.values());
    Instant expires = now.plus(Duration.ofDays(validDays(req))).truncatedTo(ChronoUnit.SECONDS);
    if (certEnd.isBefore(expires)) {
      warnings.add(
          "the publisher certificate expires on "
              + certEnd
              + ", before this bundle does ("
              + expires
              + "); renew the key soon");
    }
    for (String url : crlUrls) {
      Fetched f = require(fetcher.fetch(url, MAX_CRL), url, "CRL");
      checkCrl(f.body(), url, issuers, now, expires, warnings);
      put(items, new Item(crlPath(url), f.body(), "crl", f));
      store(f);
    }

    progress.stage("signing and packing " + items.size() + " files");
    // Grace period for roots that left the list, and the change summary.
    List<Manifest.RemovedRoot> removed = new ArrayList<>();
    Changes changes = changes(req, authroot, disallowed, items, removed, warnings);

    return assemble(req, key, base, items, lists, removed, warnings, changes, expires);
  }

  private Result assemble(
      Request req,
      SigningKey key,
      String base,
      Map<String, Item> items,
      List<Manifest.ListInfo> lists,
      List<Manifest.RemovedRoot> removed,
      List<String> warnings,
      Changes changes,
      Instant expires) {
    SortedMap<String, byte[]> entries = new TreeMap<>();
    List<Manifest.FileInfo> files = new ArrayList<>();
    StringBuilder idInput = new StringBuilder();
    for (Item it : new TreeMap<>(items).values()) {
      entries.put(it.path(), it.body());
      String sha = Hex.sha256(it.body());
      idInput.append(it.path()).append(' ').append(sha).append('\n');
      Fetched o = it.origin();
      files.add(
          new Manifest.FileInfo(
              it.path(),
              it.body().length,
              sha,
              it.role(),
              o == null ? null : o.url(),
              o == null ? null : o.fetchedAt().truncatedTo(ChronoUnit.SECONDS).toString(),
              o == null ? null : o.etag().orElse(null),
              o == null ? null : o.lastModified().orElse(null)));
    }
    Instant now = req.now().truncatedTo(ChronoUnit.SECONDS);
    long sequence = now.getEpochSecond();
    if (req.previous().isPresent()) {
      sequence = Math.max(sequence, req.previous().get().manifest().sequence() + 1);
    }
    idInput.append(sequence).append(' ').append(expires).append(' ').append(req.profile().sha256());
    String id =
        "tb-"
            + now.toString().replaceAll("[-:]", "").replace("Z", "z").toLowerCase(Locale.ROOT)
            + "-"
            + Hex.sha256(idInput.toString().getBytes(StandardCharsets.UTF_8))
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    lists.sort(java.util.Comparator.comparing(Manifest.ListInfo::kind));
    Manifest m =
        new Manifest(
            Manifest.FORMAT_VERSION,
            id,
            sequence,
            now.toString(),
            expires.toString(),
            "trustbundle " + req.toolVersion(),
            new Manifest.ProfileRef(req.profile().name(), req.profile().sha256()),
            base,
            lists,
            files,
            removed,
            warnings);
    byte[] manifest = Json.write(m);
    byte[] signature = ManifestSignature.sign(manifest, key);
    // A signature that does not verify with the published certificate must never ship.
    ManifestSignature.verify(manifest, signature, key.certificate());
    entries.put("manifest.json", manifest);
    entries.put("manifest.json.p7s", signature);
    cache.ifPresent(c -> pendingCache.forEach(c::store));
    return new Result(m, entries, changes);
  }

  private int validDays(Request req) {
    return req.validDays() != null ? req.validDays() : req.profile().validityDays();
  }

  private Ctl verifyCab(
      Fetched cab,
      CtlKind kind,
      CtlVerifier verifier,
      Instant now,
      List<Manifest.ListInfo> lists,
      List<String> warnings,
      Map<String, Item> items,
      String path) {
    Ctl[] out = new Ctl[1];
    Fetched ok =
        verified(
            cab,
            cab.url(),
            b -> {
              Cabinet c = CabReader.read(b);
              byte[] stl =
                  c.entry(kind.stlName())
                      .or(
                          () ->
                              c.entries().stream()
                                  .filter(e -> e.name().toLowerCase(Locale.ROOT).endsWith(".stl"))
                                  .findFirst())
                      .orElseThrow(
                          () ->
                              new MalformedInputException("the cabinet holds no " + kind.stlName()))
                      .data();
              SignedCtl s = CtlParser.parse(stl);
              CtlVerification v = verifier.verify(s, Optional.of(kind), now);
              if (!v.valid()) {
                throw new VerificationException(String.join("; ", v.failures()));
              }
              out[0] = s.ctl();
              synchronized (lists) {
                lists.removeIf(l -> l.kind().equals(kind.label()));
                lists.add(
                    new Manifest.ListInfo(
                        kind.label(),
                        path,
                        s.ctl().sequenceNumber().map(x -> x.hex()).orElse(null),
                        s.ctl().thisUpdate().toString(),
                        v.signer().orElse(null),
                        v.chain(),
                        v.anchor().orElse(null),
                        true,
                        v.warnings()));
              }
              v.warnings().forEach(w -> warnings.add(kind.stlName() + ": " + w));
            });
    put(items, new Item(path, ok.body(), "list", ok));
    if (kind == CtlKind.AUTHROOT) {
      progress.done(kind.cabName(), ok.body().length, ok.fromCache());
    }
    return out[0];
  }

  private static void warmUp(SigningKey key) {
    try {
      byte[] m =
          Json.write(
              new Manifest(
                  Manifest.FORMAT_VERSION,
                  "warm-up",
                  0,
                  "",
                  "",
                  "",
                  null,
                  "",
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of()));
      ManifestSignature.sign(m, key);
      SortedMap<String, byte[]> one = new TreeMap<>();
      one.put("warm-up", m);
      BundleArchive.write(one, java.io.OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      // Only a warm-up: the real steps report their own errors.
    }
  }

  /** The list in a cabinet, parsed but not verified; malformed input fails the build. */
  private static Ctl parseListQuietly(Fetched cab, CtlKind kind) {
    try {
      Cabinet c = CabReader.read(cab.body());
      byte[] stl =
          c.entry(kind.stlName())
              .orElseThrow(
                  () -> new MalformedInputException("the cabinet holds no " + kind.stlName()))
              .data();
      return CtlParser.parse(stl).ctl();
    } catch (MalformedInputException e) {
      throw new MalformedInputException(
          kind.cabName() + " from " + cab.url() + " failed verification: " + e.getMessage(), e);
    }
  }

  /**
   * Runs a check on fetched bytes; on failure of cached bytes, evicts and downloads afresh once.
   */
  private Fetched verified(Fetched f, String url, java.util.function.Consumer<byte[]> check) {
    try {
      check.accept(f.body());
    } catch (TrustBundleException e) {
      if (f.fromCache() && cache.isPresent()) {
        cache.get().evict(f.url());
        Fetched again = require(fetcher.fetch(f.url(), MAX_LIST), f.url(), "the file");
        return verified(again, url, check);
      }
      String msg = fileName(url) + " from " + url + " failed verification: " + e.getMessage();
      if (e instanceof MalformedInputException) {
        throw new MalformedInputException(msg, e);
      }
      throw new VerificationException(msg, e);
    }
    store(f);
    return f;
  }

  /** Remembers a checked download; the cache is written only when the whole build succeeds. */
  private void store(Fetched f) {
    if (cache.isPresent()) {
      synchronized (pendingCache) {
        pendingCache.add(f);
      }
    }
  }

  private static void checkRoot(String sha1, byte[] der, Ctl authroot, String url) {
    List<String> problems = RootCheck.check(Optional.of(sha1 + ".crt"), der, authroot);
    if (!problems.isEmpty()) {
      throw new VerificationException(String.join("; ", problems));
    }
  }

  private Fetched require(Optional<Fetched> f, String url, String what) {
    return f.orElseThrow(
        () -> {
          String asked = fetcher.target(url);
          return new VerificationException(
              what
                  + " is missing upstream: "
                  + url
                  + (asked.equals(url) ? "" : " (fetched as " + asked + ")")
                  + " answered 404 or does not exist; check --upstream and --rewrite");
        });
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private static void put(Map<String, Item> items, Item it) {
    items.put(it.path(), it);
  }

  private static Optional<CtlEntry> findEntry(Ctl ctl, Profile.RootItem r) {
    for (CtlEntry e : ctl.entries()) {
      if (r.sha1().isPresent() && e.identifierHex().equals(r.sha1().get())) {
        return Optional.of(e);
      }
      if (r.sha1().isEmpty()
          && r.sha256().isPresent()
          && e.sha256Hex().map(s -> s.equals(r.sha256().get())).orElse(false)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static String friendly(Ctl ctl, String sha1) {
    return ctl.entry(sha1).flatMap(CtlEntry::friendlyName).orElse("?");
  }

  private static X509Certificate parseCert(byte[] der, String what) {
    try {
      return Certificates.parse(der, what);
    } catch (MalformedInputException e) {
      throw new VerificationException(e.getMessage());
    }
  }

  private static byte[] toDer(byte[] body, String what) {
    try {
      List<byte[]> certs = Certificates.split(body, what);
      if (certs.size() != 1) {
        throw new VerificationException(what + " holds " + certs.size() + " certificates, not one");
      }
      return certs.get(0);
    } catch (MalformedInputException e) {
      throw new VerificationException(e.getMessage());
    }
  }

  private static void expiryWarning(
      X509Certificate c, String what, Instant at, List<String> warnings) {
    if (c.getNotAfter().toInstant().isBefore(at)) {
      warnings.add(
          what
              + " expires on "
              + c.getNotAfter().toInstant()
              + ", within the bundle's validity or before");
    }
  }

  private static List<X509Certificate> allRoots(
      Map<String, Item> items, Map<String, X509Certificate> profileRoots) {
    List<X509Certificate> out = new ArrayList<>(profileRoots.values());
    for (Item it : items.values()) {
      if (it.role().equals("root")) {
        try {
          out.add(Certificates.parse(it.body(), it.path()));
        } catch (MalformedInputException e) {
          // A listed root the JDK cannot parse cannot issue anything we check.
        }
      }
    }
    return out;
  }

  /** The http(s) CRL distribution points of a certificate. */
  static List<String> cdpUrls(X509Certificate c) {
    byte[] ext = c.getExtensionValue("2.5.29.31");
    if (ext == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try {
      ASN1Primitive inner =
          ASN1Primitive.fromByteArray(
              ((DEROctetString) ASN1Primitive.fromByteArray(ext)).getOctets());
      for (DistributionPoint dp : CRLDistPoint.getInstance(inner).getDistributionPoints()) {
        DistributionPointName n = dp.getDistributionPoint();
        if (n == null || n.getType() != DistributionPointName.FULL_NAME) {
          continue;
        }
        for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) {
          if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
            String u = g.getName().toString();
            if (u.toLowerCase(Locale.ROOT).startsWith("http")) {
              out.add(u);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return out;
  }

  private static void checkCrl(
      byte[] body,
      String url,
      List<X509Certificate> issuers,
      Instant now,
      Instant expires,
      List<String> warnings) {
    // Nesting bounded before the JDK's parser; a CRL that does not parse is malformed (exit 3).
    X509CRL crl =
        dev.trustbundle.ctl.Certificates.parseCrl(
            dev.trustbundle.ctl.Certificates.crlDer(body, "the CRL from " + url),
            "the CRL from " + url);
    X509Certificate issuer = null;
    for (X509Certificate c : issuers) {
      if (c.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        try {
          crl.verify(c.getPublicKey());
          issuer = c;
          break;
        } catch (GeneralSecurityException | RuntimeException e) {
          // same name, other key
        }
      }
    }
    if (issuer == null) {
      throw new VerificationException(
          "the CRL from "
              + url
              + " is not signed by a certificate of the bundle (issuer "
              + crl.getIssuerX500Principal().getName(X500Principal.RFC2253)
              + "); add its issuer to the profile");
    }
    if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now)) {
      throw new VerificationException(
          "the CRL from "
              + url
              + " is stale: its nextUpdate "
              + crl.getNextUpdate().toInstant()
              + " has passed");
    }
    if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(expires)) {
      warnings.add(
          "the CRL from "
              + url
              + " expires (nextUpdate "
              + crl.getNextUpdate().toInstant()
              + ") before the bundle does; rebuild before then");
    }
  }

  /** {@code crl/<host>/<path>} for a CRL URL, with unsafe characters replaced. */
  static String crlPath(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new VerificationException("the CRL URL " + url + " is not a valid URL");
    }
    if (u.getHost() == null) {
      throw new VerificationException("the CRL URL " + url + " has no host");
    }
    String host = u.getHost().toLowerCase(Locale.ROOT);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String clean =
        path.replaceAll("^/+", "").replaceAll("[^A-Za-z0-9._%/-]", "_").replaceAll("/+", "/");
    clean = clean.replaceAll("(^|/)\\.\\.?(?=/|$)", "$1_");
    if (clean.isEmpty()) {
      clean = "index.crl";
    }
    return "crl/" + host + "/" + clean;
  }

  private static String fileName(String url) {
    int i = url.lastIndexOf('/');
    return i >= 0 ? url.substring(i + 1) : url;
  }

  private static String printable(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return "\"" + t.replaceAll("[^\\x20-\\x7E]", "?") + "\"";
  }

  private Changes changes(
      Request req,
      Ctl authroot,
      Ctl disallowed,
      Map<String, Item> items,
      List<Manifest.RemovedRoot> removed,
      List<String> warnings) {
    if (req.previous().isEmpty()) {
      return new Changes(Optional.empty(), List.of(), List.of(), List.of(), List.of());
    }
    PreviousBundle prev = req.previous().get();
    Ctl prevAuth = previousList(prev, "mirror/authrootstl.cab", CtlKind.AUTHROOT);
    Ctl prevDis = previousList(prev, "mirror/disallowedcertstl.cab", CtlKind.DISALLOWEDCERT);
    List<String> added = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    Map<String, CtlEntry> before = new LinkedHashMap<>();
    prevAuth.entries().forEach(e -> before.put(e.identifierHex(), e));
    for (CtlEntry e : authroot.entries()) {
      CtlEntry old = before.remove(e.identifierHex());
      String label = e.identifierHex() + " " + e.friendlyName().orElse("");
      if (old == null) {
        added.add(label);
      } else if (!EntrySummary.of(old).equals(EntrySummary.of(e))) {
        changed.add(label + ": " + EntrySummary.difference(old, e));
      }
    }
    Map<String, Manifest.RemovedRoot> earlier = new LinkedHashMap<>();
    prev.manifest().removedRoots().forEach(r -> earlier.put(r.sha1(), r));
    Instant now = req.now().truncatedTo(ChronoUnit.SECONDS);
    int grace = req.profile().graceDays();
    for (CtlEntry e : before.values()) {
      String sha1 = e.identifierHex();
      gone.add(sha1 + " " + e.friendlyName().orElse(""));
      Instant since =
          Optional.ofNullable(earlier.get(sha1))
              .map(r -> Instant.parse(r.removedSince()))
              .orElse(now);
      Instant keepUntil = since.plus(Duration.ofDays(grace));
      byte[] der = prev.files().get("mirror/" + sha1 + ".crt");
      if (der != null && keepUntil.isAfter(now) && Hex.sha1(der).equals(sha1)) {
        put(items, new Item("mirror/" + sha1 + ".crt", der, "removed-root", null));
        removed.add(
            new Manifest.RemovedRoot(
                sha1, e.friendlyName().orElse(null), since.toString(), keepUntil.toString()));
      }
    }
    // Roots removed before the previous bundle and still in their grace period.
    for (Manifest.RemovedRoot r : prev.manifest().removedRoots()) {
      if (before.containsKey(r.sha1()) || authroot.entry(r.sha1()).isPresent()) {
        continue;
      }
      byte[] der = prev.files().get("mirror/" + r.sha1() + ".crt");
      if (der != null
          && Instant.parse(r.keepUntil()).isAfter(now)
          && Hex.sha1(der).equals(r.sha1())) {
        put(items, new Item("mirror/" + r.sha1() + ".crt", der, "removed-root", null));
        removed.add(r);
      }
    }
    Set<String> prevDisIds = new LinkedHashSet<>();
    prevDis.entries().forEach(e -> prevDisIds.add(e.identifierHex()));
    List<String> disAdded = new ArrayList<>();
    for (CtlEntry e : disallowed.entries()) {
      if (!prevDisIds.contains(e.identifierHex())) {
        disAdded.add(e.identifierHex());
      }
    }
    if (!gone.isEmpty()) {
      warnings.add(
          gone.size()
              + " root(s) left the authroot list; their .crt files stay in the mirror for "
              + grace
              + " days (certutil advises deferring deletes until clients have updated)");
    }
    return new Changes(Optional.of(prev.manifest().bundleId()), added, gone, changed, disAdded);
  }

  /** A list older than the previous bundle's would undo Microsoft's removals: refuse it. */
  private static void refuseRollback(Request req, Ctl authroot) {
    if (req.previous().isEmpty()) {
      return;
    }
    Ctl prev = previousList(req.previous().get(), "mirror/authrootstl.cab", CtlKind.AUTHROOT);
    if (prev.sequenceNumber().isPresent()
        && authroot.sequenceNumber().isPresent()
        && authroot.sequenceNumber().get().compareTo(prev.sequenceNumber().get()) < 0) {
      throw new VerificationException(
          "the upstream's authroot list "
              + authroot.sequenceNumber().get().hex()
              + " is older than the previous bundle's "
              + prev.sequenceNumber().get().hex()
              + "; refusing a rollback (use a current --upstream, or drop --previous)");
    }
  }

  private static Ctl previousList(PreviousBundle prev, String path, CtlKind kind) {
    byte[] cab = prev.files().get(path);
    if (cab == null) {
      throw new UsageException("--previous bundle has no " + path);
    }
    Cabinet c = CabReader.read(cab);
    return CtlParser.parse(c.entry(kind.stlName()).orElse(c.entries().get(0)).data()).ctl();
  }
}
