package dev.trustbundle.cab;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a single cabinet file (MS-CAB) whose folders are stored uncompressed or with MSZIP.
 *
 * <p>Every offset, count and size read from the file is checked against the file length and the
 * {@link CabLimits} before it is used; the first problem found ends the read with a {@link
 * CabFormatException} that says what is wrong and where.
 */
public final class CabReader {
  private static final int CFHEADER_SIZE = 36;
  private static final int CFFOLDER_SIZE = 8;
  private static final int CFFILE_SIZE = 16;
  private static final int CFDATA_SIZE = 8;
  private static final int MAX_NAME_BYTES = 256;
  private static final int MAX_UNCOMPRESSED_BLOCK = 32768;
  // MS-MCI 2.1: a compressed block may exceed 32 KiB by at most 12 bytes (stored DEFLATE blocks).
  private static final int MAX_COMPRESSED_BLOCK = MAX_UNCOMPRESSED_BLOCK + 12;
  private static final int FLAG_PREV_CABINET = 0x0001;
  private static final int FLAG_NEXT_CABINET = 0x0002;
  private static final int FLAG_RESERVE_PRESENT = 0x0004;
  private static final int ATTRIB_NAME_IS_UTF = 0x80;

  private CabReader() {}

  /** Reads a cabinet with {@link CabLimits#DEFAULT}. */
  public static Cabinet read(byte[] cab) {
    return read(cab, CabLimits.DEFAULT);
  }

