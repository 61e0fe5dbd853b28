package dev.trustbundle.serve;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 5.6.7): written as IMF-fixdate only ({@code Sun, 06 Nov 1994 08:49:37 GMT},
 * the day always two digits), read in all three forms a recipient must accept: IMF-fixdate, the
 * obsolete RFC 850 form ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov 6
 * 08:49:37 1994}).
 */
final class HttpDates {
  private HttpDates() {}

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);

  // A two-digit year that looks more than 50 years in the future is in the past (RFC 9110
  // 5.6.7): years 70..99 are 1970..1999, 00..69 are 2000..2069.
  private static final DateTimeFormatter RFC_850 =
      new DateTimeFormatterBuilder()
          .appendPattern("EEEE, dd-MMM-")
          .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
          .appendPattern(" HH:mm:ss 'GMT'")
          .toFormatter(Locale.US)
          .withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US).withZone(ZoneOffset.UTC);

  private static final List<DateTimeFormatter> READ = List.of(IMF_FIXDATE, RFC_850, ASCTIME);

  /** The IMF-fixdate of an instant, to the second. */
  static String format(Instant t) {
    return IMF_FIXDATE.format(t);
  }

  /** The instant an HTTP date names, in any of the three forms; empty when it is none. */
  static Optional<Instant> parse(String value) {
    if (value == null || value.length() > 64) {
      return Optional.empty();
    }
    String v = value.trim();
    for (DateTimeFormatter f : READ) {
      try {
        return Optional.of(f.parse(v, Instant::from));
      } catch (java.time.format.DateTimeParseException e) {
        // try the next form
      }
    }
    return Optional.empty();
  }
}
