package dev.trustbundle.cab;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed cabinet.
 *
 * @param compression the compression of each folder, in folder order
 * @param entries the files, in CFFILE order
 */
public record Cabinet(List<CompressionType> compression, List<CabEntry> entries) {
  public Cabinet {
    compression = List.copyOf(Objects.requireNonNull(compression, "compression"));
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
  }

  /** The entry with this name, compared case-insensitively as Windows does. */
  public Optional<CabEntry> entry(String name) {
    return entries.stream().filter(e -> e.name().equalsIgnoreCase(name)).findFirst();
  }

  /**
   * The trust list a CTL cabinet carries: the first member whose name ends in {@code .stl} (any
   * case), or a one-line error naming what the cabinet holds instead.
   */
  public CabEntry list() {
    return entries.stream()
        .filter(e -> e.name().toLowerCase(java.util.Locale.ROOT).endsWith(".stl"))
        .findFirst()
        .orElseThrow(
            () ->
                new CabFormatException(
                    "the cabinet holds no .stl list (it holds "
                        + entries.stream().map(CabEntry::name).toList()
                        + ")"));
  }
}
