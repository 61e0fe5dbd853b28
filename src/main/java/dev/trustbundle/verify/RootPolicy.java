package dev.trustbundle.verify;

import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CutoffDate;
import dev.trustbundle.ctl.EkuNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Microsoft's authroot list says about a root for one extended key usage (reference 3.3, and
 * Microsoft's "Deprecation definitions" of the Trusted Root Program):
 *
 * <ul>
 *   <li>attribute 9 (EKUs): when present, the root is trusted only for these usages;
 *   <li>attribute 104 (disable date), limited to the EKUs of attribute 122 when present: from that
 *       date every certificate chaining to the root is distrusted (empty = since forever);
 *   <li>attribute 126 (NotBefore), limited to the EKUs of attribute 127 when present: certificates
 *       issued (by their notBefore) after that date are distrusted, older ones stay trusted (empty
 *       = every certificate).
 * </ul>
 *
 * Pure: the evaluation time and the end certificate's issue date are passed in.
 */
public final class RootPolicy {
  private RootPolicy() {}

  /**
   * The findings for a root of the list.
   *
   * @param entry the root's entry in the authroot list
   * @param index the root's position in the chain
   * @param rootName the root's name, for messages
   * @param eku the extended key usage in use (an OID)
   * @param ekuName its short name, for messages
   * @param at the evaluation time
   * @param window how far ahead a coming disable date is a warning
   * @param leafIssued the end certificate's notBefore
   * @param leafName the end certificate's name, for messages
   */
  public static List<Finding> check(
      CtlEntry entry,
      int index,
      String rootName,
      String eku,
      String ekuName,
      Instant at,
      Duration window,
      Instant leafIssued,
      String leafName) {
    List<Finding> out = new ArrayList<>();
    String root = "the root \"" + rootName + "\"";
    if (entry.ekus().isPresent() && !entry.ekus().get().contains(eku)) {
      out.add(
          Finding.error(
              "eku-not-allowed",
              index,
              "Microsoft's list does not trust "
                  + root
                  + " for "
                  + ekuName
                  + " (it is trusted for "
                  + (entry.ekus().get().isEmpty()
                      ? "nothing"
                      : String.join(", ", entry.ekus().get().stream().map(EkuNames::name).toList()))
                  + ")"));
    }
    if (entry.disabledAfter().isPresent() && applies(entry.disallowedEkus(), eku)) {
      String scope = scope(entry.disallowedEkus(), ekuName);
      CutoffDate d = entry.disabledAfter().get();
      if (d instanceof CutoffDate.Always) {
        out.add(
            Finding.error(
                entry.disallowedEkus().isPresent() ? "eku-disabled" : "root-disabled",
                index,
                "Microsoft's list disables " + root + " " + scope + " (disable date: always)"));
      } else if (d instanceof CutoffDate.At a) {
        if (!at.isBefore(a.instant())) {
          out.add(
              Finding.error(
                  entry.disallowedEkus().isPresent() ? "eku-disabled" : "root-disabled",
                  index,
                  "Microsoft's list disables " + root + " " + scope + " since " + a.instant()));
        } else if (a.instant().isBefore(at.plus(window))) {
          out.add(
              Finding.warning(
                  "disable-soon",
                  index,
                  "Microsoft's list disables "
                      + root
                      + " "
                      + scope
                      + " on "
                      + a.instant()
                      + " ("
                      + Duration.between(at, a.instant()).toDays()
                      + " days)"));
        } else {
          out.add(
              Finding.note(
                  "disable-date",
                  index,
                  "Microsoft's list disables " + root + " " + scope + " on " + a.instant()));
        }
      }
    }
    if (entry.notBefore().isPresent() && applies(entry.notBeforeEkus(), eku)) {
      String scope = scope(entry.notBeforeEkus(), ekuName);
      CutoffDate d = entry.notBefore().get();
      if (d instanceof CutoffDate.Always) {
        out.add(
            Finding.error(
                "not-before",
                index,
                "Microsoft's list trusts no certificate under "
                    + root
                    + " "
                    + scope
                    + " (NotBefore date: always)"));
      } else if (d instanceof CutoffDate.At a) {
        if (leafIssued.isAfter(a.instant())) {
          out.add(
              Finding.error(
                  "not-before",
                  index,
                  "Microsoft's list distrusts certificates under "
                      + root
                      + " issued after "
                      + a.instant()
                      + " "
                      + scope
                      + " (NotBefore), and \""
                      + leafName
                      + "\" was issued on "
                      + leafIssued));
        } else {
          out.add(
              Finding.note(
                  "not-before",
                  index,
                  "Microsoft's list distrusts certificates under "
                      + root
                      + " issued after "
                      + a.instant()
                      + " "
                      + scope
                      + "; \""
                      + leafName
                      + "\" was issued before, on "
                      + leafIssued));
        }
      }
    }
    return out;
  }

  private static boolean applies(Optional<List<String>> ekus, String eku) {
    return ekus.isEmpty() || ekus.get().contains(eku);
  }

  private static String scope(Optional<List<String>> ekus, String ekuName) {
    return ekus.isPresent() ? "for " + ekuName : "for every use";
  }
}
