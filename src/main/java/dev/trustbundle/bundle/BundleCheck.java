package dev.trustbundle.bundle;

import dev.trustbundle.cab.CabReader;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Der;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.error.Messages;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.CtlVerification;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.DisallowedStoreCheck;
import dev.trustbundle.verify.RootCheck;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one check of a bundle's contents against its manifest and the bundle rules, shared by {@code
 * build} (before signing), {@code verify}/{@code import}, {@code inspect} and {@code serve} (when
 * it loads a version). It collects every problem instead of stopping at the first; the caller
 * decides whether one ends the run. The manifest signature and whether its signer is trusted are
 * not checked here.
 *
 * <p>The rules (README, "What a bundle may hold"):
 *
 * <ul>
 *   <li>The archive holds exactly the manifest's files, each with its size and SHA-256, within the
 *       {@link Budget}; no two paths are equal ignoring case.
 *   <li>Every path has a known role, at the one place that role may sit: {@code
 *       mirror/authrootstl.cab}, {@code mirror/disallowedcertstl.cab}, {@code
 *       mirror/pinrulesstl.cab}, {@code mirror/authroot.stl}, {@code mirror/authrootseq.txt},
 *       {@code mirror/disallowedcert.sst}, {@code mirror/<SHA1>.crt}, {@code
 *       extra/roots/<SHA1>.crt}, {@code extra/intermediates/<SHA1>.crt}, {@code crl/<host>/<path>}
 *       and the generated files under {@code client/}.
 *   <li>Each list sits at its own cabinet path, is the cabinet's only member, verifies against the
 *       pinned Microsoft roots at the bundle's creation, and has the sequence the manifest gives;
 *       the authroot and disallowed lists are always present.
 *   <li>{@code authroot.stl} is byte for byte the list inside {@code authrootstl.cab}; {@code
 *       authrootseq.txt} states that list's sequence; every certificate of {@code
 *       disallowedcert.sst} is one the disallowed list names.
 *   <li>Every {@code mirror/<SHA1>.crt} is a root of the authroot list (SHA-1 = name = entry,
 *       SHA-256 = attribute 98), or a root that left it and is kept for its grace period.
 *   <li>Extra roots are self-signed; intermediates are CAs issued by a certificate of the bundle;
 *       CRLs are signed by a certificate of the bundle and sit at the path their URL gives.
 * </ul>
 */
public final class BundleCheck {
  private BundleCheck() {}

  /**
   * The files a check reads, one at a time, so that a caller holding them off the heap (the server)
   * never needs them all on the heap at once.
   */
  public interface Contents {
    /** Every path present, the manifest and its signature included. */
    Set<String> paths();

    /** The bytes at this path, or null when absent; the check does not keep them. */
    byte[] read(String path);

    /** The contents of an archive read into memory. */
    static Contents of(Map<String, byte[]> files) {
      return new Contents() {
        @Override
        public Set<String> paths() {
          return files.keySet();
        }

        @Override
        public byte[] read(String path) {
          return files.get(path);
        }
      };
    }
  }

