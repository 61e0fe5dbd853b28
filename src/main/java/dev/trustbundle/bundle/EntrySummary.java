package dev.trustbundle.bundle;

import dev.trustbundle.ctl.CertPolicy;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CutoffDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The attributes of a CTL entry that matter to clients, comparable across list versions, and a
 * wording of their differences.
 *
 * @param ekus allowed EKUs
 * @param disabled disable date and the EKUs it applies to
 * @param notBefore NotBefore date and its EKUs
 * @param policies root-program (EV) policies
 */
record EntrySummary(String ekus, String disabled, String notBefore, String policies) {
  static EntrySummary of(CtlEntry e) {
    return new EntrySummary(
        e.ekus().map(List::toString).orElse("all"),
        date(e.disabledAfter()) + e.disallowedEkus().map(List::toString).orElse(""),
        date(e.notBefore()) + e.notBeforeEkus().map(List::toString).orElse(""),
        e.rootProgramPolicies()
            .map(ps -> ps.stream().map(CertPolicy::oid).toList().toString())
            .orElse("none"));
  }

  private static String date(Optional<CutoffDate> d) {
    return d.map(CutoffDate::describe).orElse("none");
  }

  static String difference(CtlEntry a, CtlEntry b) {
    EntrySummary x = of(a);
    EntrySummary y = of(b);
    List<String> out = new ArrayList<>();
    if (!x.ekus.equals(y.ekus)) {
      out.add("EKUs " + x.ekus + " -> " + y.ekus);
    }
    if (!x.disabled.equals(y.disabled)) {
      out.add("disable date " + x.disabled + " -> " + y.disabled);
    }
    if (!x.notBefore.equals(y.notBefore)) {
      out.add("NotBefore " + x.notBefore + " -> " + y.notBefore);
    }
    if (!x.policies.equals(y.policies)) {
      out.add("EV policies " + x.policies + " -> " + y.policies);
    }
    return String.join("; ", out);
  }
}
