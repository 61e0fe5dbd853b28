package dev.trustbundle.cab;

import java.time.LocalDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * One file extracted from a cabinet.
 *
 * @param name the file name as stored (CFFILE.szName)
 * @param data the uncompressed bytes
 * @param modified the MS-DOS date and time stored with the file, when it is a valid date
 * @param attributes CFFILE.attribs
 */
public record CabEntry(String name, byte[] data, Optional<LocalDateTime> modified, int attributes) {
  public CabEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(modified, "modified");
  }

  /** Size in bytes. */
  public int size() {
    return data.length;
  }
}
