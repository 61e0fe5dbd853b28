package dev.trustbundle.hostile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The hostile corpus: several hundred damaged, malicious or absurd inputs, generated from the
 * synthetic {@link Material} by fixed rules (and a fixed seed where bytes are arbitrary), so that
 * every run produces the same named cases. Each case says how it is fed to the command line and how
 * it must be refused: the exit code and a fragment of the one-line message.
 *
 * <p>Cases derived from the real fixtures ({@code ../shared/fixtures}) are added when that folder
 * exists; the core corpus needs none.
 */
public final class HostileCorpus {
  /** What kind of input a case attacks. */
  public enum Category {
    CAB,
    STL,
    SST,
    CRT,
    CRL,
    ARCHIVE,
    MANIFEST,
    PROFILE,
    HTTP,
    RESIGNED,
    STATE,
    UPSTREAM,
    PUBLISHER;

    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How a case is run. */
  public enum Runner {
    /** {@code trustbundle inspect FILE} (with the synthetic trust anchor). */
    INSPECT,
    /** {@code trustbundle verify}, then {@code import} into a state where a bundle is active. */
    BUNDLE,
    /** {@code trustbundle import} into a state holding a newer real bundle (fixtures). */
    IMPORT_OVER_REAL,
    /** {@code trustbundle build --profile FILE} with an upstream that does not exist. */
    PROFILE,
    /** A raw HTTP request to {@code serve}. */
    HTTP,
    /** A command (the first argument) run on the state folder the case holds under state/. */
    STATE,
    /**
     * The real builder, in process, on the case's folder as upstream, with the synthetic anchor.
     */
    UPSTREAM
  }

  /**
   * One hostile input.
   *
   * @param category what it attacks
   * @param name a stable, unique name within the category
   * @param runner how it is run
   * @param target the file the case is about (the one judged; HTTP: the request)
   * @param files every file written to the case's own folder, {@code target} included
   * @param args the arguments after the command name; {@code @name} stands for the path of the
   *     case's file {@code name}
   * @param expected the exit code (HTTP: the acceptable statuses)
   * @param fragment text the refusal message must contain (HTTP: the answer's body)
   * @param fromFixtures derived from {@code ../shared/fixtures}
   */
  public record Case(
      Category category,
      String name,
      Runner runner,
      String target,
      Map<String, byte[]> files,
      List<String> args,
      Set<Integer> expected,
      String fragment,
      boolean fromFixtures) {
    public Case {
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
      args = List.copyOf(args);
      expected = Set.copyOf(expected);
      if (!files.containsKey(target)) {
        throw new IllegalArgumentException(name + ": no file " + target);
      }
    }

    /** The bytes of the target. */
    public byte[] input() {
      return files.get(target);
    }

    /** The exit code a command-line case must end with. */
    public int exitCode() {
      return expected.iterator().next();
    }

    @Override
    public String toString() {
      return category.id() + "/" + name;
    }
  }

  private static List<Case> all;

  private HostileCorpus() {}

  /** Every case, generated on first use. */
  public static synchronized List<Case> cases() {
    if (all == null) {
      Material m = Material.get();
      List<Case> out = new ArrayList<>();
      out.addAll(CabCases.generate(m));
      out.addAll(StlCases.generate(m));
      out.addAll(StoreCases.generate(m));
      out.addAll(CertificateCases.generate(m));
      out.addAll(CrlCases.generate(m));
      out.addAll(BundleCases.archive(m));
      out.addAll(BundleCases.manifest(m));
      out.addAll(ProfileCases.generate());
      out.addAll(HttpCases.generate(m));
      out.addAll(StateCases.generate(m));
      out.addAll(PublisherCases.generate(m));
      out.addAll(RealCases.generate());
      out.addAll(ResignedCases.generate(m));
      out.addAll(GuardCases.generate());
      out.addAll(UpstreamCases.generate(m));
      all = List.copyOf(out);
    }
    return all;
  }

  // Builders shared by the category generators.

  static final int MALFORMED = 3;
  static final int INVALID = 1;
  static final int USAGE = 2;

  /** Inspected with the synthetic root as a trust anchor, as of {@link Material#AT}. */
  static Case inspect(
      Category c, String name, String fileName, byte[] data, int exit, String fragment) {
    return inspect(c, name, fileName, data, Map.of(), List.of(), exit, fragment);
  }

  /**
   * Inspected with the synthetic root as a trust anchor (unless the options name one), as of {@link
   * Material#AT}, with more files and options. Companion files are named on the command line after
   * the target, except those whose name starts with {@code opt-} (used by options).
   */
  static Case inspect(
      Category c,
      String name,
      String fileName,
      byte[] data,
      Map<String, byte[]> companions,
      List<String> options,
      int exit,
      String fragment) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(fileName, data);
    files.put("anchor.crt", Material.get().anchor());
    files.putAll(companions);
    List<String> args = new ArrayList<>(List.of("--summary", "--at", Material.AT));
    args.addAll(options);
    if (!options.contains("--trust-anchor")) {
      args.addAll(List.of("--trust-anchor", "@anchor.crt"));
    }
    args.add("@" + fileName);
    companions.keySet().stream().filter(n -> !n.startsWith("opt-")).forEach(n -> args.add("@" + n));
    return new Case(c, name, Runner.INSPECT, fileName, files, args, Set.of(exit), fragment, false);
  }

  /** Inspected with exactly these arguments (no trust anchor unless given). */
  static Case inspectRaw(
      Category c,
      String name,
      String fileName,
      byte[] data,
      Map<String, byte[]> others,
      List<String> args,
      int exit,
      String fragment) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(fileName, data);
    files.putAll(others);
    return new Case(c, name, Runner.INSPECT, fileName, files, args, Set.of(exit), fragment, false);
  }

  /** Verified, then imported into a state where the synthetic bundle is active. */
  static Case bundle(Category c, String name, byte[] archive, int exit, String fragment) {
    return new Case(
        c,
        name,
        Runner.BUNDLE,
        "bundle.tar.gz",
        Map.of("bundle.tar.gz", archive, "publisher.crt", Material.get().publisherCertificate()),
        List.of("@bundle.tar.gz", "--trust", "@publisher.crt", "--at", Material.AT),
        Set.of(exit),
        fragment,
        false);
  }

  /** A fixed-seed source of arbitrary bytes. */
  static Random random(long salt) {
    return new Random(0x7B1D_2025L ^ salt);
  }
}
