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
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Certificates ({@code .crt}, {@code .pem}): not DER, cut short, PEM with junk, nesting bombs,
 * lengths that lie, and changed bytes in a file named by its SHA-1.
 */
final class CertificateCases {
  private CertificateCases() {}

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] der = Material.der(m.roots.get(0));
    String sha1Name = Hex.sha1(der) + ".crt";
    Der.Tlv cert = Der.readWhole(der, "certificate");
    Der.Tlv tbs = StlCases.child(cert, 0);
    List<Der.Tlv> fields = tbs.children("tbs");
    Der.Tlv serial = fields.get(1);
    Der.Tlv issuer = fields.get(3);
    Der.Tlv validity = fields.get(4);
    Der.Tlv subject = fields.get(5);
    Der.Tlv spki = fields.get(6);
    Der.Tlv signature = StlCases.child(cert, 2);
    Random r = HostileCorpus.random(3);

    byte[] noise = new byte[700];
    r.nextBytes(noise);
    out.add(c("random-bytes", "x.crt", noise, MALFORMED, "too large"));
    byte[] seqNoise = noise.clone();
    seqNoise[0] = 0x30;
    seqNoise[1] = (byte) 0x82;
    seqNoise[2] = 0x02;
    seqNoise[3] = (byte) 0xB8;
    out.add(c("random-in-a-sequence", "x.crt", seqNoise, MALFORMED, "high tag"));
    out.add(c("text", "x.crt", ascii("this is not a certificate\n"), MALFORMED, "truncated"));
    out.add(
        c(
            "html",
            "x.crt",
            ascii("<html><body>404 Not Found</body></html>"),
            MALFORMED,
            "truncated"));
    out.add(c("empty", "x.crt", new byte[0], MALFORMED, "empty"));

    for (int at : new int[] {1, 2, 4, 10, tbs.start() + 20, der.length / 2, der.length - 1}) {
      out.add(c("cut-at-" + at, sha1Name, cut(der, at), MALFORMED, "truncated"));
    }
    out.add(c("trailing-byte", "x.crt", concat(der, new byte[] {0}), MALFORMED, "not a single"));
    out.add(
        c(
            "length-overflow",
            "x.crt",
            derLength(der, 0, (byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF),
            MALFORMED,
            "declares"));
    out.add(
        c(
            "length-overflow-inner",
            "x.crt",
            derLength(
                der, tbs.start(), (byte) 0x84, (byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF),
            MALFORMED,
            "not a single DER certificate"));
    out.add(
        c("length-indefinite", "x.crt", derLength(der, 0, (byte) 0x80), MALFORMED, "indefinite"));
    out.add(c("outer-tag-set", "x.crt", patch(der, 0, (byte) 0x31), MALFORMED, "expected tag"));
    out.add(
        c(
            "nesting-bomb-10000",
            "x.crt",
            nest(0x30, 10_000, new byte[] {5, 0}),
            MALFORMED,
            "nests deeper"));
    out.add(
        c(
            "nesting-bomb-as-tbs",
            "x.crt",
            Mutations.tlv(
                0x30, concat(nest(0x30, 10_000, new byte[] {5, 0}), signatureParts(der, cert))),
            MALFORMED,
            "nests deeper"));

    // Parses, but is not the certificate its <SHA1>.crt name promises.
    out.add(c("serial-changed", sha1Name, flip(der, serial.end() - 1, 0x01), INVALID, "SHA-1"));
    out.add(c("issuer-changed", sha1Name, flip(der, issuer.end() - 2, 0x01), INVALID, "SHA-1"));
    out.add(c("subject-changed", sha1Name, flip(der, subject.end() - 2, 0x01), INVALID, "SHA-1"));
    out.add(c("key-changed", sha1Name, flip(der, spki.end() - 10, 0x01), INVALID, "SHA-1"));
    out.add(
        c("signature-changed", sha1Name, flip(der, signature.end() - 1, 0x01), INVALID, "SHA-1"));
    out.add(
        c(
            "validity-digit-changed",
            sha1Name,
            flip(der, validity.valueStart() + 4, 0x01),
            INVALID,
            "SHA-1"));
    out.add(
        c(
            "validity-tag-changed",
            sha1Name,
            patch(der, validity.valueStart(), (byte) 0x04),
            MALFORMED,
            "not a valid X.509 certificate"));

    // PEM.
    String b64 = Base64.getMimeEncoder().encodeToString(der);
    String good = "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    out.add(
        c(
            "pem-junk-in-base64",
            "x.pem",
            ascii(good.replace(b64.substring(10, 14), "*!?#")),
            MALFORMED,
            "PEM"));
    out.add(
        c(
            "pem-without-end",
            "x.pem",
            ascii("-----BEGIN CERTIFICATE-----\n" + b64 + "\n"),
            MALFORMED,
            "PEM"));
    out.add(
        c(
            "pem-end-before-begin",
            "x.pem",
            ascii("-----END CERTIFICATE-----\n" + b64 + "\n-----BEGIN CERTIFICATE-----\n"),
            MALFORMED,
            "PEM"));
    out.add(
        c(
            "pem-empty-block",
            "x.pem",
            ascii("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
            MALFORMED,
            "empty"));
    out.add(
        c(
            "pem-bad-padding",
            "x.pem",
            ascii("-----BEGIN CERTIFICATE-----\nQUJD=A\n-----END CERTIFICATE-----\n"),
            MALFORMED,
            "base64"));
    out.add(
        c(
            "pem-of-garbage",
            "x.pem",
            ascii(
                "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder().encodeToString(noise)
                    + "\n-----END CERTIFICATE-----\n"),
            MALFORMED,
            "too large"));
    out.add(
        c(
            "pem-second-block-cut",
            "x.pem",
            ascii(
                good
                    + "-----BEGIN CERTIFICATE-----\n"
                    + b64.substring(0, 200)
                    + "\n-----END CERTIFICATE-----\n"),
            MALFORMED,
            "certificate 2"));
    out.add(
        c(
            "pem-10001-blocks",
            "x.pem",
            ascii("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".repeat(10_001)),
            MALFORMED,
            "10000 PEM blocks"));
    out.add(
        c(
            "pem-nesting-bomb",
            "x.pem",
            ascii(
                "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder().encodeToString(nest(0x30, 10_000, new byte[] {5, 0}))
                    + "\n-----END CERTIFICATE-----\n"),
            MALFORMED,
            "nests deeper"));
    out.add(
        c(
            "pem-control-characters",
            "x.pem",
            ascii(
                "\u001b[2J\u0007-----BEGIN CERTIFICATE-----\n\u0000\n-----END CERTIFICATE-----\n"),
            MALFORMED,
            "no complete PEM"));
    return out;
  }

  private static Case c(String name, String file, byte[] data, int exit, String fragment) {
    return HostileCorpus.inspect(Category.CRT, name, file, data, exit, fragment);
  }

  /** The signatureAlgorithm and signatureValue of a certificate, encoded. */
  private static byte[] signatureParts(byte[] der, Der.Tlv cert) {
    Der.Tlv alg = StlCases.child(cert, 1);
    return java.util.Arrays.copyOfRange(der, alg.start(), cert.end());
  }
}