  /**
   * What a check found.
   *
   * @param problems why the bundle must not be trusted, served or activated; empty when it may
   * @param warnings conditions worth attention that do not make it invalid
   * @param lists one line per verified list: kind, sequence, thisUpdate, anchor
   * @param filesVerified how many of the manifest's files are present with their size and SHA-256
   * @param mismatches the problems (among {@code problems}) where the files are not exactly the
   *     manifest's: missing, changed, or not listed
   */
  public record Report(
      List<String> problems,
      List<String> warnings,
      List<String> lists,
      int filesVerified,
      List<String> mismatches) {
    public Report {
      problems = List.copyOf(problems);
      mismatches = List.copyOf(mismatches);
      warnings = List.copyOf(warnings);
      lists = List.copyOf(lists);
    }

    /** Whether nothing is wrong. */
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /** The manifest and its signature: in every archive, in no manifest entry. */
  public static final Set<String> SIGNED_MANIFEST = Set.of("manifest.json", "manifest.json.p7s");

  /** The generated client files a bundle may carry under {@code client/}. */
  public static final Set<String> CLIENT_FILES =
      Set.of(
          "trustbundle-client.reg",
          "Registry.pol",
          "Set-TrustBundleMirror.ps1",
          "TrustBundle.admx",
          "en-US/TrustBundle.adml");

  private static final String SHA1_CRT = "[0-9A-F]{40}\\.crt";
  private static final Pattern ROOT_PATH = Pattern.compile("mirror/" + SHA1_CRT);
  private static final Pattern EXTRA_ROOT_PATH = Pattern.compile("extra/roots/" + SHA1_CRT);
  private static final Pattern INTERMEDIATE_PATH =
      Pattern.compile("extra/intermediates/" + SHA1_CRT);
  private static final Pattern CRL_PATH =
      Pattern.compile("crl/[a-z0-9]([a-z0-9.-]{0,252})/[A-Za-z0-9._%/-]{0,1024}\\.[cC][rR][lL]");
  private static final Pattern SEQUENCE_TEXT = Pattern.compile("[0-9A-Fa-f]{2,128}(\r?\n)?");

  /** The fixed mirror names other than roots, with the one role each may have. */
  private static final Map<String, FileRole> MIRROR_NAMES =
      Map.of(
          "mirror/authrootstl.cab", FileRole.LIST,
          "mirror/disallowedcertstl.cab", FileRole.LIST,
          "mirror/pinrulesstl.cab", FileRole.LIST,
          "mirror/authroot.stl", FileRole.LIST,
          "mirror/authrootseq.txt", FileRole.SEQUENCE,
          "mirror/disallowedcert.sst", FileRole.STORE);

  /**
   * Checks every file of a bundle for its role.
   *
   * @param m the manifest (its signature checked or not: that is the caller's)
   * @param files the bundle's files
   * @param anchors the pinned roots Microsoft's lists must chain to
   * @param options list verification options
   * @param now the evaluation time, for warnings (lists are verified at the bundle's creation)
   */
  public static Report check(
      Manifest m, Contents files, TrustAnchors anchors, VerifyOptions options, Instant now) {
    Run run = new Run(m, files, anchors, options, now);
    run.layout();
    run.contents();
    if (run.problems.isEmpty()) {
      // The roles are checked only over files that are exactly what the manifest says.
      run.lists();
      run.secondaryFiles();
      run.roots();
      try {
        run.profileItems();
      } catch (IllegalStateException e) {
        if (!TOO_MUCH_WORK.equals(e.getMessage())) {
          throw e;
        }
        run.problems.add(TOO_MUCH_WORK);
      }
    }
    return new Report(run.problems, run.warnings, run.listLines, run.filesVerified, run.mismatches);
  }

  /**
   * Where an archive's files are not exactly the manifest's (missing, changed, or not listed): the
   * first rule of {@link #check}, on its own, for callers that only need the file set.
   */
  public static List<String> mismatches(Manifest m, Contents files) {
    Run run = new Run(m, files, null, null, null);
    run.contents();
    return run.mismatches;
  }

  /**
   * {@code crl/<host>/<path>} for a CRL URL, with unsafe characters replaced: where a CRL sits in a
   * bundle, so that it can be served at its original URL.
   *
   * @throws IllegalArgumentException when the URL has no host
   */
  public static String crlPath(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the CRL URL " + url + " is not a valid URL");
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("the CRL URL " + url + " has no host");
    }
    String host = u.getHost().toLowerCase(Locale.ROOT);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    String clean =
        path.replaceAll("^/+", "").replaceAll("[^A-Za-z0-9._%/-]", "_").replaceAll("/+", "/");
    clean = clean.replaceAll("(^|/)\\.\\.?(?=/|$)", "$1_");
    if (clean.isEmpty() || clean.endsWith("/")) {
      clean = clean + "index.crl";
    }
    // Every CRL file ends in .crl, so that no web server an export feeds takes one for a script
    // or a configuration file (a URL ending in .aspx would otherwise land as shell.aspx).
    if (!clean.toLowerCase(Locale.ROOT).endsWith(".crl")) {
      clean = clean + ".crl";
    }
    return "crl/" + host + "/" + clean;
  }

  /**
   * Whether {@code authrootseq.txt}'s bytes are a sequence number as the mirror may serve them: hex
   * digits in either case, then at most one line end.
   */
  public static boolean isSequenceText(byte[] body) {
    return body.length <= 130
        && SEQUENCE_TEXT.matcher(new String(body, StandardCharsets.US_ASCII)).matches();
  }

  /**
   * Whether a URL's last path segment is one of the names the mirror answers ({@code
   * authrootstl.cab}, {@code <SHA1>.crt}, ...), compared ignoring case as clients ask.
   */
  public static boolean shadowsMirrorName(String lastSegment) {
    String n = lastSegment.toLowerCase(Locale.ROOT);
    return MIRROR_NAMES.containsKey("mirror/" + n) || n.matches("[0-9a-f]{40}\\.crt");
  }

  /**
   * Most signature checks while chaining a bundle's intermediates and CRLs: certificates that share
   * names make each candidate a check, and a version must load in seconds.
   */
  static final int MAX_SIGNATURE_CHECKS = 20_000;

