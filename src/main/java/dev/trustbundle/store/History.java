package dev.trustbundle.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code history.jsonl}: one JSON object a line, appended and synced. A crash can cut the last line
 * anywhere, even inside a UTF-8 sequence: reading skips any line that does not decode or parse, and
 * the next append first cuts the file back to its last complete line, so the damage never outlives
 * one append.
 */
final class History {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Appends in one JVM take turns (a second {@link FileChannel#lock} in the same JVM would throw);
   * the file lock excludes other processes.
   */
  private static final Object IN_PROCESS = new Object();

  private final Path file;

  History(Path file) {
    this.file = file;
  }

  /** Every entry that reads, oldest first. */
  List<JsonNode> read() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    byte[] all = Files.readAllBytes(file);
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length || all[i] == '\n') {
        JsonNode n = line(all, start, i);
        if (n != null) {
          out.add(n);
        }
        start = i + 1;
      }
    }
    return out;
  }

  /** One line as an object, or null when it is blank, cut or not JSON. */
  private static JsonNode line(byte[] all, int from, int to) {
    if (to <= from) {
      return null;
    }
    CharBuffer text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(all, from, to - from));
    } catch (CharacterCodingException e) {
      return null;
    }
    if (text.toString().isBlank()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text.toString());
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Appends one entry and syncs it, after cutting a damaged tail back to the last full line. */
  void append(ObjectNode entry) throws IOException {
    byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (IN_PROCESS) {
      try (FileChannel ch =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        long end = lastCompleteLine(ch);
        if (end < ch.size()) {
          ch.truncate(end);
        }
        ch.position(end);
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
        if (!lock.isValid()) {
          throw new IOException("the lock on " + file + " was lost");
        }
      }
    }
  }

  /** The offset just after the last newline (0 when there is none). */
  private static long lastCompleteLine(FileChannel ch) throws IOException {
    long size = ch.size();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long pos = size;
    while (pos > 0) {
      int n = (int) Math.min(buf.capacity(), pos);
      buf.clear().limit(n);
      long from = pos - n;
      while (buf.hasRemaining()) {
        if (ch.read(buf, from + buf.position()) < 0) {
          break;
        }
      }
      for (int i = n - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      pos = from;
    }
    return 0;
  }
}
