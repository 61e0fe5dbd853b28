package dev.trustbundle.cli;

import dev.trustbundle.error.UsageException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Passphrases from {@code env:VAR}, {@code file:PATH} or the terminal; never from the command line.
 */
final class Secrets {
  private Secrets() {}

  /**
   * Longest passphrase accepted, in bytes (UTF-8): every source is read only this far, so that
   * {@code file:/dev/zero} or a huge file cannot exhaust the heap.
   */
  static final int MAX_BYTES = 4096;

  /** Resolves {@code env:VAR} or {@code file:PATH} (the file's first line). */
  static char[] resolve(String spec, String flag) {
    if (spec.startsWith("env:")) {
      String v = System.getenv(spec.substring(4));
      if (v == null) {
        throw new UsageException(flag + " " + spec + ": the environment variable is not set");
      }
      if (v.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
        throw tooLong(flag, spec);
      }
      return v.toCharArray();
    }
    if (spec.startsWith("file:")) {
      Path p = Path.of(spec.substring(5));
      return firstLine(p, flag, spec);
    }
    throw new UsageException(
        flag
            + " takes env:VAR or file:PATH (a passphrase on the command line would be visible to"
            + " other users)");
  }

  /** The first line of the file, read at most {@link #MAX_BYTES} (plus its line end) far. */
  private static char[] firstLine(Path p, String flag, String spec) {
    byte[] head;
    try (InputStream in = Files.newInputStream(p)) {
      head = in.readNBytes(MAX_BYTES + 2);
    } catch (IOException e) {
      throw new UsageException(flag + " " + spec + ": cannot be read (" + e.getMessage() + ")");
    }
    int end = 0;
    while (end < head.length && head[end] != '\n') {
      end++;
    }
    int len = end > 0 && head[end - 1] == '\r' ? end - 1 : end;
    if (len > MAX_BYTES) {
      throw tooLong(flag, spec);
    }
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(head, 0, len));
      char[] out = new char[chars.remaining()];
      chars.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new UsageException(flag + " " + spec + ": the first line is not UTF-8 text");
    } finally {
      Arrays.fill(head, (byte) 0);
    }
  }

  private static UsageException tooLong(String flag, String spec) {
    return new UsageException(
        flag + " " + spec + ": the passphrase is longer than " + MAX_BYTES + " bytes; refused");
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