  private static final String TOO_MUCH_WORK =
      "the bundle's certificates share names so much that chaining them would take over "
          + MAX_SIGNATURE_CHECKS
          + " signature checks";

  /** The longest grace period a profile may give removed roots ({@code grace-days}). */
  static final int MAX_GRACE_DAYS = 3650;

  /** Most intermediates between a profile intermediate and a root of the bundle. */
  static final int MAX_CHAIN = 8;

  /** The state of one check. */
  private static final class Run {
    final Manifest m;
    final Contents files;
    final TrustAnchors anchors;
    final VerifyOptions options;
    final Instant now;
    final Instant created;
    final List<String> problems = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> mismatches = new ArrayList<>();
    final List<String> listLines = new ArrayList<>();
    final Map<String, Manifest.FileInfo> byPath = new LinkedHashMap<>();
    final Map<String, FileRole> roles = new HashMap<>();
    final Map<String, String> sourceUrls = new HashMap<>();
    int signatureChecks;
    final Map<CtlKind, Ctl> verified = new EnumMap<>(CtlKind.class);
    final Map<CtlKind, byte[]> stl = new EnumMap<>(CtlKind.class);
    int filesVerified;

    Run(Manifest m, Contents files, TrustAnchors anchors, VerifyOptions options, Instant now) {
      this.m = m;
      this.files = files;
      this.anchors = anchors;
      this.options = options;
      this.now = now;
      this.created = Instant.parse(m.created());
    }

    /** Paths, roles, names, sizes: the manifest alone. */
    void layout() {
      problems.addAll(Budget.problems(m));
      if (m.files().size() > Budget.MAX_FILES) {
        return;
      }
      // Twins first: two names that differ only in case are one name to Windows and IIS.
      Map<String, String> folded = new HashMap<>();
      for (Manifest.FileInfo f : m.files()) {
        String path = f.path();
        if (byPath.put(path, f) != null) {
          problems.add("the manifest lists " + Messages.printable(path, 120) + " twice");
          continue;
        }
        String other = folded.put(path.toLowerCase(Locale.ROOT), path);
        if (other != null) {
          problems.add(
              Messages.printable(other, 120)
                  + " and "
                  + Messages.printable(path, 120)
                  + " differ only in case; Windows and web servers would serve one for the other");
        }
      }
      for (Manifest.FileInfo f : byPath.values()) {
        // An unknown role is the budget's to report (it cannot be bounded).
        Optional<FileRole> role = FileRole.of(f.role());
        if (role.isEmpty()) {
          continue;
        }
        roles.put(f.path(), role.get());
        placement(f.path(), role.get()).ifPresent(problems::add);
        if (role.get() == FileRole.REMOVED_ROOT) {
          removedRecord(f);
        }
      }
      for (CtlKind kind : List.of(CtlKind.AUTHROOT, CtlKind.DISALLOWEDCERT)) {
        if (!byPath.containsKey("mirror/" + kind.cabName())) {
          problems.add(
              "the bundle has no mirror/"
                  + kind.cabName()
                  + "; a bundle always carries the "
                  + kind.label()
                  + " list, or clients stop updating");
        }
      }
    }

    /** A root kept for its grace period: recorded as removed, and not past its time. */
    void removedRecord(Manifest.FileInfo f) {
      String name = f.path().substring(f.path().lastIndexOf('/') + 1);
      String sha1 = name.length() >= 40 ? name.substring(0, 40) : name;
      Manifest.RemovedRoot r =
          m.removedRoots().stream().filter(x -> sha1.equals(x.sha1())).findFirst().orElse(null);
      if (r == null) {
        problems.add(
            Messages.printable(f.path(), 120)
                + " is kept as a removed root but the manifest's removedRoots lacks it");
      } else if (!keptAt(r, created)) {
        problems.add(
            Messages.printable(f.path(), 120)
                + " is past its grace period (kept until "
                + Messages.printable(String.valueOf(r.keepUntil()), 40)
                + ")");
      } else if (keptAt(r, created.plus(Duration.ofDays(MAX_GRACE_DAYS)))) {
        problems.add(
            Messages.printable(f.path(), 120)
                + " is kept until "
                + Messages.printable(String.valueOf(r.keepUntil()), 40)
                + ", more than the longest grace period ("
                + MAX_GRACE_DAYS
                + " days) after the bundle was built");
      }
    }

