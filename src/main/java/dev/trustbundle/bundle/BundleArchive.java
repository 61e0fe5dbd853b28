package dev.trustbundle.bundle;

import dev.trustbundle.error.MalformedInputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The bundle archive: a {@code .tar.gz} whose entries are sorted by name, with fixed times, owners
 * and modes, so that the same content always gives the same bytes. Reading is defensive: regular
 * files only, no absolute names, no {@code ..}, no duplicates, bounded count and sizes, so a tar or
 * gzip bomb is refused early.
 */
public final class BundleArchive {
  /** 0644, the mode of every entry. */
  private static final int MODE = 0100644;

  private BundleArchive() {}

  /**
   * Limits for reading.
   *
   * @param maxEntries most entries
   * @param maxEntrySize largest single file
   * @param maxTotalSize largest sum of file sizes (uncompressed)
   */
  public record Limits(int maxEntries, long maxEntrySize, long maxTotalSize) {
    /**
     * The size budget ({@link Budget}): its files plus the manifest and signature as entries, its
     * largest file (a CRL) per entry, and in all its total plus the manifest and signature, or a
     * third of the heap, whichever is less: the entries are held in memory, so a bomb must be
     * refused before the heap runs out. What the budget refuses later by role is refused here by
     * size alone, before it is inflated.
     */
    public static final Limits DEFAULT =
        new Limits(
            Budget.MAX_FILES + 2,
            Math.max(Budget.MAX_CRL, Budget.MAX_MANIFEST),
            Math.max(
                16L << 20,
                Math.min(
                    Budget.MAX_TOTAL + 2 * Budget.MAX_MANIFEST,
                    Runtime.getRuntime().maxMemory() / 3)));
  }

