package dev.trustbundle.report;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.cab.CabReader;
import dev.trustbundle.cab.Cabinet;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.report.FileReport.Format;
import dev.trustbundle.verify.AnchorSource;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Compares two inputs, each a list ({@code .cab}, {@code .stl}) or a TrustBundle bundle. Each side
 * is first verified exactly as {@code inspect} verifies it; a side that does not verify is still
 * compared (a diff is informational) and its verdict travels with the result. Two lists must be of
 * the same kind; two bundles are compared list by list; a bundle and a list on the list's kind.
 */
public final class Differ {
  private final Inspector inspector;
  private final Function<InputFile, AnchorSource> rootsFor;
  private final Instant now;

  /**
   * A differ.
   *
   * @param anchors the roots list signers may chain to
   * @param options verification options
   * @param now the evaluation time
   * @param rootsFor where the {@code <SHA1>.crt} files for a list input are found (used for
   *     verification and for naming entries that have no friendly name)
   */
  public Differ(
      TrustAnchors anchors,
      VerifyOptions options,
      Instant now,
      Function<InputFile, AnchorSource> rootsFor) {
    this.inspector = new Inspector(anchors, options, now, rootsFor);
    this.rootsFor = rootsFor;
    this.now = now;
  }

  /** One side: its lists by kind and where its root certificates are. */
  private record Side(
      FileReport report,
      Map<CtlKind, Ctl> lists,
      Function<String, Optional<byte[]>> certificates,
      boolean bundle) {}

  /**
   * Compares {@code before} (OLD) with {@code after} (NEW).
   *
   * @throws MalformedInputException when a side does not parse
   * @throws UsageException when a side is not a list or bundle, or two lists of different kinds are
   *     given
   */
  public DiffReport diff(InputFile before, InputFile after) {
    Side old = side(before, "OLD");
    Side neu = side(after, "NEW");
    List<CtlKind> kinds = new ArrayList<>();
    if (!old.bundle() && !neu.bundle()) {
      CtlKind a = old.lists().keySet().iterator().next();
      CtlKind b = neu.lists().keySet().iterator().next();
      if (a != b) {
        throw new UsageException(
            "OLD "
                + before.path()
                + " is "
                + article(a.label())
                + " list but NEW "
                + after.path()
                + " is "
                + article(b.label())
                + " list; compare two versions of the same list");
      }
      kinds.add(a);
    } else if (!old.bundle()) {
      kinds.addAll(old.lists().keySet());
    } else if (!neu.bundle()) {
      kinds.addAll(neu.lists().keySet());
    } else {
      for (CtlKind k : CtlKind.values()) {
        if (old.lists().containsKey(k) || neu.lists().containsKey(k)) {
          kinds.add(k);
        }
      }
    }
    List<CtlDiff> diffs = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    expiryNote(notes, "OLD", old.report());
    expiryNote(notes, "NEW", neu.report());
    for (CtlKind k : kinds) {
      Optional<Ctl> a = Optional.ofNullable(old.lists().get(k));
      Optional<Ctl> b = Optional.ofNullable(neu.lists().get(k));
      CtlDiff d = CtlDiff.compare(k, a, b, old.certificates(), neu.certificates());
      diffs.add(d);
      if (a.isEmpty() || b.isEmpty()) {
        notes.add(
            "the "
                + k.label()
                + " list is only on the "
                + (a.isEmpty() ? "NEW" : "OLD")
                + " side; its entries count as "
                + (a.isEmpty() ? "added" : "removed"));
        continue;
      }
      if (a.get().sequenceNumber().isPresent() && b.get().sequenceNumber().isPresent()) {
        int order = b.get().sequenceNumber().get().compareTo(a.get().sequenceNumber().get());
        if (order < 0) {
          notes.add(
              "NEW's "
                  + k.label()
                  + " list is older than OLD's (OLD "
                  + a.get().sequenceNumber().get()
                  + ", NEW "
                  + b.get().sequenceNumber().get()
                  + "): the changes read backwards; swap the arguments to see what happened");
        } else if (order == 0 && d.identical()) {
          notes.add(
              "both sides hold the same "
                  + k.label()
                  + " list (sequence "
                  + a.get().sequenceNumber().get()
                  + ")");
        }
      }
    }
    return new DiffReport(old.report(), neu.report(), diffs, notes, now);
  }