    /** Why a path may not hold a file of this role, if it may not. */
    Optional<String> placement(String path, FileRole role) {
      String shown = Messages.printable(path, 120);
      FileRole fixed = MIRROR_NAMES.get(path);
      boolean ok =
          switch (role) {
            case LIST, SEQUENCE, STORE -> fixed == role;
            case ROOT, REMOVED_ROOT -> ROOT_PATH.matcher(path).matches();
            case EXTRA_ROOT -> EXTRA_ROOT_PATH.matcher(path).matches();
            case INTERMEDIATE -> INTERMEDIATE_PATH.matcher(path).matches();
            case CRL ->
                CRL_PATH.matcher(path).matches()
                    && !path.contains("/../")
                    && !path.contains("/./")
                    && !path.contains("//");
            case CLIENT ->
                path.startsWith(BundleBuilder.CLIENT_DIR)
                    && CLIENT_FILES.contains(path.substring(BundleBuilder.CLIENT_DIR.length()));
          };
      if (ok) {
        return Optional.empty();
      }
      if (fixed != null) {
        return Optional.of(
            shown + " must have the role " + fixed.label() + ", not " + role.label());
      }
      return Optional.of(
          shown
              + " is not a place a file of role "
              + role.label()
              + " may sit (allowed: "
              + allowed(role)
              + ")");
    }

    static String allowed(FileRole role) {
      return switch (role) {
        case LIST ->
            "mirror/authrootstl.cab, mirror/disallowedcertstl.cab, mirror/pinrulesstl.cab,"
                + " mirror/authroot.stl";
        case SEQUENCE -> "mirror/authrootseq.txt";
        case STORE -> "mirror/disallowedcert.sst";
        case ROOT, REMOVED_ROOT -> "mirror/<SHA1 in upper-case hex>.crt";
        case EXTRA_ROOT -> "extra/roots/<SHA1>.crt";
        case INTERMEDIATE -> "extra/intermediates/<SHA1>.crt";
        case CRL -> "crl/<host>/<path>";
        case CLIENT -> "client/ " + new java.util.TreeSet<>(CLIENT_FILES);
      };
    }

    /** Exactly the manifest's files, each with its size and SHA-256. */
    void contents() {
      Set<String> listed = new HashSet<>();
      for (Manifest.FileInfo f : m.files()) {
        listed.add(f.path());
        byte[] b = files.read(f.path());
        if (b == null) {
          mismatches.add(
              Messages.printable(f.path(), 120) + " is in the manifest but not in the archive");
        } else if (b.length != f.size() || !Hex.sha256(b).equalsIgnoreCase(f.sha256())) {
          mismatches.add(
              Messages.printable(f.path(), 120)
                  + " does not match its manifest entry (size or SHA-256)");
        } else {
          filesVerified++;
        }
      }
      for (String p : files.paths()) {
        if (!listed.contains(p) && !SIGNED_MANIFEST.contains(p)) {
          mismatches.add(Messages.printable(p, 120) + " is in the archive but not in the manifest");
        }
      }
      problems.addAll(mismatches);
    }

    /** Each list at its cabinet path, verified, with the sequence the manifest gives. */
    void lists() {
      AnchorSource mirror =
          new AnchorSource() {
            @Override
            public Optional<byte[]> certificate(String sha1Hex) {
              String p = "mirror/" + sha1Hex.toUpperCase(Locale.ROOT) + ".crt";
              return roles.get(p) == FileRole.ROOT
                  ? Optional.ofNullable(files.read(p))
                  : Optional.empty();
            }

            @Override
            public String describe() {
              return "the bundle's mirror/";
            }
          };
      // Lists are verified as of the bundle's creation (Microsoft's signers live about a year);
      // their age is judged now, below.
      VerifyOptions atCreation =
          new VerifyOptions(
              Duration.ofDays(365L * 1000), options.futureSkew(), options.allowSha1());
      CtlVerifier verifier = new CtlVerifier(anchors, mirror, atCreation);
      Set<CtlKind> named = new HashSet<>();
      // First what each slot holds (one member of the right name, a list that parses), so that a
      // list in the wrong slot is named as such; then the signatures.
      Map<CtlKind, Manifest.ListInfo> slots = new EnumMap<>(CtlKind.class);
      Map<CtlKind, SignedCtl> parsed = new EnumMap<>(CtlKind.class);
      for (Manifest.ListInfo li : m.lists()) {
        Optional<CtlKind> kind =
            Arrays.stream(CtlKind.values()).filter(k -> k.label().equals(li.kind())).findFirst();
        if (kind.isEmpty()) {
          problems.add("the manifest names an unknown list " + Messages.printable(li.kind(), 40));
          continue;
        }
        CtlKind k = kind.get();
        String path = "mirror/" + k.cabName();
        if (!named.add(k)) {
          problems.add("the manifest names the " + k.label() + " list twice");
          continue;
        }
        if (!li.path().equals(path)) {
          problems.add(
              "the manifest puts the "
                  + k.label()
                  + " list at "
                  + Messages.printable(li.path(), 120)
                  + "; it belongs at "
                  + path);
          continue;
        }
        parse(k, path).ifPresent(s -> parsed.put(k, s));
        slots.put(k, li);
      }
      for (CtlKind k : CtlKind.values()) {
        String path = "mirror/" + k.cabName();
        if (byPath.containsKey(path) && !named.contains(k)) {
          problems.add(path + " is not among the manifest's verified lists");
        }
      }
      for (Map.Entry<CtlKind, SignedCtl> e : parsed.entrySet()) {
        list(e.getKey(), slots.get(e.getKey()), e.getValue(), verifier);
      }
    }

