package dev.trustbundle.bundle;

/**
 * The one size budget of a bundle, shared by {@code build} (what it downloads and packs), {@code
 * verify}/{@code import} (what they accept) and {@code serve} (what it loads into memory). A file
 * or a bundle over the budget is refused with a one-line reason wherever it is met, so that a
 * version that was imported can always be loaded by the server that is to publish it.
 *
 * <p>The figures are far above what Microsoft publishes (about 1.5 MB in all, the largest list
 * cabinet under 100 KB, roots under 4 KB) and above the largest public CRLs commonly mirrored, and
 * low enough that {@code serve}, which keeps the active version and the one being swapped in off
 * the heap in direct buffers, fits in its fixed memory (see {@link #SERVE_DIRECT_MEMORY}).
 */
public final class Budget {
  private Budget() {}

  /**
   * A list cabinet, {@code authroot.stl}, {@code authrootseq.txt} or {@code disallowedcert.sst}.
   */
  public static final long MAX_LIST = 16L << 20;

  /** One certificate file (a root, an extra root or an intermediate). */
  public static final long MAX_CERT = 64L << 10;

  /**
   * One CRL. The JDK's parser holds an object per revoked entry, so a CRL costs far more heap
   * parsed than on disk: see {@link #MAX_CRL_ENTRIES}.
   */
  public static final long MAX_CRL = 8L << 20;

  /**
   * Revoked entries in one CRL: 100,000 parse and verify within the heap {@code serve} runs with
   * (measured: 100,000 entries load at {@code -Xmx128m}, 250,000 do not).
   */
  public static final int MAX_CRL_ENTRIES = 100_000;

  /**
   * Extra roots and intermediates of a profile together: each is parsed and kept while the bundle
   * is checked (a profile names a few dozen at most).
   */
  public static final int MAX_PROFILE_CERTS = 500;

  /** One generated client configuration file. */
  public static final long MAX_CLIENT_FILE = 1L << 20;

  /** All files of a bundle together, manifest and signature included. */
  public static final long MAX_TOTAL = 96L << 20;

  /**
   * How many files a bundle's manifest may list: with the manifest and its signature, 20,000
   * archive entries.
   */
  public static final int MAX_FILES = 19_998;

  /** The manifest ({@code manifest.json}) and its signature, each. */
  public static final long MAX_MANIFEST = 16L << 20;

  /**
   * The direct memory {@code serve} needs: two versions at the budget's total (the one served and
   * the one being loaded), plus Jetty's own buffers.
   */
  public static final long SERVE_DIRECT_MEMORY = 2 * MAX_TOTAL + (64L << 20);

  /** The bound for a file of this role. */
  public static long forRole(FileRole role) {
    return switch (role) {
      case LIST, SEQUENCE, STORE -> MAX_LIST;
      case ROOT, REMOVED_ROOT, EXTRA_ROOT, INTERMEDIATE -> MAX_CERT;
      case CRL -> MAX_CRL;
      case CLIENT -> MAX_CLIENT_FILE;
    };
  }

  /**
   * Where a manifest breaks the budget, from the manifest alone (before a byte of the files is
   * read): too many files, an unknown role, a file over its role's bound, too many profile
   * certificates, too much in all. Empty when it fits.
   */
  public static java.util.List<String> problems(Manifest m) {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (m.files().size() > MAX_FILES) {
      out.add("the manifest lists " + m.files().size() + " files, over the budget of " + MAX_FILES);
      return out;
    }
    long total = 0;
    int profileCerts = 0;
    for (Manifest.FileInfo f : m.files()) {
      String shown = dev.trustbundle.error.Messages.printable(f.path(), 120);
      java.util.Optional<FileRole> role = FileRole.of(f.role());
      if (role.isEmpty()) {
        out.add(
            shown
                + " has the unknown role "
                + dev.trustbundle.error.Messages.printable(f.role(), 40));
        continue;
      }
      long bound = forRole(role.get());
      if (f.size() < 0 || f.size() > bound) {
        out.add(
            shown
                + " is "
                + f.size()
                + " bytes, over the budget of "
                + human(bound)
                + " for a file of role "
                + role.get().label());
      }
      if (role.get() == FileRole.EXTRA_ROOT || role.get() == FileRole.INTERMEDIATE) {
        profileCerts++;
      }
      total += Math.max(0, f.size());
    }
    if (profileCerts > MAX_PROFILE_CERTS) {
      out.add(
          "the bundle carries "
              + profileCerts
              + " extra roots and intermediates, over the budget of "
              + MAX_PROFILE_CERTS);
    }
    if (total > MAX_TOTAL) {
      out.add(
          "the bundle's files add up to "
              + total
              + " bytes in all, over the budget of "
              + human(MAX_TOTAL));
    }
    return out;
  }

  /** {@code 16 MiB}, {@code 256 KiB}: a size for people. */
  public static String human(long bytes) {
    if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }
}
