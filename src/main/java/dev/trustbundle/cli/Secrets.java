package dev.trustbundle.cli;

import dev.trustbundle.error.UsageException;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Passphrases from {@code env:VAR}, {@code file:PATH} or the terminal; never from the command line.
 */
final class Secrets {
  private Secrets() {}

  /** Resolves {@code env:VAR} or {@code file:PATH} (the file's first line). */
  static char[] resolve(String spec, String flag) {
    if (spec.startsWith("env:")) {
      String v = System.getenv(spec.substring(4));
      if (v == null) {
        throw new UsageException(flag + " " + spec + ": the environment variable is not set");
      }
      return v.toCharArray();
    }
    if (spec.startsWith("file:")) {
      Path p = Path.of(spec.substring(5));
      try {
        String s = Files.readString(p, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        String line = (nl >= 0 ? s.substring(0, nl) : s).replace("\r", "");
        return line.toCharArray();
      } catch (IOException e) {
        throw new UsageException(flag + " " + spec + ": cannot be read (" + e.getMessage() + ")");
      }
    }
    throw new UsageException(
        flag
            + " takes env:VAR or file:PATH (a passphrase on the command line would be visible to"
            + " other users)");
  }

  /** Asks on the terminal, twice when {@code confirm}; refuses without a terminal. */
  static char[] ask(String prompt, boolean confirm, String flag) {
    Console c = System.console();
    if (c == null) {
      throw new UsageException(
          "no terminal to ask for a passphrase; give " + flag + " env:VAR or file:PATH");
    }
    char[] a = c.readPassword("%s: ", prompt);
    if (a == null || a.length == 0) {
      throw new UsageException("an empty passphrase is not accepted");
    }
    if (confirm) {
      char[] b = c.readPassword("%s (again): ", prompt);
      if (b == null || !Arrays.equals(a, b)) {
        throw new UsageException("the two passphrases differ");
      }
    }
    return a;
  }
}