  /**
   * Reads a cabinet.
   *
   * @throws CabFormatException when the cabinet is malformed, over a limit or uses Quantum or LZX
   */
  public static Cabinet read(byte[] cab, CabLimits limits) {
    Le in = new Le(cab);
    if (cab.length < CFHEADER_SIZE) {
      throw new CabFormatException(
          "truncated: " + cab.length + " bytes, but a cabinet header (CFHEADER) needs 36");
    }
    if (cab[0] != 'M' || cab[1] != 'S' || cab[2] != 'C' || cab[3] != 'F') {
      throw new CabFormatException(
          String.format(
              "not a cabinet: the file starts with %02X %02X %02X %02X, expected \"MSCF\"",
              cab[0], cab[1], cab[2], cab[3]));
    }
    long cbCabinet = in.u32(8, "CFHEADER.cbCabinet");
    if (cbCabinet > cab.length) {
      throw new CabFormatException(
          "truncated: CFHEADER.cbCabinet declares "
              + cbCabinet
              + " bytes but the file has "
              + cab.length);
    }
    if (cbCabinet < cab.length) {
      throw new CabFormatException(
          "CFHEADER.cbCabinet declares "
              + cbCabinet
              + " bytes but the file has "
              + cab.length
              + ": data after the end of the cabinet");
    }
    long coffFiles = in.u32(16, "CFHEADER.coffFiles");
    int versionMinor = in.u8(24, "CFHEADER.versionMinor");
    int versionMajor = in.u8(25, "CFHEADER.versionMajor");
    if (versionMajor != 1) {
      throw new CabFormatException(
          "unsupported cabinet format version "
              + versionMajor
              + "."
              + versionMinor
              + " (need 1.x)");
    }
    int cFolders = in.u16(26, "CFHEADER.cFolders");
    int cFiles = in.u16(28, "CFHEADER.cFiles");
    int flags = in.u16(30, "CFHEADER.flags");
    if ((flags & (FLAG_PREV_CABINET | FLAG_NEXT_CABINET)) != 0) {
      throw new CabFormatException(
          String.format(
              "the cabinet is part of a multi-cabinet set (CFHEADER.flags 0x%04X); only single"
                  + " cabinets are supported",
              flags));
    }
    if (cFolders == 0 || cFiles == 0) {
      throw new CabFormatException(
          "the cabinet is empty (" + cFolders + " folders, " + cFiles + " files)");
    }
    if (cFolders > limits.maxFolders()) {
      throw new CabFormatException(
          "CFHEADER.cFolders is " + cFolders + ", above the limit of " + limits.maxFolders());
    }
    if (cFiles > limits.maxFiles()) {
      throw new CabFormatException(
          "CFHEADER.cFiles is " + cFiles + ", above the limit of " + limits.maxFiles());
    }

    int pos = CFHEADER_SIZE;
    int cbCFFolder = 0;
    int cbCFData = 0;
    if ((flags & FLAG_RESERVE_PRESENT) != 0) {
      int cbCFHeader = in.u16(pos, "CFHEADER.cbCFHeader");
      cbCFFolder = in.u8(pos + 2, "CFHEADER.cbCFFolder");
      cbCFData = in.u8(pos + 3, "CFHEADER.cbCFData");
      if (cbCFHeader > 60000) {
        throw new CabFormatException(
            "CFHEADER.cbCFHeader is " + cbCFHeader + ", above the MS-CAB maximum of 60000");
      }
      pos += 4 + cbCFHeader;
      in.require(pos, 0, "the CFHEADER reserve area");
    }

    int folderTableStart = pos;
    List<Folder> folders = new ArrayList<>(cFolders);
    for (int f = 0; f < cFolders; f++) {
      String where = "CFFOLDER " + f + " at offset " + pos;
      in.require(pos, CFFOLDER_SIZE + cbCFFolder, where);
      long coffCabStart = in.u32(pos, where);
      int cCFData = in.u16(pos + 4, where);
      int typeCompress = in.u16(pos + 6, where);
      CompressionType type;
      try {
        type = CompressionType.fromTypeCompress(typeCompress);
      } catch (CabFormatException e) {
        throw new CabFormatException("folder " + f + ": " + e.getMessage());
      }
      folders.add(new Folder(f, coffCabStart, cCFData, type));
      pos += CFFOLDER_SIZE + cbCFFolder;
    }
    int headersEnd = pos;

    if (coffFiles < headersEnd || coffFiles >= cbCabinet) {
      throw new CabFormatException(
          "CFHEADER.coffFiles is "
              + coffFiles
              + ", outside the cabinet (the file table must start between "
              + headersEnd
              + " and "
              + (cbCabinet - 1)
              + ")");
    }
    pos = (int) coffFiles;
    List<FileRecord> files = new ArrayList<>(cFiles);
    Set<String> names = new HashSet<>();
    long declaredTotal = 0;
    for (int i = 0; i < cFiles; i++) {
      String where = "CFFILE " + i + " at offset " + pos;
      in.require(pos, CFFILE_SIZE, where);
      long cbFile = in.u32(pos, where);
      long uoffFolderStart = in.u32(pos + 4, where);
      int iFolder = in.u16(pos + 8, where);
      int date = in.u16(pos + 10, where);
      int time = in.u16(pos + 12, where);
      int attribs = in.u16(pos + 14, where);
      int nameStart = pos + CFFILE_SIZE;
      int nameEnd = nameStart;
      while (true) {
        if (nameEnd >= cab.length) {
          throw new CabFormatException(where + ": the file name runs past the end of the cabinet");
        }
        if (cab[nameEnd] == 0) {
          break;
        }
        if (nameEnd - nameStart >= MAX_NAME_BYTES) {
          throw new CabFormatException(
              where + ": the file name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        nameEnd++;
      }
      if (nameEnd == nameStart) {
        throw new CabFormatException(where + ": the file name is empty");
      }
      String name =
          new String(
              cab,
              nameStart,
              nameEnd - nameStart,
              (attribs & ATTRIB_NAME_IS_UTF) != 0
                  ? StandardCharsets.UTF_8
                  : StandardCharsets.ISO_8859_1);
      checkName(name, where);
      if (!names.add(name.toLowerCase(Locale.ROOT))) {
        throw new CabFormatException(
            where
                + ": the cabinet holds \""
                + printable(name)
                + "\" twice (names compare without case, as on Windows); which one a client"
                + " extracts is not defined, so the cabinet is refused");
      }
      if (iFolder >= 0xFFFD) {
        throw new CabFormatException(
            where
                + " ("
                + name
                + ") continues from or into another cabinet (iFolder 0x"
                + Integer.toHexString(iFolder).toUpperCase()
                + "); only single cabinets are supported");
      }
      if (iFolder >= cFolders) {
        throw new CabFormatException(
            where
                + " ("
                + name
                + ") refers to folder "
                + iFolder
                + " but the cabinet has "
                + cFolders);
      }
      declaredTotal += cbFile;
      if (declaredTotal > limits.maxTotalSize()) {
        throw new CabFormatException(
            "the files declare "
                + declaredTotal
                + "+ bytes in total, above the limit of "
                + limits.maxTotalSize()
                + " bytes");
      }
      files.add(new FileRecord(i, name, cbFile, uoffFolderStart, iFolder, date, time, attribs));
      pos = nameEnd + 1;
    }
    int fileTableEnd = pos;

    byte[][] folderData = new byte[cFolders][];
    List<long[]> dataRanges = new ArrayList<>();
    int blocksSeen = 0;
    long uncompressedSeen = 0;
    for (Folder folder : folders) {
      if (folder.type != CompressionType.NONE && folder.type != CompressionType.MSZIP) {
        throw new CabFormatException(
            "folder "
                + folder.index
                + " uses "
                + folder.type.label()
                + " compression, which TrustBundle does not read; only uncompressed and MSZIP"
                + " cabinets are supported");
      }
      if (!folderHasFiles(files, folder.index)) {
        continue;
      }
      blocksSeen += folder.cCFData;
      if (blocksSeen > limits.maxBlocks()) {
        throw new CabFormatException(
            "the cabinet has more than " + limits.maxBlocks() + " data blocks (the limit)");
      }
      BlockScan scan =
          scanBlocks(in, folder, cbCFData, fileTableEnd, (int) cbCabinet, limits, uncompressedSeen);
      uncompressedSeen += scan.totalUncompressed;
      dataRanges.add(new long[] {folder.coffCabStart, scan.end, folder.index});
      folderData[folder.index] = inflateFolder(cab, folder, scan);
    }
    checkNoOverlap(dataRanges);

    List<CabEntry> entries = new ArrayList<>(cFiles);
    checkFilesInsideFolders(files, folderData);
    for (FileRecord file : files) {
      byte[] data = folderData[file.iFolder];
      int from = (int) file.offset;
      entries.add(
          new CabEntry(
              file.name,
              Arrays.copyOfRange(data, from, from + (int) file.size),
              dosDateTime(file.date, file.time),
              file.attribs));
    }
    List<CompressionType> types = folders.stream().map(f -> f.type).toList();
    return new Cabinet(types, entries);
  }

  /**
   * Refuses member names that would lead an extracting tool out of its folder (absolute paths,
   * drive letters, ".." segments) or carry control characters. Microsoft's cabinets hold one plain
   * name such as {@code authroot.stl}.
   */
  private static void checkName(String name, String where) {
    boolean unsafe =
        name.startsWith("/")
            || name.startsWith("\\")
            || (name.length() >= 2 && name.charAt(1) == ':')
            || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
    for (String segment : name.split("[/\\\\]", -1)) {
      unsafe |= segment.equals("..");
    }
    if (unsafe) {
      throw new CabFormatException(
          where
              + ": unsafe name \""
              + printable(name)
              + "\" (an absolute path, a drive, \"..\" or control characters); refused");
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c != 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
    }
    return sb.toString();
  }

  private static boolean folderHasFiles(List<FileRecord> files, int folder) {
    for (FileRecord f : files) {
      if (f.iFolder == folder) {
        return true;
      }
    }
    return false;
  }

  /** Walks the CFDATA headers of a folder, checking bounds before anything is allocated. */
  private static BlockScan scanBlocks(
      Le in,
      Folder folder,
      int cbCFData,
      int dataAreaStart,
      int cabEnd,
      CabLimits limits,
      long uncompressedBefore) {
    if (folder.cCFData == 0) {
      throw new CabFormatException("folder " + folder.index + " has files but no data blocks");
    }
    if (folder.coffCabStart < dataAreaStart || folder.coffCabStart >= cabEnd) {
      throw new CabFormatException(
          "CFFOLDER "
              + folder.index
              + ".coffCabStart is "
              + folder.coffCabStart
              + ", outside the data area ("
              + dataAreaStart
              + " to "
              + (cabEnd - 1)
              + ")");
    }
    int[] offsets = new int[folder.cCFData];
    long total = 0;
    int pos = (int) folder.coffCabStart;
    for (int b = 0; b < folder.cCFData; b++) {
      String where = "CFDATA block " + b + " of folder " + folder.index + " at offset " + pos;
      if (pos > cabEnd - CFDATA_SIZE - cbCFData) {
        throw new CabFormatException("truncated: " + where + " runs past the end of the cabinet");
      }
      int cbData = in.u16(pos + 4, where);
      int cbUncomp = in.u16(pos + 6, where);
      if (cbUncomp == 0 || cbUncomp > MAX_UNCOMPRESSED_BLOCK) {
        throw new CabFormatException(
            where + ": cbUncomp is " + cbUncomp + " (must be 1 to " + MAX_UNCOMPRESSED_BLOCK + ")");
      }
      if (cbData == 0 || cbData > MAX_COMPRESSED_BLOCK) {
        throw new CabFormatException(
            where + ": cbData is " + cbData + " (must be 1 to " + MAX_COMPRESSED_BLOCK + ")");
      }
      int dataStart = pos + CFDATA_SIZE + cbCFData;
      if (cbData > cabEnd - dataStart) {
        throw new CabFormatException(
            "truncated: "
                + where
                + " declares "
                + cbData
                + " bytes of data but only "
                + (cabEnd - dataStart)
                + " remain");
      }
      total += cbUncomp;
      if (uncompressedBefore + total > limits.maxTotalSize()) {
        throw new CabFormatException(
            "the data blocks expand to more than "
                + limits.maxTotalSize()
                + " bytes (the limit); the cabinet is refused");
      }
      long stored = in.u32(pos, where);
      if (stored != 0) {
        long computed =
            checksum(in.bytes, dataStart, cbData, 0) ^ (in.u32(pos + 4, where) & 0xFFFFFFFFL);
        if (computed != stored) {
          throw new CabFormatException(
              String.format(
                  "%s: checksum 0x%08X does not match the data (computed 0x%08X); the file is"
                      + " corrupt, download it again",
                  where, stored, computed));
        }
      }
      offsets[b] = pos;
      pos = dataStart + cbData;
    }
    return new BlockScan(offsets, (int) total, pos, cbCFData);
  }

  /** The CFDATA checksum of MS-CAB 2.5 (the algorithm of libmspack's cabd_checksum). */
  static long checksum(byte[] data, int off, int len, long seed) {
    long csum = seed;
    int words = len >>> 2;
    int p = off;
    for (int i = 0; i < words; i++) {
      long word =
          (data[p] & 0xFFL)
              | (data[p + 1] & 0xFFL) << 8
              | (data[p + 2] & 0xFFL) << 16
              | (data[p + 3] & 0xFFL) << 24;
      csum ^= word;
      p += 4;
    }
    // MS-CAB 2.5: one to three leftover bytes form one word, the first byte highest.
    long rest = 0;
    for (int i = 0; i < (len & 3); i++) {
      rest = (rest << 8) | (data[p + i] & 0xFFL);
    }
    return (csum ^ rest) & 0xFFFFFFFFL;
  }

  private static byte[] inflateFolder(byte[] cab, Folder folder, BlockScan scan) {
    byte[] out = new byte[scan.totalUncompressed];
    int produced = 0;
    for (int b = 0; b < scan.offsets.length; b++) {
      int pos = scan.offsets[b];
      int cbData = (cab[pos + 4] & 0xFF) | (cab[pos + 5] & 0xFF) << 8;
      int cbUncomp = (cab[pos + 6] & 0xFF) | (cab[pos + 7] & 0xFF) << 8;
      int dataStart = pos + CFDATA_SIZE + scan.cbCFData;
      String where = "CFDATA block " + b + " of folder " + folder.index + " at offset " + pos;
      if (folder.type == CompressionType.NONE) {
        if (cbData != cbUncomp) {
          throw new CabFormatException(
              where
                  + ": an uncompressed block must have cbData = cbUncomp, found "
                  + cbData
                  + " and "
                  + cbUncomp);
        }
        System.arraycopy(cab, dataStart, out, produced, cbData);
      } else {
        inflateMszipBlock(cab, dataStart, cbData, out, produced, cbUncomp, where);
      }
      produced += cbUncomp;
    }
    return out;
  }

  /**
   * Inflates one MSZIP block: "CK" then raw DEFLATE whose history is the previous 32 KiB of the
   * folder's output (MS-MCI 2.3).
   */
  private static void inflateMszipBlock(
      byte[] cab, int start, int cbData, byte[] out, int outPos, int cbUncomp, String where) {
    if (cbData < 3 || cab[start] != 'C' || cab[start + 1] != 'K') {
      throw new CabFormatException(
          where + ": an MSZIP block must start with the signature \"CK\"; the data is corrupt");
    }
    // The JDK's Inflater javadoc: with nowrap, zlib may need one extra dummy input byte.
    byte[] input = Arrays.copyOfRange(cab, start + 2, start + cbData + 1);
    Inflater inflater = new Inflater(true);
    try {
      if (outPos > 0) {
        int dictLen = Math.min(MAX_UNCOMPRESSED_BLOCK, outPos);
        inflater.setDictionary(out, outPos - dictLen, dictLen);
      }
      inflater.setInput(input, 0, input.length);
      int produced = 0;
      // Each successful call makes progress, so cbUncomp + 2 rounds are a safe upper bound.
      for (int round = 0; round <= cbUncomp + 1 && produced < cbUncomp; round++) {
        int n = inflater.inflate(out, outPos + produced, cbUncomp - produced);
        if (n == 0
            && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        produced += n;
      }
      if (produced != cbUncomp) {
        throw new CabFormatException(
            where
                + ": the block inflates to "
                + produced
                + " bytes but cbUncomp says "
                + cbUncomp
                + "; the data is truncated or corrupt");
      }
      if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
        throw new CabFormatException(
            where + ": the block inflates to more than cbUncomp (" + cbUncomp + ") bytes");
      }
    } catch (DataFormatException e) {
      throw new CabFormatException(where + ": invalid DEFLATE data (" + e.getMessage() + ")");
    } finally {
      inflater.end();
    }
  }

  private static void checkNoOverlap(List<long[]> ranges) {
    ranges.sort(Comparator.comparingLong(r -> r[0]));
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
        throw new CabFormatException(
            "the data blocks of folders "
                + ranges.get(i - 1)[2]
                + " and "
                + ranges.get(i)[2]
                + " overlap");
      }
    }
  }