    /** The list in a slot: the cabinet's one member, named for the slot, parsed. */
    Optional<SignedCtl> parse(CtlKind k, String path) {
      byte[] cab = files.read(path);
      if (cab == null) {
        problems.add("the manifest names the " + k.label() + " list but the bundle lacks " + path);
        return Optional.empty();
      }
      try {
        byte[] member = CabReader.read(cab).sole(k.stlName()).data();
        SignedCtl list = CtlParser.parse(member);
        Optional<CtlKind> holds = list.ctl().kind();
        if (holds.isPresent() && holds.get() != k) {
          problems.add(path + " holds the " + holds.get().label() + " list, not the " + k.label());
          return Optional.empty();
        }
        stl.put(k, member);
        return Optional.of(list);
      } catch (dev.trustbundle.error.MalformedInputException e) {
        problems.add(path + ": " + e.getMessage());
        return Optional.empty();
      }
    }

    void list(CtlKind k, Manifest.ListInfo li, SignedCtl list, CtlVerifier verifier) {
      String path = "mirror/" + k.cabName();
      CtlVerification v = verifier.verify(list, Optional.of(k), created);
      if (!v.valid()) {
        problems.add(path + ": " + String.join("; ", v.failures()));
        return;
      }
      String seq = list.ctl().sequenceNumber().map(s -> s.hex()).orElse("");
      if (!seq.equalsIgnoreCase(li.sequenceNumber() == null ? "" : li.sequenceNumber())) {
        problems.add(
            path
                + " has sequence "
                + seq
                + " but the manifest says "
                + Messages.printable(String.valueOf(li.sequenceNumber()), 80));
        return;
      }
      verified.put(k, list.ctl());
      Duration age = Duration.between(list.ctl().thisUpdate(), now);
      if (age.compareTo(options.maxAge()) > 0) {
        warnings.add(
            "the "
                + k.label()
                + " list is "
                + age.toDays()
                + " days old (thisUpdate "
                + list.ctl().thisUpdate()
                + "); build a bundle from a current upstream");
      }
      listLines.add(
          k.label()
              + " "
              + seq
              + ", thisUpdate "
              + list.ctl().thisUpdate()
              + ", signed via "
              + v.anchor().orElse("?"));
    }

    /** authroot.stl, authrootseq.txt and disallowedcert.sst against the verified lists. */
    void secondaryFiles() {
      Ctl authroot = verified.get(CtlKind.AUTHROOT);
      Ctl disallowed = verified.get(CtlKind.DISALLOWEDCERT);
      if (byPath.containsKey("mirror/authroot.stl")) {
        byte[] b = files.read("mirror/authroot.stl");
        if (authroot == null) {
          problems.add("mirror/authroot.stl cannot be checked: the authroot list did not verify");
        } else if (!Arrays.equals(b, stl.get(CtlKind.AUTHROOT))) {
          problems.add(
              "mirror/authroot.stl is not the list inside mirror/authrootstl.cab; clients and"
                  + " tools would read two different authroot lists");
        }
      }
      if (byPath.containsKey("mirror/authrootseq.txt")) {
        String text = new String(files.read("mirror/authrootseq.txt"), StandardCharsets.US_ASCII);
        String seq =
            authroot == null ? null : authroot.sequenceNumber().map(s -> s.hex()).orElse(null);
        if (!SEQUENCE_TEXT.matcher(text).matches()) {
          problems.add(
              "mirror/authrootseq.txt is not a hex sequence number (\"big endian ascii hex\")");
        } else if (seq == null || !text.trim().equalsIgnoreCase(seq)) {
          problems.add(
              "mirror/authrootseq.txt says "
                  + text.trim()
                  + " but the authroot list has sequence "
                  + (seq == null ? "(unverified)" : seq));
        }
      }
      if (byPath.containsKey("mirror/disallowedcert.sst")) {
        if (disallowed == null) {
          problems.add(
              "mirror/disallowedcert.sst cannot be checked: the disallowed list did not verify");
        } else {
          List<String> p =
              DisallowedStoreCheck.check(files.read("mirror/disallowedcert.sst"), disallowed);
          if (!p.isEmpty()) {
            problems.add("mirror/disallowedcert.sst: " + String.join("; ", p));
          }
        }
      }
    }

