package dev.trustbundle.cli;

import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Reading files and flag values with the limits and messages the CLI promises. */
final class Inputs {
  /** Largest file any command reads whole: far above any CTL, store or certificate. */
  static final long MAX_FILE = 64L * 1024 * 1024;

  private Inputs() {}

  /**
   * Reads a whole regular file, refusing directories, devices and pipes (which could block),
   * missing files and files over {@link #MAX_FILE}.
   */
  static byte[] read(Path p) {
    if (Files.isDirectory(p)) {
      throw new UsageException(p + " is a directory; name the files to read");
    }
    if (Files.exists(p) && !Files.isRegularFile(p)) {
      throw new UsageException(p + " is not a regular file (a pipe or device); name a file");
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] data = in.readNBytes((int) MAX_FILE + 1);
      if (data.length > MAX_FILE) {
        throw new MalformedInputException(
            p + " is larger than " + (MAX_FILE >> 20) + " MiB, far above any trust list; refused");
      }
      return data;
    } catch (NoSuchFileException e) {
      throw new UsageException(p + ": no such file");
    } catch (IOException e) {
      throw new UsageException(p + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  /** The evaluation time: --at when given, else now; read once per run. */
  static Instant now(String at) {
    return at != null ? time(at) : java.time.Clock.systemUTC().instant();
  }

  /** Parses --at: an ISO-8601 instant, a date-time with offset, or a date (midnight UTC). */
  static Instant time(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      // try the other forms
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // try a date
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--at " + s + " is not a time; use 2026-11-23 or 2026-11-23T08:00:00Z");
    }
  }
}
