package dev.trustbundle.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The comparison of two inputs ({@code .cab}/{@code .stl} lists or bundles): how each side
 * verified, and for each list kind compared, what changed.
 *
 * @param before the old side as {@code inspect} found it (status, signature, bundle check)
 * @param after the new side likewise
 * @param lists one diff per list kind compared, in {@link dev.trustbundle.ctl.CtlKind} order
 * @param notes remarks on the comparison (a newer list on the old side, the same list twice)
 * @param evaluatedAt the time verification was evaluated at
 */
public record DiffReport(
    FileReport before,
    FileReport after,
    List<CtlDiff> lists,
    List<String> notes,
    Instant evaluatedAt) {
  public DiffReport {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    lists = List.copyOf(lists);
    notes = List.copyOf(notes);
    Objects.requireNonNull(evaluatedAt, "evaluatedAt");
  }

  /** Whether no list has any difference. */
  public boolean identical() {
    return lists.stream().allMatch(CtlDiff::identical);
  }

  /** Whether both sides verified. */
  public boolean bothVerified() {
    return before.status() == FileReport.Status.VALID && after.status() == FileReport.Status.VALID;
  }

  /** Why a side does not verify, one line per reason; empty when it does. */
  public static List<String> problems(FileReport r) {
    if (r.bundle().isPresent()) {
      return r.bundle().get().problems();
    }
    List<String> out = new java.util.ArrayList<>();
    r.verification().ifPresent(v -> out.addAll(v.failures()));
    r.roots().ifPresent(rc -> out.addAll(rc.mismatches()));
    r.error().ifPresent(out::add);
    return out;
  }
}
