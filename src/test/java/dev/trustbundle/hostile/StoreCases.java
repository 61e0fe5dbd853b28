package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;
import static dev.trustbundle.hostile.Mutations.concat;
import static dev.trustbundle.hostile.Mutations.cut;
import static dev.trustbundle.hostile.Mutations.le32;
import static dev.trustbundle.hostile.Mutations.nest;
import static dev.trustbundle.hostile.Mutations.patch;
import static dev.trustbundle.hostile.Mutations.u32;

import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serialized certificate stores ({@code .sst}): bad magic, records cut at every field, lengths past
 * the end, absurd record and property counts, and certificates that do not parse or whose stored
 * hash lies.
 */
final class StoreCases {
  private StoreCases() {}

  private static final String NAME = "disallowedcert.sst";

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] sst = m.sst;
    int first = 8; // SHA-1 property record
    int cert = first + 12 + 20; // certificate element record
    int certLen = (int) u32(sst, cert + 8);
    int end = sst.length - 12;

    out.add(c("magic-first-byte", patch(sst, 0, (byte) 1), MALFORMED, "not a serialized"));
    out.add(c("magic-cert-misspelt", patch(sst, 4, (byte) 'X'), MALFORMED, "not a serialized"));
    out.add(c("magic-only-four-bytes", cut(sst, 4), MALFORMED, "not a serialized"));
    out.add(c("magic-der-instead", Material.der(m.roots.get(0)), MALFORMED, "not a serialized"));
    out.add(c("magic-zeros", new byte[64], MALFORMED, "not a serialized"));

    for (int at :
        new int[] {
          8,
          9,
          first + 4,
          first + 8,
          first + 11,
          first + 12,
          first + 20,
          cert,
          cert + 8,
          cert + 12,
          cert + 12 + certLen / 2,
          end,
          end + 6,
          sst.length - 1
        }) {
      out.add(c("cut-at-" + at, cut(sst, at), MALFORMED, "truncated"));
    }

    out.add(c("length-ffffffff", le32(sst, first + 8, 0xFFFFFFFFL), MALFORMED, "declares"));
    out.add(c("length-7fffffff", le32(sst, first + 8, 0x7FFFFFFFL), MALFORMED, "declares"));
    out.add(c("length-80000000", le32(sst, cert + 8, 0x80000000L), MALFORMED, "declares"));
    out.add(
        c(
            "length-one-past-end",
            le32(sst, cert + 8, sst.length - cert - 12 + 1),
            MALFORMED,
            "declares"));
    out.add(c("property-id-huge", le32(sst, first, 0x80000000L), MALFORMED, "property ID"));
    out.add(c("no-end-record", cut(sst, end), MALFORMED, "no end record"));
    out.add(c("trailing-after-end", concat(sst, new byte[] {1}), MALFORMED, "trailing"));
    out.add(
        c(
            "property-without-element",
            concat(cut(sst, end), Material.sstRecord(3, new byte[20]), new byte[12]),
            MALFORMED,
            "without an element"));
    out.add(c("records-200001", manyRecords(200_001), MALFORMED, "more than 200000 records"));
    out.add(c("properties-257", manyProperties(257), MALFORMED, "more than 256 properties"));

    // Structure intact, certificate bad: reported on the element, the store still read.
    out.add(
        c(
            "certificate-garbage",
            store(Material.sstRecord(32, "not a certificate".getBytes())),
            INVALID,
            "certificate 0"));
    out.add(
        c(
            "certificate-nesting-bomb",
            store(Material.sstRecord(32, nest(0x30, 10_000, new byte[] {5, 0}))),
            INVALID,
            "nests deeper"));
    byte[] der = Material.der(m.roots.get(0));
    out.add(
        c(
            "certificate-cut",
            store(Material.sstRecord(32, Arrays.copyOf(der, der.length - 5))),
            INVALID,
            "certificate 0"));
    out.add(
        c(
            "sha1-property-lies",
            store(Material.sstRecord(3, new byte[20]), Material.sstRecord(32, der)),
            INVALID,
            "does not match"));
    return out;
  }

  private static Case c(String name, byte[] data, int exit, String fragment) {
    return HostileCorpus.inspect(Category.SST, name, NAME, data, exit, fragment);
  }

  private static byte[] store(byte[]... records) {
    return concat(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'}, concat(records), new byte[12]);
  }

  private static byte[] manyRecords(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8 + n * 12);
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    byte[] element = Material.sstRecord(34, new byte[0]);
    for (int i = 0; i < n; i++) {
      out.writeBytes(element);
    }
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }

  private static byte[] manyProperties(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    for (int i = 0; i < n; i++) {
      out.writeBytes(Material.sstRecord(100 + i, new byte[0]));
    }
    out.writeBytes(Material.sstRecord(34, new byte[0]));
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }
}
