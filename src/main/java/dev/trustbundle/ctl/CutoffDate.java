package dev.trustbundle.ctl;

import java.time.Instant;
import java.util.Objects;

/**
 * A FILETIME attribute of a CTL entry (disable date 104, NotBefore 126): a date, or empty, which
 * means "since forever" (reference 3.3).
 */
public sealed interface CutoffDate {
  /** The attribute is present and empty: the cut-off applies to every certificate. */
  record Always() implements CutoffDate {
    @Override
    public String describe() {
      return "always";
    }
  }

  /** The attribute holds this date. */
  record At(Instant instant) implements CutoffDate {
    public At {
      Objects.requireNonNull(instant, "instant");
    }

    @Override
    public String describe() {
      return instant.toString();
    }
  }

  /** "always" or an ISO-8601 instant. */
  String describe();
}
