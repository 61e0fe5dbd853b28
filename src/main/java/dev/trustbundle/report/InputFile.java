package dev.trustbundle.report;

import java.util.Objects;

/**
 * A file handed to the inspector.
 *
 * @param path how to name it in output (the path the user gave)
 * @param fileName its base name, which can promise a list kind or a SHA-1
 * @param data its bytes
 */
public record InputFile(String path, String fileName, byte[] data) {
  public InputFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(data, "data");
  }
}