    /** Every mirror/<SHA1>.crt: a root of the list, or one in its grace period. */
    void roots() {
      Ctl authroot = verified.get(CtlKind.AUTHROOT);
      if (authroot == null) {
        return;
      }
      Map<String, Manifest.RemovedRoot> removed = new HashMap<>();
      m.removedRoots().forEach(r -> removed.put(String.valueOf(r.sha1()), r));
      for (Manifest.FileInfo f : m.files()) {
        FileRole role = roles.get(f.path());
        if (role != FileRole.ROOT && role != FileRole.REMOVED_ROOT) {
          continue;
        }
        String name = f.path().substring("mirror/".length());
        String sha1 = name.substring(0, 40);
        byte[] der = files.read(f.path());
        if (role == FileRole.ROOT) {
          List<String> p = RootCheck.check(Optional.of(name), der, authroot);
          if (!p.isEmpty()) {
            problems.add(f.path() + ": " + String.join("; ", p));
          }
          continue;
        }
        Optional<String> badName = RootCheck.checkName(Optional.of(name), der);
        Manifest.RemovedRoot r = removed.get(sha1);
        if (badName.isPresent()) {
          problems.add(f.path() + ": " + badName.get());
        } else if (authroot.entry(sha1).isPresent()) {
          problems.add(f.path() + " is in the authroot list; its role must be root");
        } else if (r != null && !selfIssued(der)) {
          problems.add(f.path() + " is not a root certificate");
        }
      }
    }

    static boolean keptAt(Manifest.RemovedRoot r, Instant at) {
      try {
        return Instant.parse(r.keepUntil()).isAfter(at);
      } catch (RuntimeException e) {
        return false;
      }
    }

    static boolean selfIssued(byte[] der) {
      try {
        org.bouncycastle.asn1.x509.Certificate c =
            org.bouncycastle.asn1.x509.Certificate.getInstance(der);
        return c.getSubject().equals(c.getIssuer());
      } catch (RuntimeException e) {
        return false;
      }
    }

    /** Extra roots, intermediates, CRLs and client files. */
    void profileItems() {
      List<X509Certificate> extraRoots = new ArrayList<>();
      List<Manifest.FileInfo> intermediates = new ArrayList<>();
      List<Manifest.FileInfo> crls = new ArrayList<>();
      for (Manifest.FileInfo f : m.files()) {
        FileRole role = roles.get(f.path());
        if (role == FileRole.EXTRA_ROOT) {
          certificate(f).ifPresent(c -> extraRoot(f, c, extraRoots));
        } else if (role == FileRole.INTERMEDIATE) {
          intermediates.add(f);
        } else if (role == FileRole.CRL) {
          crls.add(f);
        } else if (role == FileRole.CLIENT) {
          client(f);
        }
        if ((role == FileRole.EXTRA_ROOT || role == FileRole.INTERMEDIATE || role == FileRole.CRL)
            && f.sourceUrl() != null) {
          sourceUrl(f, role);
        }
      }
      if (intermediates.isEmpty() && crls.isEmpty()) {
        return;
      }
      // Issuers: every root of the bundle, then the intermediates themselves.
      List<X509Certificate> issuers = new ArrayList<>(extraRoots);
      for (Manifest.FileInfo f : m.files()) {
        if (roles.get(f.path()) == FileRole.ROOT) {
          try {
            issuers.add(Certificates.parse(files.read(f.path()), f.path()));
          } catch (RuntimeException e) {
            // A listed root the JDK cannot parse cannot issue anything checked here.
          }
        }
      }
      Map<String, X509Certificate> inter = new LinkedHashMap<>();
      for (Manifest.FileInfo f : intermediates) {
        certificate(f).ifPresent(c -> inter.put(f.path(), c));
      }
      // Anchored: a root of the bundle, or issued by an anchored certificate, at most
      // MAX_CHAIN intermediates deep; two CAs that issue each other anchor nothing.
      List<X509Certificate> anchored = new ArrayList<>(issuers);
      Map<String, X509Certificate> pending = new LinkedHashMap<>(inter);
      for (int depth = 0; depth < MAX_CHAIN && !pending.isEmpty(); depth++) {
        Map<String, X509Certificate> next = new LinkedHashMap<>();
        List<X509Certificate> level = List.copyOf(anchored);
        for (Map.Entry<String, X509Certificate> e : pending.entrySet()) {
          if (issuer(e.getValue(), level).isPresent()) {
            next.put(e.getKey(), e.getValue());
          }
        }
        if (next.isEmpty()) {
          break;
        }
        anchored.addAll(next.values());
        next.keySet().forEach(pending::remove);
      }
      for (Map.Entry<String, X509Certificate> e : inter.entrySet()) {
        intermediate(e.getKey(), e.getValue(), !pending.containsKey(e.getKey()));
      }
      for (Manifest.FileInfo f : crls) {
        crl(f, anchored);
      }
    }

