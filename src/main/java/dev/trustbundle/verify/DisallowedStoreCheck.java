package dev.trustbundle.verify;

import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SstElement;
import dev.trustbundle.ctl.SstReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * Checks {@code disallowedcert.sst} against the verified disallowed list: the store is unsigned, so
 * it is trusted only as far as the signed list vouches for it. Every element must be a certificate
 * whose key the list names: the list's 16-byte identifiers are the MD5 of a certificate's
 * subjectPublicKey bits (reference 3.4 and 5.6, settled on the fixtures). A store that holds a
 * certificate the list does not name (a trusted root slipped in, say), anything but certificates,
 * or nothing at all is refused.
 */
public final class DisallowedStoreCheck {
  private DisallowedStoreCheck() {}

  /** CERT_SHA1_HASH_PROP_ID (wincrypt.h): the one property a certificate of the store has. */
  private static final int SHA1_HASH_PROP_ID = 3;

  /** Most problems listed; the rest are counted. */
  private static final int MAX_LISTED = 5;

  /**
   * The problems found, empty when every certificate of the store is one the list names.
   *
   * @param sst the store's bytes
   * @param disallowed the verified disallowed list
   */
  public static List<String> check(byte[] sst, Ctl disallowed) {
    List<String> problems = new ArrayList<>();
    if (disallowed.kind().orElse(null) != CtlKind.DISALLOWEDCERT) {
      problems.add("the list given is not the disallowed list");
      return problems;
    }
    Set<String> listed = new HashSet<>();
    disallowed.entries().forEach(e -> listed.add(e.identifierHex()));
    List<SstElement> elements;
    try {
      elements = SstReader.read(sst);
    } catch (RuntimeException e) {
      problems.add("it is not a serialized store: " + e.getMessage());
      return problems;
    }
    int certificates = 0;
    int unlisted = 0;
    Set<String> seen = new HashSet<>();
    for (SstElement el : elements) {
      if (el.type() != SstElement.Type.CERTIFICATE) {
        problems.add(
            "element "
                + el.index()
                + " is a "
                + el.type().name().toLowerCase(Locale.ROOT)
                + ", not a certificate");
        continue;
      }
      certificates++;
      String why = problem(el, seen, listed);
      if (why != null) {
        unlisted += why.startsWith(UNLISTED) ? 1 : 0;
        problems.add(
            "certificate "
                + el.index()
                + " (SHA-1 "
                + el.sha1()
                + ") "
                + why
                + (why.startsWith(UNLISTED)
                    ? disallowed.sequenceNumber().map(x -> " " + x.hex()).orElse("")
                    : ""));
      }
    }
    if (certificates == 0) {
      problems.add("it holds no certificate");
    }
    if (problems.size() > MAX_LISTED) {
      int more = problems.size() - MAX_LISTED;
      problems.subList(MAX_LISTED, problems.size()).clear();
      problems.add(more + " more problem(s)" + (unlisted > 0 ? " of the same kind" : ""));
    }
    return problems;
  }

  private static final String UNLISTED = "is not named by the disallowed list";

  /**
   * Why one certificate of the store may not be there, or null. Only what certutil writes: the
   * certificate and its SHA-1 hash property, which must be the certificate's; no other property, no
   * repeat. (A certificate the JDK cannot parse is kept: Microsoft's store holds deliberately
   * malformed ones, reference 3.6.)
   */
  private static String problem(SstElement el, Set<String> seen, Set<String> listed) {
    byte[] hash = el.properties().get(SHA1_HASH_PROP_ID);
    if (hash != null && !Hex.upper(hash).equals(el.sha1())) {
      return "carries the SHA-1 hash property of another certificate (" + Hex.upper(hash) + ")";
    }
    Set<Integer> extra = new java.util.TreeSet<>(el.properties().keySet());
    extra.remove(SHA1_HASH_PROP_ID);
    if (!extra.isEmpty()) {
      return "carries properties "
          + extra
          + " besides its SHA-1 hash; a disallowed store carries only that";
    }
    if (!seen.add(el.sha1())) {
      return "is repeated";
    }
    String md5 = keyMd5(el.encoded());
    if (md5 == null) {
      return "has no key";
    }
    return listed.contains(md5) ? null : UNLISTED;
  }

  /**
   * MD5 of a certificate's subjectPublicKey BIT STRING contents (the key bits without the unused
   * bits byte), upper-case hex; null when it cannot be read. Read with Bouncy Castle's lenient
   * structure parser, since the store deliberately holds certificates the JDK refuses (negative
   * serials, encoded defaults: reference 3.6).
   */
  public static String keyMd5(byte[] der) {
    try {
      byte[] bits =
          Certificate.getInstance(der).getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
      return Hex.upper(Hex.digest("MD5", bits));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
