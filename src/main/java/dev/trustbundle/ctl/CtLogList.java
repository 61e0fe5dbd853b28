package dev.trustbundle.ctl;

import java.util.List;

/**
 * The certificate-transparency log list extension (1.3.6.1.4.1.311.10.3.52, reference 3.5).
 *
 * @param header the leading integer triple, whose meaning is unconfirmed
 * @param keyAlgorithms one description per log key, e.g. {@code EC P-256}
 */
public record CtLogList(List<Long> header, List<String> keyAlgorithms) {
  public CtLogList {
    header = List.copyOf(header);
    keyAlgorithms = List.copyOf(keyAlgorithms);
  }

  /** Number of log keys. */
  public int count() {
    return keyAlgorithms.size();
  }
}
