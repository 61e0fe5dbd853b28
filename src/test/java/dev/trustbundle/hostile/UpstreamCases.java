package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.INVALID;
import static dev.trustbundle.hostile.HostileCorpus.MALFORMED;

import dev.trustbundle.ctl.Hex;
import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import dev.trustbundle.testing.CabBuilder;
import dev.trustbundle.testing.CtlBuilder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hostile upstream content (issue 11, finding 3): what a man in the middle on the plain-http path
 * to Microsoft, or a poisoned upstream mirror, can serve to {@code build} with no key at all. Each
 * case is the synthetic upstream with one file replaced, built by the real builder with the
 * synthetic trust anchor. Either the build is refused (exit code and message), or, for the unsigned
 * secondary files, it succeeds with the hostile file left out or replaced by the verified list,
 * which a warning says (expected code 0); either way no hostile byte is packed.
 */
final class UpstreamCases {
  private UpstreamCases() {}

  /** The build succeeded without the hostile bytes; the fragment is in a warning. */
  static final int LEFT_OUT = 0;

  static List<Case> generate(Material m) {
    List<Case> out = new ArrayList<>();
    byte[] older =
        CtlBuilder.authroot(m.pki, m.roots)
            .thisUpdate(java.time.Instant.parse("2025-05-01T00:00:00Z"))
            .build();
    byte[] one = {1};
    byte[] html = "<html><body>captive portal</body></html>".getBytes(StandardCharsets.US_ASCII);

    // The list cabinets: exactly one member, of the expected name, holding the expected list.
    out.add(
        c(
            m,
            "authroot-cab-earlier-stl-first",
            "authrootstl.cab",
            cab("aaa.stl", older, "authroot.stl", m.stl),
            MALFORMED,
            "exactly one member"));
    out.add(
        c(
            m,
            "authroot-cab-with-executable",
            "authrootstl.cab",
            cab("authroot.stl", m.stl, "evil.exe", one),
            MALFORMED,
            "exactly one member"));
    out.add(
        c(
            m,
            "authroot-cab-three-members",
            "authrootstl.cab",
            cab("authroot.stl", m.stl, "b.stl", m.stl, "c.stl", m.stl),
            MALFORMED,
            "exactly one member"));
    out.add(
        c(
            m,
            "authroot-cab-other-name",
            "authrootstl.cab",
            cab("other.stl", m.stl),
            MALFORMED,
            "must hold exactly one member, authroot.stl"));
    out.add(
        c(
            m,
            "authroot-cab-holds-disallowed-list",
            "authrootstl.cab",
            cab("authroot.stl", m.disallowedStl),
            INVALID,
            "failed verification"));
    out.add(
        c(
            m,
            "disallowed-cab-holds-authroot-list",
            "disallowedcertstl.cab",
            cab("disallowedcert.stl", m.stl),
            INVALID,
            "failed verification"));
    out.add(
        c(
            m,
            "disallowed-cab-with-extra-member",
            "disallowedcertstl.cab",
            cab("disallowedcert.stl", m.disallowedStl, "readme.txt", one),
            MALFORMED,
            "exactly one member"));
    out.add(
        c(
            m,
            "disallowed-cab-named-authroot",
            "disallowedcertstl.cab",
            cab("authroot.stl", m.stl),
            MALFORMED,
            "must hold exactly one member, disallowedcert.stl"));
    out.add(
        c(
            m,
            "pinrules-cab-holds-authroot-list",
            "pinrulesstl.cab",
            cab("pinrules.stl", m.stl),
            INVALID,
            "failed verification"));
    out.add(
        c(
            m,
            "pinrules-cab-two-members",
            "pinrulesstl.cab",
            cab("pinrules.stl", m.stl, "authroot.stl", m.stl),
            MALFORMED,
            "exactly one member"));
    out.add(
        c(
            m,
            "pinrules-cab-named-authroot",
            "pinrulesstl.cab",
            cab("authroot.stl", m.stl),
            MALFORMED,
            "must hold exactly one member, pinrules.stl"));

    // inspect took the first .stl while build looked the member up by name: two readers, two lists.
    out.add(
        HostileCorpus.inspect(
            Category.UPSTREAM,
            "inspect-cab-earlier-stl-first",
            "authrootstl.cab",
            cab("aaa.stl", older, "authroot.stl", m.stl),
            MALFORMED,
            "exactly one .stl"));

    // authroot.stl: never packed unless it is the cabinet's list.
    for (Object[] s :
        new Object[][] {
          {"older-genuine-list", older},
          {"disallowed-list", m.disallowedStl},
          {"garbage", Mutations.cut(html, 10)},
          {"truncated", Mutations.cut(m.stl, m.stl.length / 2)},
          {"captive-portal", html},
          {"one-byte-changed", Mutations.flip(m.stl, m.stl.length / 3, 0x01)},
        }) {
      out.add(
          c(
              m,
              "authroot-stl-" + s[0],
              "authroot.stl",
              (byte[]) s[1],
              LEFT_OUT,
              "is not the list inside authrootstl.cab"));
    }

    // disallowedcert.sst: unsigned, packed only when the disallowed list vouches for all of it.
    // Fixed certificates (the corpus is the same every time): the list CA, which no list names.
    X509Certificate stranger = m.pki.ca.cert();
    out.add(
        c(
            m,
            "sst-full-of-trusted-roots",
            "disallowedcert.sst",
            Material.sst(List.of(stranger, m.impostor.cert())),
            LEFT_OUT,
            "was left out"));
    out.add(
        c(
            m,
            "sst-empty",
            "disallowedcert.sst",
            Material.sst(List.of()),
            LEFT_OUT,
            "holds no certificate"));
    out.add(
        c(
            m,
            "sst-listed-and-unlisted",
            "disallowedcert.sst",
            Material.sst(List.of(m.roots.get(0), stranger)),
            LEFT_OUT,
            "is not named by the disallowed list"));
    out.add(
        c(
            m,
            "sst-with-a-crl",
            "disallowedcert.sst",
            sstWith(m, 33, m.crl),
            LEFT_OUT,
            "not a certificate"));
    out.add(
        c(
            m,
            "sst-with-a-ctl",
            "disallowedcert.sst",
            sstWith(m, 34, m.stl),
            LEFT_OUT,
            "not a certificate"));
    out.add(c(m, "sst-garbage", "disallowedcert.sst", html, LEFT_OUT, "was left out"));

    // authrootseq.txt and the roots.
    out.add(
        c(
            m,
            "seq-of-another-list",
            "authrootseq.txt",
            "1401DBDEE7F1A4F448".getBytes(StandardCharsets.US_ASCII),
            INVALID,
            "the upstream is inconsistent"));
    out.add(c(m, "seq-captive-portal", "authrootseq.txt", html, INVALID, "inconsistent"));
    String sha1 = Hex.sha1(Material.der(m.roots.get(1)));
    out.add(
        c(
            m,
            "root-swapped-for-another",
            sha1 + ".crt",
            Material.der(stranger),
            INVALID,
            "root certificate(s) failed verification"));
    out.add(
        c(
            m,
            "root-captive-portal",
            sha1 + ".crt",
            html,
            INVALID,
            "root certificate(s) failed verification"));
    out.add(
        c(
            m,
            "root-byte-flipped",
            sha1 + ".crt",
            Mutations.flip(Material.der(m.roots.get(1)), 200, 0x01),
            INVALID,
            "root certificate(s) failed verification"));
    return out;
  }

  private static byte[] cab(Object... namesAndBodies) {
    CabBuilder b = new CabBuilder();
    for (int i = 0; i < namesAndBodies.length; i += 2) {
      b.add((String) namesAndBodies[i], (byte[]) namesAndBodies[i + 1]);
    }
    return b.build();
  }

  /** The material's store with one element of another type appended before the end record. */
  private static byte[] sstWith(Material m, int propId, byte[] element) {
    byte[] sst = Material.sst(List.of(m.roots.get(0)));
    byte[] rec = Material.sstRecord(propId, element);
    byte[] out = new byte[sst.length + rec.length];
    System.arraycopy(sst, 0, out, 0, sst.length - 12);
    System.arraycopy(rec, 0, out, sst.length - 12, rec.length);
    return out;
  }

  /** The synthetic upstream with {@code file} replaced (or added). */
  private static Case c(
      Material m, String name, String file, byte[] body, int exit, String fragment) {
    Map<String, byte[]> files = new LinkedHashMap<>(m.upstream());
    files.put(file, body);
    return new Case(
        Category.UPSTREAM,
        name,
        Runner.UPSTREAM,
        file,
        files,
        List.of(),
        Set.of(exit),
        fragment,
        false);
  }
}