  private void expiryNote(List<String> notes, String role, FileReport r) {
    r.bundle()
        .map(FileReport.BundleCheck::manifest)
        .filter(m -> Instant.parse(m.expires()).isBefore(now))
        .ifPresent(
            m ->
                notes.add(
                    role
                        + " bundle expired on "
                        + m.expires()
                        + ": import would refuse it, but its contents are compared as they are"));
  }

  private Side side(InputFile in, String role) {
    FileReport r = inspector.inspect(List.of(in)).get(0);
    if (r.status() == FileReport.Status.MALFORMED || r.status() == FileReport.Status.UNREADABLE) {
      throw new MalformedInputException(
          role + " " + in.path() + ": " + r.error().orElse("cannot be read"));
    }
    return switch (r.format()) {
      case CAB, STL -> {
        SignedCtl list = r.list().orElseThrow();
        CtlKind kind =
            list.ctl()
                .kind()
                .orElseThrow(
                    () ->
                        new UsageException(
                            role
                                + " "
                                + in.path()
                                + " is a trust list but not one of Microsoft's (subjectUsage "
                                + list.ctl().subjectUsage()
                                + "); diff compares authroot, disallowed and pin rules lists"));
        AnchorSource roots = rootsFor.apply(in);
        yield new Side(r, Map.of(kind, list.ctl()), roots::certificate, false);
      }
      case BUNDLE -> bundleSide(in, forDiff(r), role);
      default ->
          throw new UsageException(
              role
                  + " "
                  + in.path()
                  + " is "
                  + (r.format() == Format.UNKNOWN
                      ? "not a list"
                      : article(String.valueOf(r.kind())) + " file")
                  + "; diff compares lists (.cab, .stl) and TrustBundle bundles (.tar.gz)");
    };
  }

  /**
   * A bundle past its expiry is refused on import, but its contents are as trustworthy as the day
   * it was built, and diffs compare old bundles all the time: expiry is not a verification failure
   * here. The expiry stays visible in the manifest's dates.
   */
  private FileReport forDiff(FileReport r) {
    FileReport.BundleCheck b = r.bundle().orElseThrow();
    String expired = Inspector.expiredProblem(b.manifest());
    if (!b.problems().contains(expired)) {
      return r;
    }
    List<String> rest = b.problems().stream().filter(p -> !p.equals(expired)).toList();
    FileReport.BundleCheck check =
        new FileReport.BundleCheck(
            b.manifest(), b.signer(), b.signatureIntact(), b.filesVerified(), b.lists(), rest);
    return new FileReport(
        r.file(),
        r.format(),
        r.container(),
        r.list(),
        r.verification(),
        r.roots(),
        r.certificates(),
        r.error(),
        rest.isEmpty() ? FileReport.Status.VALID : FileReport.Status.INVALID,
        r.cause(),
        Optional.of(check),
        r.crl());
  }

  private static Side bundleSide(InputFile in, FileReport r, String role) {
    SortedMap<String, byte[]> files =
        BundleArchive.read(new ByteArrayInputStream(in.data()), BundleArchive.Limits.DEFAULT);
    Manifest m = r.bundle().orElseThrow().manifest();
    Map<CtlKind, Ctl> lists = new EnumMap<>(CtlKind.class);
    for (Manifest.ListInfo li : m.lists()) {
      Optional<CtlKind> kind =
          java.util.Arrays.stream(CtlKind.values())
              .filter(k -> k.label().equals(li.kind()))
              .findFirst();
      byte[] cab = files.get(li.path());
      if (kind.isEmpty() || cab == null) {
        // inspect reports it as a problem of the bundle; there is nothing to compare.
        continue;
      }
      try {
        Cabinet c = CabReader.read(cab);
        byte[] stl = c.sole(kind.get().stlName()).data();
        lists.put(kind.get(), CtlParser.parse(stl).ctl());
      } catch (MalformedInputException e) {
        throw new MalformedInputException(
            role + " " + in.path() + ": " + li.path() + " " + e.getMessage(), e);
      }
    }
    return new Side(
        r,
        lists,
        sha1 -> Optional.ofNullable(files.get("mirror/" + sha1.toUpperCase(Locale.ROOT) + ".crt")),
        true);
  }

  /** "an authroot", "a pinrules": the article English wants before a list's name. */
  public static String article(String word) {
    return ("aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an " : "a ") + word;
  }
}
