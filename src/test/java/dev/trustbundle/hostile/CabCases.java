package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;
import static dev.trustbundle.hostile.Mutations.cut;
import static dev.trustbundle.hostile.Mutations.flip;
import static dev.trustbundle.hostile.Mutations.le16;
import static dev.trustbundle.hostile.Mutations.le32;
import static dev.trustbundle.hostile.Mutations.patch;
import static dev.trustbundle.hostile.Mutations.u16;
import static dev.trustbundle.hostile.Mutations.u32;

import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.testing.CabBuilder;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Cabinets (MS-CAB): cut at every header field, every structural field flipped or made huge,
 * checksums, compression types, DEFLATE damage, and member names that traverse or repeat.
 */
final class CabCases {
  private CabCases() {}

  private static final String NAME = "authrootstl.cab";

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] cab = m.cab;
    int coffFiles = (int) u32(cab, 16);
    int folder = 36;
    int file = coffFiles;
    int data = (int) u32(cab, folder);
    int payload = data + 8;

    // Cut short at each field of each structure.
    int[][] cuts = {
      {1, 0},
      {3, 0},
      {4, 0},
      {8, 0},
      {12, 0},
      {16, 0},
      {20, 0},
      {24, 0},
      {26, 0},
      {28, 0},
      {30, 0},
      {32, 0},
      {35, 0},
      {36, 0},
      {folder + 4, 0},
      {folder + 6, 0},
      {file, 0},
      {file + 4, 0},
      {file + 8, 0},
      {file + 16, 0},
      {file + 20, 0},
      {data, 0},
      {data + 4, 0},
      {data + 6, 0},
      {payload, 0},
      {payload + 2, 0},
      {cab.length / 2, 0},
      {cab.length - 1, 0}
    };
    for (int[] c : cuts) {
      out.add(c(Category.CAB, "cut-at-" + c[0], cut(cab, c[0]), MALFORMED, "truncated"));
    }
    out.add(c(Category.CAB, "empty", new byte[0], MALFORMED, "empty"));
    // Cut, with cbCabinet patched to agree, so that each later structure meets its own end.
    for (int at : new int[] {folder + 4, file + 10, file + 18, data + 2, payload + 4}) {
      out.add(
          c(
              Category.CAB,
              "cut-consistent-at-" + at,
              le32(cut(cab, at), 8, at),
              MALFORMED,
              at == payload + 4 ? "remain" : "runs past the end"));
    }
    out.add(
        c(
            Category.CAB,
            "cut-consistent-mid-payload",
            le32(cut(cab, payload + 40), 8, payload + 40),
            MALFORMED,
            "truncated"));

    // CFHEADER fields.
    out.add(c(Category.CAB, "signature-flipped", flip(cab, 0, 0x20), MALFORMED, "not a cabinet"));
    out.add(
        c(
            Category.CAB,
            "cbCabinet-plus-one",
            le32(cab, 8, cab.length + 1),
            MALFORMED,
            "truncated"));
    out.add(
        c(
            Category.CAB,
            "cbCabinet-minus-one",
            le32(cab, 8, cab.length - 1),
            MALFORMED,
            "after the end"));
    out.add(c(Category.CAB, "cbCabinet-huge", le32(cab, 8, 0xFFFFFFFFL), MALFORMED, "truncated"));
    out.add(c(Category.CAB, "cbCabinet-zero", le32(cab, 8, 0), MALFORMED, "after the end"));
    out.add(c(Category.CAB, "coffFiles-huge", le32(cab, 16, 0xFFFFFFFFL), MALFORMED, "coffFiles"));
    out.add(c(Category.CAB, "coffFiles-zero", le32(cab, 16, 0), MALFORMED, "coffFiles"));
    out.add(c(Category.CAB, "coffFiles-into-header", le32(cab, 16, 35), MALFORMED, "coffFiles"));
    out.add(c(Category.CAB, "coffFiles-at-end", le32(cab, 16, cab.length), MALFORMED, "coffFiles"));
    out.add(c(Category.CAB, "coffFiles-into-data", le32(cab, 16, data), MALFORMED, "CFFILE"));
    out.add(c(Category.CAB, "versionMajor-2", patch(cab, 25, (byte) 2), MALFORMED, "version"));
    out.add(c(Category.CAB, "versionMajor-flipped", flip(cab, 25, 0x80), MALFORMED, "version"));
    out.add(c(Category.CAB, "cFolders-zero", le16(cab, 26, 0), MALFORMED, "empty"));
    out.add(c(Category.CAB, "cFolders-huge", le16(cab, 26, 0xFFFF), MALFORMED, "cFolders"));
    out.add(c(Category.CAB, "cFolders-two", le16(cab, 26, 2), MALFORMED, "coffFiles"));
    out.add(c(Category.CAB, "cFiles-zero", le16(cab, 28, 0), MALFORMED, "empty"));
    out.add(c(Category.CAB, "cFiles-huge", le16(cab, 28, 0xFFFF), MALFORMED, "cFiles"));
    out.add(c(Category.CAB, "cFiles-two", le16(cab, 28, 2), MALFORMED, "CFFILE 1"));
    out.add(c(Category.CAB, "flags-prev-cabinet", le16(cab, 30, 1), MALFORMED, "multi-cabinet"));
    out.add(c(Category.CAB, "flags-next-cabinet", le16(cab, 30, 2), MALFORMED, "multi-cabinet"));

    // CFHEADER reserve area.
    byte[] reserved = new CabBuilder().reserve(8).add("authroot.stl", m.stl).build();
    out.add(
        c(
            Category.CAB,
            "reserve-cbCFHeader-over-max",
            le16(reserved, 36, 60001),
            MALFORMED,
            "60000"));
    out.add(
        c(
            Category.CAB,
            "reserve-cbCFHeader-past-end",
            le16(reserved, 36, 59999),
            MALFORMED,
            "reserve"));
    out.add(
        c(
            Category.CAB,
            "reserve-cbCFData-255",
            patch(reserved, 39, (byte) 255),
            MALFORMED,
            "declares"));
    out.add(
        c(
            Category.CAB,
            "reserve-cbCFFolder-255",
            patch(reserved, 38, (byte) 255),
            MALFORMED,
            "coffFiles"));

    // CFFOLDER fields.
    out.add(c(Category.CAB, "coffCabStart-zero", le32(cab, folder, 0), MALFORMED, "coffCabStart"));
    out.add(
        c(
            Category.CAB,
            "coffCabStart-huge",
            le32(cab, folder, 0xFFFFFFFFL),
            MALFORMED,
            "coffCabStart"));
    out.add(
        c(
            Category.CAB,
            "coffCabStart-plus-one",
            le32(cab, folder, data + 1),
            MALFORMED,
            "cbData is"));
    out.add(c(Category.CAB, "cCFData-zero", le16(cab, folder + 4, 0), MALFORMED, "no data blocks"));
    out.add(
        c(Category.CAB, "cCFData-huge", le16(cab, folder + 4, 0xFFFF), MALFORMED, "data blocks"));
    out.add(c(Category.CAB, "cCFData-two", le16(cab, folder + 4, 2), MALFORMED, "CFDATA block 1"));
    out.add(
        c(Category.CAB, "typeCompress-quantum", le16(cab, folder + 6, 2), MALFORMED, "Quantum"));
    out.add(c(Category.CAB, "typeCompress-lzx", le16(cab, folder + 6, 0x1503), MALFORMED, "LZX"));
    out.add(
        c(
            Category.CAB,
            "typeCompress-unknown",
            le16(cab, folder + 6, 0x000F),
            MALFORMED,
            "folder 0"));
    out.add(
        c(
            Category.CAB,
            "typeCompress-none-on-mszip",
            le16(cab, folder + 6, 0),
            MALFORMED,
            "cbData = cbUncomp"));

    // CFFILE fields.
    out.add(c(Category.CAB, "cbFile-huge", le32(cab, file, 0xFFFFFFFFL), MALFORMED, "limit"));
    out.add(
        c(
            Category.CAB,
            "cbFile-plus-one",
            le32(cab, file, u32(cab, file) + 1),
            MALFORMED,
            "which holds only"));
    out.add(c(Category.CAB, "cbFile-zero", le32(cab, file, 0), MALFORMED, "truncated"));
    out.add(
        c(
            Category.CAB,
            "uoffFolderStart-huge",
            le32(cab, file + 4, 0xFFFFFFF0L),
            MALFORMED,
            "which holds only"));
    out.add(
        c(
            Category.CAB,
            "uoffFolderStart-one",
            le32(cab, file + 4, 1),
            MALFORMED,
            "which holds only"));
    out.add(c(Category.CAB, "iFolder-one", le16(cab, file + 8, 1), MALFORMED, "folder 1"));
    out.add(
        c(
            Category.CAB,
            "iFolder-continued",
            le16(cab, file + 8, 0xFFFD),
            MALFORMED,
            "another cabinet"));
    out.add(
        c(
            Category.CAB,
            "name-unterminated",
            unterminatedName(cab, file + 16),
            MALFORMED,
            "longer than 256"));
    out.add(
        c(
            Category.CAB,
            "name-not-stl",
            rename(cab, file + 16, "authroot.txt"),
            MALFORMED,
            "no .stl"));

    // CFDATA fields: as found (the checksum catches them) and with the checksum made to agree.
    out.add(c(Category.CAB, "csum-flipped", flip(cab, data, 0x01), MALFORMED, "checksum"));
    out.add(c(Category.CAB, "cbData-zero", le16(cab, data + 4, 0), MALFORMED, "cbData"));
    out.add(c(Category.CAB, "cbData-huge", le16(cab, data + 4, 0xFFFF), MALFORMED, "cbData"));
    out.add(
        c(
            Category.CAB,
            "cbData-plus-one-fixed",
            fix(le16(cab, data + 4, u16(cab, data + 4) + 1), data),
            MALFORMED,
            "declares"));
    out.add(c(Category.CAB, "cbUncomp-zero", le16(cab, data + 6, 0), MALFORMED, "cbUncomp"));
    out.add(c(Category.CAB, "cbUncomp-huge", le16(cab, data + 6, 0xFFFF), MALFORMED, "cbUncomp"));
    out.add(
        c(
            Category.CAB,
            "cbUncomp-plus-one-fixed",
            fix(le16(cab, data + 6, u16(cab, data + 6) + 1), data),
            MALFORMED,
            "inflates to"));
    out.add(
        c(
            Category.CAB,
            "cbUncomp-minus-one-fixed",
            fix(le16(cab, data + 6, u16(cab, data + 6) - 1), data),
            MALFORMED,
            "more than cbUncomp"));
    out.add(
        c(Category.CAB, "payload-flipped", flip(cab, payload + 10, 0x04), MALFORMED, "checksum"));
    out.add(
        c(
            Category.CAB,
            "mszip-signature-fixed",
            fix(flip(cab, payload, 0x01), data),
            MALFORMED,
            "signature \"CK\""));
    // BTYPE 11 is reserved in DEFLATE (RFC 1951 3.2.3).
    out.add(
        c(
            Category.CAB,
            "mszip-block-type-reserved",
            fix(patch(cab, payload + 2, (byte) 0x07), data),
            MALFORMED,
            "DEFLATE"));
    out.add(
        c(
            Category.CAB,
            "mszip-garbage-fixed",
            fix(garbage(cab, payload + 2, 64), data),
            MALFORMED,
            "invalid DEFLATE"));
    out.add(c(Category.CAB, "mszip-bomb-over-cbUncomp", bomb(), MALFORMED, "more than cbUncomp"));

    // Uncompressed cabinets: the list inside is damaged although the cabinet is intact.
    byte[] stored = m.storedCab;
    // Inside the first entry's attributes: the list still parses, its digest no longer matches.
    int entry = StlCases.chain(m.stl, StlCases.FIRST_ENTRY).get(7).valueStart() + 30;
    int sdata = (int) u32(stored, 36);
    out.add(
        c(
            Category.CAB,
            "stored-list-entry-changed",
            fix(flip(stored, sdata + 8 + entry, 0x01), sdata),
            INVALID,
            "messageDigest"));
    out.add(
        c(
            Category.CAB,
            "stored-list-cut",
            fix(le16(stored, sdata + 4, 100), sdata, 100),
            MALFORMED,
            "which holds only"));
    out.add(
        c(
            Category.CAB,
            "stored-cbData-not-cbUncomp",
            fix(le16(stored, sdata + 6, u16(stored, sdata + 6) - 1), sdata),
            MALFORMED,
            "cbData = cbUncomp"));

    // Member names.
    for (String[] n :
        new String[][] {
          {"traversal-dotdot", "../authroot.stl"},
          {"traversal-backslash", "..\\authroot.stl"},
          {"traversal-nested", "a/../../authroot.stl"},
          {"absolute-slash", "/authroot.stl"},
          {"absolute-backslash", "\\windows\\authroot.stl"},
          {"drive-letter", "C:authroot.stl"},
          {"control-character", "auth\u0001root.stl"},
        }) {
      out.add(
          c(
              Category.CAB,
              "name-" + n[0],
              new CabBuilder().add(n[1], m.stl).build(),
              MALFORMED,
              "unsafe name"));
    }
    out.add(
        c(
            Category.CAB,
            "name-too-long",
            new CabBuilder().add("a".repeat(300) + ".stl", m.stl).build(),
            MALFORMED,
            "longer than"));
    out.add(
        c(
            Category.CAB,
            "duplicate-names",
            new CabBuilder().add("authroot.stl", m.stl).add("authroot.stl", m.stl).build(),
            MALFORMED,
            "twice"));
    out.add(
        c(
            Category.CAB,
            "duplicate-names-other-case",
            new CabBuilder()
                .add("authroot.stl", m.stl)
                .add("AUTHROOT.STL", m.disallowedStl)
                .build(),
            MALFORMED,
            "twice"));
    return out;
  }

  private static Case c(Category cat, String name, byte[] data, int exit, String fragment) {
    return HostileCorpus.inspect(cat, name, NAME, data, exit, fragment);
  }

  /** The CFDATA checksum of MS-CAB 2.5, as CabBuilder computes it. */
  static long checksum(byte[] d, int off, int len) {
    long csum = 0;
    int p = off;
    for (int i = 0; i < len / 4; i++, p += 4) {
      csum ^= u32(d, p);
    }
    long rest = 0;
    for (int i = 0; i < (len & 3); i++) {
      rest = (rest << 8) | (d[p + i] & 0xFFL);
    }
    return (csum ^ rest) & 0xFFFFFFFFL;
  }

  /** Recomputes the checksum of the CFDATA block at {@code block} over its declared cbData. */
  static byte[] fix(byte[] cab, int block) {
    int cbData = u16(cab, block + 4);
    int len = Math.min(cbData, cab.length - block - 8);
    return le32(cab, block, checksum(cab, block + 8, len) ^ u32(cab, block + 4));
  }

  /** Cuts the block's payload to {@code keep} bytes, fixing the sizes and checksum. */
  static byte[] fix(byte[] cab, int block, int keep) {
    byte[] c = cut(cab, block + 8 + keep);
    c = le16(c, block + 6, keep);
    c = le32(c, 8, c.length);
    return fix(c, block);
  }

  private static byte[] unterminatedName(byte[] cab, int nameStart) {
    byte[] c = cab.clone();
    for (int i = nameStart; i < c.length; i++) {
      if (c[i] == 0) {
        c[i] = 'x';
      }
    }
    return c;
  }

  private static byte[] rename(byte[] cab, int nameStart, String same) {
    return patch(cab, nameStart, Mutations.ascii(same));
  }

  private static byte[] garbage(byte[] b, int off, int len) {
    byte[] c = b.clone();
    java.util.Random r = HostileCorpus.random(off);
    for (int i = 0; i < len; i++) {
      c[off + i] = (byte) r.nextInt(256);
    }
    return c;
  }

  /**
   * One MSZIP block that inflates to 64 KiB while its header promises 32 KiB: an inflater that
   * trusted the stream instead of cbUncomp would write past the block.
   */
  private static byte[] bomb() {
    Deflater d = new Deflater(9, true);
    d.setInput(new byte[65536]);
    d.finish();
    byte[] buf = new byte[4096];
    int n = d.deflate(buf);
    d.end();
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.write('C');
    payload.write('K');
    payload.write(buf, 0, n);
    byte[] p = payload.toByteArray();
    byte[] base = new CabBuilder().add("authroot.stl", new byte[32768]).build();
    int block = (int) u32(base, 36);
    byte[] c = Mutations.splice(base, block + 8, base.length - block - 8, p);
    c = le16(c, block + 4, p.length);
    c = le32(c, 8, c.length);
    return fix(c, block);
  }
}