  /** Writes entries (path to bytes) as a reproducible tar.gz. */
  public static void write(SortedMap<String, byte[]> entries, OutputStream out) throws IOException {
    GzipParameters gz = new GzipParameters();
    gz.setModificationTime(0);
    gz.setOperatingSystem(255);
    try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(nonClosing(out), gz);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        checkName(e.getKey());
        TarArchiveEntry t = new TarArchiveEntry(e.getKey(), true);
        t.setSize(e.getValue().length);
        t.setMode(MODE);
        t.setModTime(0);
        t.setUserId(0);
        t.setGroupId(0);
        t.setUserName("root");
        t.setGroupName("root");
        tar.putArchiveEntry(t);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  /** Reads every entry, refusing anything but plain files with safe relative names. */
  public static SortedMap<String, byte[]> read(InputStream in, Limits limits) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    long total = 0;
    // Marked and reset around the header check; the gzip reader then uses it as it is (it supports
    // mark), so that it stops exactly after the first member's trailer.
    BufferedInputStream raw = new BufferedInputStream(nonClosing(in), HEADER_LIMIT);
    GzipCompressorInputStream gzip;
    try {
      checkGzipHeader(raw);
      // One member: bytes after it are refused below, so junk appended to a bundle fails instead
      // of being silently skipped, and no later member's header is read unbounded.
      gzip =
          GzipCompressorInputStream.builder()
              .setInputStream(raw)
              .setDecompressConcatenated(false)
              .get();
    } catch (IOException e) {
      throw new MalformedInputException(
          "the file is not a .tar.gz ("
              + (e.getMessage() == null ? "it ends inside the gzip header" : e.getMessage())
              + ")");
    }
    HeaderTap tap = new HeaderTap(gzip);
    // Blocks of one record (512 bytes): with the default 10 KiB blocks the reader would skip the
    // rest of the last block after the end marker unseen, and junk hidden there would pass.
    try (TarArchiveInputStream tar = new TarArchiveInputStream(tap, 512)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        checkHeaderName(name, tap.header());
        // The reader does not refuse a header whose checksum is wrong; a damaged header is refused.
        if (!e.isCheckSumOK()) {
          throw new MalformedInputException(
              "the archive header of "
                  + printable(name)
                  + " is corrupt (its checksum does not match); copy the bundle again");
        }
        // "tar -C dir ." writes "./" and "./x": a leading "./" names the same file.
        while (name.startsWith("./")) {
          name = name.substring(2);
        }
        byte type = e.getLinkFlag();
        if (type == TarArchiveEntry.LF_DIR) {
          if (!name.isEmpty() && !name.equals(".")) {
            checkName(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
          }
          continue;
        }
        // An allow-list: only regular files. Links, devices, FIFOs and unknown types are refused.
        if (type != TarArchiveEntry.LF_NORMAL && type != TarArchiveEntry.LF_OLDNORM) {
          throw new MalformedInputException(
              "the archive entry "
                  + printable(name)
                  + " is a link or device; bundles hold only files");
        }
        checkName(name);
        if (out.size() >= limits.maxEntries()) {
          throw new MalformedInputException(
              "the archive has more than " + limits.maxEntries() + " entries; refused");
        }
        if (e.getSize() < 0 || e.getSize() > limits.maxEntrySize()) {
          throw new MalformedInputException(
              "the archive entry " + name + " declares " + e.getSize() + " bytes, over the limit");
        }
        total += e.getSize();
        if (total > limits.maxTotalSize()) {
          throw new MalformedInputException(
              "the archive expands to more than " + limits.maxTotalSize() + " bytes; refused");
        }
        if (out.containsKey(name)) {
          throw new MalformedInputException("the archive holds " + name + " twice");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream((int) e.getSize());
        long copied = tar.transferTo(buf);
        if (copied != e.getSize()) {
          throw new MalformedInputException("truncated: the archive entry " + name + " is cut off");
        }
        out.put(name, buf.toByteArray());
      }
      // The tar end marker can come before the end of the gzip stream: read the rest, so that the
      // gzip trailer (CRC-32 and length) is checked, and refuse anything after the gzip member.
      byte[] sink = new byte[8192];
      long rest = 0;
      int n;
      while ((n = gzip.read(sink)) >= 0) {
        rest += n;
        for (int i = 0; i < n; i++) {
          if (sink[i] != 0) {
            throw new MalformedInputException(
                "the archive has data after its end; copy it again from the source");
          }
        }
        if (rest > (1 << 20)) {
          throw new MalformedInputException("the archive has more than 1 MiB after its end");
        }
      }
      if (raw.read() >= 0) {
        throw new MalformedInputException(
            "the archive has data after its end (garbage or a second member after a valid .gz"
                + " stream); copy it again from the source");
      }
    } catch (IOException | IllegalArgumentException e) {
      String why =
          e.getMessage() == null ? "it ends early" : e.getMessage().replaceAll("\\s+", " ");
      throw new MalformedInputException(
          "the archive is damaged, cut short or not a .tar.gz ("
              + why
              + "); copy it again from the source");
    }
    return out;
  }

  /** Longest gzip FEXTRA, FNAME or FCOMMENT accepted; TrustBundle writes none of them. */
  static final int HEADER_FIELD_LIMIT = 1024;

  /** Room for the whole gzip header: the fixed part, the three fields and FHCRC. */
  private static final int HEADER_LIMIT = 10 + 2 + 3 * HEADER_FIELD_LIMIT + 2 + 64;

  /**
   * Checks the gzip member header (RFC 1952 section 2.3) with a bound on every field, then resets
   * the stream: the gzip reader collects FNAME and FCOMMENT without a limit, so a 300 MB name would
   * exhaust the heap.
   */
  static void checkGzipHeader(BufferedInputStream in) throws IOException {
    in.mark(HEADER_LIMIT);
    byte[] fixed = in.readNBytes(10);
    if (fixed.length < 10) {
      throw new IOException(
          fixed.length >= 2 && (fixed[0] & 0xFF) == 0x1F && (fixed[1] & 0xFF) == 0x8B
              ? "it ends inside the gzip header"
              : "no gzip header");
    }
    if ((fixed[0] & 0xFF) != 0x1F || (fixed[1] & 0xFF) != 0x8B) {
      throw new IOException("no gzip header");
    }
    if (fixed[2] != 8) {
      throw new IOException("gzip compression method " + (fixed[2] & 0xFF) + ", not deflate");
    }
    int flags = fixed[3] & 0xFF;
    if ((flags & 0xE0) != 0) {
      throw new IOException("reserved gzip header flags are set");
    }
    if ((flags & 0x04) != 0) { // FEXTRA: a two-byte length, then that many bytes
      byte[] len = in.readNBytes(2);
      if (len.length < 2) {
        throw new IOException("it ends inside the gzip header");
      }
      int xlen = (len[0] & 0xFF) | (len[1] & 0xFF) << 8;
      if (xlen > HEADER_FIELD_LIMIT) {
        throw new IOException(
            "the gzip header's FEXTRA is " + xlen + " bytes, over " + HEADER_FIELD_LIMIT);
      }
      if (in.readNBytes(xlen).length < xlen) {
        throw new IOException("it ends inside the gzip header");
      }
    }
    for (int[] field : new int[][] {{0x08, 0}, {0x10, 1}}) { // FNAME, FCOMMENT: zero-terminated
      if ((flags & field[0]) != 0) {
        int n = 0;
        int c;
        while ((c = in.read()) > 0) {
          if (++n > HEADER_FIELD_LIMIT) {
            throw new IOException(
                "the gzip header's "
                    + (field[1] == 0 ? "FNAME" : "FCOMMENT")
                    + " is longer than "
                    + HEADER_FIELD_LIMIT
                    + " bytes");
          }
        }
        if (c < 0) {
          throw new IOException("it ends inside the gzip header");
        }
      }
    }
    in.reset();
  }

  /**
   * Refuses an entry whose own header names another file than the one the reader reports: a PAX
   * {@code path} or GNU long name can hide an unsafe ustar name from this reader, which a tool
   * without PAX support would then extract. The header may hold the first 100 bytes of a longer
   * name, as writers (this one included) put there.
   */
  static void checkHeaderName(String reported, byte[] header) {
    if (header == null) {
      throw new MalformedInputException(
          "the archive entry " + printable(reported) + " has no header");
    }
    byte[] field = java.util.Arrays.copyOf(header, 100);
    int end = 0;
    while (end < 100 && field[end] != 0) {
      end++;
    }
    String name = new String(field, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    boolean ustar =
        java.util.Arrays.equals(
            java.util.Arrays.copyOfRange(header, 257, 263),
            "ustar\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    if (ustar && header[345] != 0) {
      int pend = 345;
      while (pend < 500 && header[pend] != 0) {
        pend++;
      }
      name =
          new String(header, 345, pend - 345, java.nio.charset.StandardCharsets.UTF_8) + "/" + name;
    }
    if (stripSlash(name).equals(stripSlash(reported))) {
      return;
    }
    byte[] full = reported.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (end == 100
        && (!ustar || header[345] == 0)
        && full.length > 100
        && java.util.Arrays.equals(field, java.util.Arrays.copyOf(full, 100))) {
      // A truncation of the long name: safe only if it is itself a safe name.
      String cut = stripSlash(name);
      while (cut.startsWith("./")) {
        cut = cut.substring(2);
      }
      if (!cut.isEmpty()) {
        checkName(cut);
      }
      return;
    }
    throw new MalformedInputException(
        "the archive entry "
            + printable(reported)
            + " has a header name "
            + printable(name)
            + " that disagrees with its PAX or long name; refused");
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Keeps the last 512-byte record read from the tar stream: right after the tar reader returns an
   * entry, that is the entry's own header (PAX and long-name records come before it).
   */
  private static final class HeaderTap extends java.io.FilterInputStream {
    private final byte[] last = new byte[512];
    private int held;

    HeaderTap(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int c = in.read();
      if (c >= 0) {
        keep(new byte[] {(byte) c}, 0, 1);
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        keep(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Through read, so that what is skipped is seen too.
      byte[] sink = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(sink, 0, (int) Math.min(sink.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    private void keep(byte[] b, int off, int n) {
      if (n >= 512) {
        System.arraycopy(b, off + n - 512, last, 0, 512);
      } else {
        System.arraycopy(last, n, last, 0, 512 - n);
        System.arraycopy(b, off, last, 512 - n, n);
      }
      held = Math.min(512, held + n);
    }

    byte[] header() {
      return held < 512 ? null : last.clone();
    }
  }

  /** Refuses names that could escape the extraction folder. */
  public static void checkName(String name) {
    if (name.isEmpty()
        || name.length() > 255
        || name.startsWith("/")
        // A trailing slash names a folder: a file entry "x/" could not be extracted as a file.
        || name.endsWith("/")
        || name.contains("\\")
        || name.contains("\0")
        || name.matches("^[A-Za-z]:.*")
        || ("/" + name + "/").contains("/../")
        || ("/" + name + "/").contains("/./")
        || name.contains("//")
        || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F && c != ':')) {
      throw new MalformedInputException(
          "unsafe name " + printable(name) + " in the archive; refused");
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
      if (sb.length() > 120) {
        sb.append("...");
        break;
      }
    }
    return sb.append('"').toString();
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static InputStream nonClosing(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
