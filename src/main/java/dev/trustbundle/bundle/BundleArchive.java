package dev.trustbundle.bundle;

import dev.trustbundle.error.MalformedInputException;
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
     * 20,000 entries, 64 MiB per entry, and in all 512 MiB or a third of the heap, whichever is
     * less: the entries are held in memory, so a bomb must be refused before the heap runs out.
     */
    public static final Limits DEFAULT =
        new Limits(
            20_000,
            64L << 20,
            Math.max(16L << 20, Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 3)));
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
    GzipCompressorInputStream gzip;
    try {
      // Concatenated mode: bytes after the first member must themselves be gzip, so junk appended
      // to a bundle fails instead of being silently skipped.
      gzip =
          GzipCompressorInputStream.builder()
              .setInputStream(nonClosing(in))
              .setDecompressConcatenated(true)
              .get();
    } catch (IOException e) {
      throw new MalformedInputException(
          "the file is not a .tar.gz ("
              + (e.getMessage() == null ? "it ends inside the gzip header" : e.getMessage())
              + ")");
    }
    // Blocks of one record (512 bytes): with the default 10 KiB blocks the reader would skip the
    // rest of the last block after the end marker unseen, and junk hidden there would pass.
    try (TarArchiveInputStream tar = new TarArchiveInputStream(gzip, 512)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
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