    /**
     * The certificate among {@code candidates} that issued {@code child} (same name, signature
     * verifies), counting every signature check against the bound.
     */
    Optional<X509Certificate> issuer(X509Certificate child, List<X509Certificate> candidates) {
      for (X509Certificate c : candidates) {
        if (c == child || !c.getSubjectX500Principal().equals(child.getIssuerX500Principal())) {
          continue;
        }
        if (++signatureChecks > MAX_SIGNATURE_CHECKS) {
          throw new IllegalStateException(TOO_MUCH_WORK);
        }
        try {
          child.verify(c.getPublicKey());
          return Optional.of(c);
        } catch (GeneralSecurityException | RuntimeException e) {
          // Same name, other key: keep looking.
        }
      }
      return Optional.empty();
    }

    Optional<X509Certificate> certificate(Manifest.FileInfo f) {
      byte[] der = files.read(f.path());
      String name = f.path().substring(f.path().lastIndexOf('/') + 1);
      Optional<String> badName = RootCheck.checkName(Optional.of(name), der);
      if (badName.isPresent()) {
        problems.add(f.path() + ": " + badName.get());
        return Optional.empty();
      }
      try {
        return Optional.of(Certificates.parse(der, f.path()));
      } catch (RuntimeException e) {
        problems.add(f.path() + ": " + Messages.plain(e));
        return Optional.empty();
      }
    }

    void extraRoot(Manifest.FileInfo f, X509Certificate c, List<X509Certificate> out) {
      if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
        problems.add(f.path() + " is not a root certificate (its issuer is another name)");
        return;
      }
      try {
        c.verify(c.getPublicKey());
      } catch (GeneralSecurityException | RuntimeException e) {
        problems.add(f.path() + " is not self-signed: its signature does not verify");
        return;
      }
      expiry(f.path(), c);
      out.add(c);
    }

    void intermediate(String path, X509Certificate c, boolean anchored) {
      if (c.getBasicConstraints() < 0) {
        problems.add(path + " is not a CA certificate");
        return;
      }
      if (!anchored) {
        problems.add(
            path
                + " does not chain to a root of the bundle within "
                + MAX_CHAIN
                + " certificates (issuer "
                + Messages.plain(c.getIssuerX500Principal().getName())
                + ")");
        return;
      }
      if (c.getNotBefore().toInstant().isAfter(created)
          || c.getNotAfter().toInstant().isBefore(created)) {
        problems.add(
            path
                + " was not valid when the bundle was built (valid "
                + c.getNotBefore().toInstant()
                + " to "
                + c.getNotAfter().toInstant()
                + ")");
        return;
      }
      expiry(path, c);
    }

    void expiry(String path, X509Certificate c) {
      Instant end = c.getNotAfter().toInstant();
      if (end.isBefore(now)) {
        warnings.add(
            path + " expired " + Duration.between(end, now).toDays() + " days ago (" + end + ")");
      }
    }

