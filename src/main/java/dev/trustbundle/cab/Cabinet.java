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
   * The trust list a CTL cabinet carries: its one member, whose name ends in {@code .stl} (any
   * case). Microsoft's list cabinets hold exactly one file (reference 3.7: cFiles = 1); a cabinet
   * with more members is refused, since tools that take "the first .stl" and tools that look a
   * member up by name would then read different lists.
   */
  public CabEntry list() {
    if (entries.size() != 1) {
      throw new CabFormatException(
          "the cabinet holds "
              + entries.size()
              + " members "
              + names()
              + "; a trust list cabinet holds exactly one .stl file");
    }
    CabEntry only = entries.get(0);
    if (!only.name().toLowerCase(java.util.Locale.ROOT).endsWith(".stl")) {
      throw new CabFormatException("the cabinet holds no .stl list (it holds " + names() + ")");
    }
    return only;
  }

  /**
   * The one member a list cabinet must hold, named {@code expected} (compared case-insensitively,
   * as Windows does): anything else in the cabinet, or another name, is refused.
   */
  public CabEntry sole(String expected) {
    if (entries.size() != 1 || !entries.get(0).name().equalsIgnoreCase(expected)) {
      throw new CabFormatException(
          "the cabinet must hold exactly one member, " + expected + ", but holds " + names());
    }
    return entries.get(0);
  }

  private String names() {
    List<String> n = new java.util.ArrayList<>();
    for (CabEntry e : entries) {
      String name = e.name();
      n.add(name.length() > 60 ? name.substring(0, 60) + "..." : name);
      if (n.size() == 5 && entries.size() > 5) {
        n.add("... " + (entries.size() - 5) + " more");
        break;
      }
    }
    return n.toString();
  }
}