  private static void checkFilesInsideFolders(List<FileRecord> files, byte[][] folderData) {
    List<FileRecord> sorted = new ArrayList<>(files);
    sorted.sort(
        Comparator.<FileRecord>comparingInt(f -> f.iFolder).thenComparingLong(f -> f.offset));
    FileRecord previous = null;
    for (FileRecord f : sorted) {
      long available = folderData[f.iFolder].length;
      if (f.offset > available || f.size > available - f.offset) {
        throw new CabFormatException(
            "CFFILE "
                + f.index
                + " ("
                + f.name
                + ") lies at bytes "
                + f.offset
                + " to "
                + (f.offset + f.size)
                + " of folder "
                + f.iFolder
                + ", which holds only "
                + available
                + " bytes");
      }
      if (previous != null
          && previous.iFolder == f.iFolder
          && f.offset < previous.offset + previous.size) {
        throw new CabFormatException(
            "CFFILE "
                + f.index
                + " ("
                + f.name
                + ") overlaps CFFILE "
                + previous.index
                + " ("
                + previous.name
                + ") in folder "
                + f.iFolder);
      }
      previous = f;
    }
  }

  /** MS-DOS date and time (MS-CAB 2.3); empty when the fields do not form a real date. */
  static Optional<LocalDateTime> dosDateTime(int date, int time) {
    int year = 1980 + (date >>> 9);
    int month = (date >>> 5) & 0x0F;
    int day = date & 0x1F;
    int hour = time >>> 11;
    int minute = (time >>> 5) & 0x3F;
    int second = (time & 0x1F) * 2;
    try {
      return Optional.of(LocalDateTime.of(year, month, day, hour, minute, second));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private record Folder(int index, long coffCabStart, int cCFData, CompressionType type) {}

  private record FileRecord(
      int index,
      String name,
      long size,
      long offset,
      int iFolder,
      int date,
      int time,
      int attribs) {}

  private record BlockScan(int[] offsets, int totalUncompressed, int end, int cbCFData) {}

  /** Little-endian reads that fail with a message instead of an index exception. */
  private static final class Le {
    final byte[] bytes;

    Le(byte[] bytes) {
      this.bytes = bytes;
    }

    void require(long pos, int len, String what) {
      if (pos < 0 || pos + len > bytes.length) {
        throw new CabFormatException("truncated: " + what + " runs past the end of the cabinet");
      }
    }

    int u8(int pos, String what) {
      require(pos, 1, what);
      return bytes[pos] & 0xFF;
    }

    int u16(int pos, String what) {
      require(pos, 2, what);
      return (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8;
    }

    long u32(int pos, String what) {
      require(pos, 4, what);
      return (bytes[pos] & 0xFFL)
          | (bytes[pos + 1] & 0xFFL) << 8
          | (bytes[pos + 2] & 0xFFL) << 16
          | (bytes[pos + 3] & 0xFFL) << 24;
    }
  }
}