    void crl(Manifest.FileInfo f, List<X509Certificate> issuers) {
      X509CRL crl;
      try {
        byte[] der = Certificates.crlDer(files.read(f.path()), f.path());
        // Counted before the JDK's parser, which holds an object per entry.
        int entries = revokedEntries(der, f.path());
        if (entries > Budget.MAX_CRL_ENTRIES) {
          problems.add(
              f.path()
                  + " revokes "
                  + entries
                  + " certificates, over the budget of "
                  + Budget.MAX_CRL_ENTRIES
                  + " entries per CRL");
          return;
        }
        crl = Certificates.parseCrl(der, f.path());
      } catch (RuntimeException e) {
        problems.add(f.path() + ": " + Messages.plain(e));
        return;
      }
      boolean signed = false;
      for (X509Certificate c : issuers) {
        if (c.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
          if (++signatureChecks > MAX_SIGNATURE_CHECKS) {
            throw new IllegalStateException(TOO_MUCH_WORK);
          }
          try {
            crl.verify(c.getPublicKey());
            signed = true;
            break;
          } catch (GeneralSecurityException | RuntimeException e) {
            // same name, other key
          }
        }
      }
      if (!signed) {
        problems.add(
            f.path()
                + " is not signed by a certificate of the bundle (issuer "
                + Messages.plain(crl.getIssuerX500Principal().getName())
                + ")");
        return;
      }
      Instant next = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
      if (next != null && next.isBefore(created)) {
        problems.add(f.path() + " was stale when the bundle was built (nextUpdate " + next + ")");
      } else if (next != null && next.isBefore(now)) {
        warnings.add(
            f.path() + " is stale: its nextUpdate " + next + " has passed; build a new bundle");
      }
    }

    /**
     * The number of revokedCertificates entries of a DER CRL (RFC 5280 5.1: the third SEQUENCE of
     * tbsCertList, after the signature AlgorithmIdentifier and the issuer Name), read without
     * building them.
     */
    static int revokedEntries(byte[] der, String what) {
      Der.Tlv list = Der.readWhole(der, what);
      Der.Tlv tbs = Der.read(der, list.valueStart(), list.end(), what);
      int pos = tbs.valueStart();
      int sequences = 0;
      while (pos < tbs.end()) {
        Der.Tlv t = Der.read(der, pos, tbs.end(), what);
        if (t.tag() == Der.SEQUENCE && ++sequences == 3) {
          int count = 0;
          int p = t.valueStart();
          while (p < t.end()) {
            p = Der.read(der, p, t.end(), what).end();
            count++;
          }
          return count;
        }
        pos = t.end();
      }
      return 0;
    }

    void sourceUrl(Manifest.FileInfo f, FileRole role) {
      URI u;
      try {
        u = new URI(f.sourceUrl());
      } catch (java.net.URISyntaxException e) {
        problems.add(f.path() + " has an invalid source URL");
        return;
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
        problems.add(f.path() + " has a source URL that is not http(s) with a host");
        return;
      }
      // serve answers a CRL or CA certificate at its source URL for the hosts internal DNS points
      // at the mirror: that URL must never be one of the names the mirror itself answers, and no
      // two files may claim one URL.
      String rawPath = u.getPath() == null ? "" : u.getPath();
      String last = rawPath.substring(rawPath.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      if (shadowsMirrorName(last)) {
        problems.add(
            f.path()
                + " has the source URL "
                + Messages.printable(f.sourceUrl(), 120)
                + ", which ends in a name the mirror serves; it would be answered in that file's"
                + " place");
        return;
      }
      String key = (u.getHost() + rawPath).toLowerCase(Locale.ROOT);
      String other = sourceUrls.put(key, f.path());
      if (other != null) {
        problems.add(f.path() + " and " + other + " have the same source URL");
        return;
      }
      if (role == FileRole.CRL) {
        String expected;
        try {
          expected = crlPath(f.sourceUrl());
        } catch (IllegalArgumentException e) {
          problems.add(f.path() + ": " + e.getMessage());
          return;
        }
        if (!expected.equals(f.path())) {
          problems.add(
              f.path()
                  + " does not sit where its URL puts it ("
                  + Messages.printable(expected, 120)
                  + ")");
        }
      }
    }

    void client(Manifest.FileInfo f) {
      byte[] b = files.read(f.path());
      String name = f.path().substring(BundleBuilder.CLIENT_DIR.length());
      boolean ok =
          switch (name) {
            // regedit 5 files are UTF-16LE with a byte order mark.
            case "trustbundle-client.reg" ->
                b.length >= 2 && b[0] == (byte) 0xFF && b[1] == (byte) 0xFE;
            // PReg signature and version 1 (Registry Policy File Format).
            case "Registry.pol" ->
                b.length >= 8
                    && b[0] == 'P'
                    && b[1] == 'R'
                    && b[2] == 'e'
                    && b[3] == 'g'
                    && b[4] == 1
                    && b[5] == 0
                    && b[6] == 0
                    && b[7] == 0;
            default -> utf8Text(b);
          };
      if (!ok) {
        problems.add(f.path() + " is not a " + name + " as TrustBundle writes it");
      }
    }

    static boolean utf8Text(byte[] b) {
      try {
        String s =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(b))
                .toString();
        return s.chars().noneMatch(ch -> ch == 0);
      } catch (java.nio.charset.CharacterCodingException e) {
        return false;
      }
    }
  }
}
