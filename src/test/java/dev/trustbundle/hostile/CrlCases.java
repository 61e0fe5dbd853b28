package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;
import static dev.trustbundle.hostile.Mutations.ascii;
import static dev.trustbundle.hostile.Mutations.concat;
import static dev.trustbundle.hostile.Mutations.cut;
import static dev.trustbundle.hostile.Mutations.derLength;
import static dev.trustbundle.hostile.Mutations.flip;
import static dev.trustbundle.hostile.Mutations.nest;
import static dev.trustbundle.hostile.Mutations.patch;

import dev.trustbundle.ctl.Der;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Certificate revocation lists ({@code .crl}, checked by {@code inspect} against the issuer
 * certificate named with them): cut, not DER, nesting bombs, lengths that lie, changed bytes that
 * break the signature, foreign signers, stale and future lists.
 */
final class CrlCases {
  private CrlCases() {}

  private static final String NAME = "root.crl";

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] crl = m.crl;
    byte[] issuer = Material.der(m.pki.root.cert());
    Der.Tlv list = Der.readWhole(crl, "crl");
    Der.Tlv tbs = StlCases.child(list, 0);
    List<Der.Tlv> f = tbs.children("tbs");
    Der.Tlv thisUpdate = f.get(3);
    Der.Tlv revoked = f.get(5);
    Der.Tlv firstSerial = StlCases.child(StlCases.child(revoked, 0), 0);
    Der.Tlv signature = StlCases.child(list, 2);

    for (int at : new int[] {1, 2, 10, tbs.start() + 30, crl.length / 2, crl.length - 1}) {
      out.add(c("cut-at-" + at, cut(crl, at), MALFORMED, "truncated"));
    }
    out.add(c("empty", new byte[0], MALFORMED, "empty"));
    out.add(c("trailing-byte", concat(crl, new byte[] {0}), MALFORMED, "not a single"));
    out.add(c("text", ascii("not a revocation list\n"), MALFORMED, "truncated"));
    out.add(
        c("nesting-bomb-10000", nest(0x30, 10_000, new byte[] {5, 0}), MALFORMED, "nests deeper"));
    out.add(
        c(
            "length-overflow",
            derLength(crl, 0, (byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF),
            MALFORMED,
            "declares"));
    out.add(c("length-indefinite", derLength(crl, 0, (byte) 0x80), MALFORMED, "indefinite"));
    out.add(c("outer-tag-set", patch(crl, 0, (byte) 0x31), MALFORMED, "expected tag"));
    out.add(c("a-certificate-not-a-crl", issuer, MALFORMED, "not a valid CRL"));
    out.add(
        c(
            "pem-junk",
            ascii("-----BEGIN X509 CRL-----\n*** not base64 ***\n-----END X509 CRL-----\n"),
            MALFORMED,
            "PEM"));

    out.add(c("signature-flipped", flip(crl, signature.end() - 1, 0x01), INVALID, "signature"));
    out.add(
        c("revoked-serial-changed", flip(crl, firstSerial.end() - 1, 0x01), INVALID, "signature"));
    out.add(
        c(
            "thisUpdate-changed",
            flip(crl, thisUpdate.valueStart() + 3, 0x01),
            INVALID,
            "signature"));
    out.add(
        c(
            "signed-by-another-key-same-name",
            Material.crl(
                m.pki.root.cert(),
                m.otherRsaKey,
                Instant.parse("2025-06-01T00:00:00Z"),
                Instant.parse("2025-07-01T00:00:00Z"),
                3),
            INVALID,
            "signature"));
    out.add(
        c(
            "stale",
            Material.crl(m.pki.root, Instant.parse("2025-06-02T00:00:00Z"), 1),
            INVALID,
            "stale"));
    out.add(
        c(
            "thisUpdate-in-the-future",
            Material.crl(
                m.pki.root.cert(),
                m.pki.root.key(),
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"),
                1),
            INVALID,
            "future"));
    out.add(
        HostileCorpus.inspect(
            Category.CRL, "issuer-not-given", NAME, crl, Map.of(), List.of(), INVALID, "issuer"));
    out.add(
        HostileCorpus.inspect(
            Category.CRL,
            "issuer-impostor-given",
            NAME,
            Material.crl(m.impostor, Instant.parse("2025-07-01T00:00:00Z"), 1),
            Map.of("issuer.crt", issuer),
            List.of(),
            INVALID,
            "issuer"));
    out.add(
        c(
            "pem-of-garbage",
            ascii(
                "-----BEGIN X509 CRL-----\n"
                    + Base64.getMimeEncoder().encodeToString(new byte[300])
                    + "\n-----END X509 CRL-----\n"),
            MALFORMED,
            "expected tag 0x30"));
    out.add(
        c(
            "pem-nesting-bomb",
            ascii(
                "-----BEGIN X509 CRL-----\n"
                    + Base64.getMimeEncoder().encodeToString(nest(0x30, 10_000, new byte[] {5, 0}))
                    + "\n-----END X509 CRL-----\n"),
            MALFORMED,
            "nests deeper"));
    return out;
  }

  private static Case c(String name, byte[] data, int exit, String fragment) {
    return HostileCorpus.inspect(
        Category.CRL,
        name,
        NAME,
        data,
        Map.of("issuer.crt", Material.der(Material.get().pki.root.cert())),
        List.of(),
        exit,
        fragment);
  }
}
