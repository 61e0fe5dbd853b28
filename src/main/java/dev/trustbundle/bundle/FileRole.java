package dev.trustbundle.bundle;

import java.util.Optional;

/**
 * The closed set of roles a bundle's file may have, with the label the manifest stores. Which path
 * a role may sit at, and how a file of that role is verified, is {@link BundleCheck}'s.
 */
public enum FileRole {
  /** A list cabinet ({@code mirror/*.cab}) or {@code mirror/authroot.stl}. */
  LIST("list"),
  /** {@code mirror/authrootseq.txt}. */
  SEQUENCE("sequence"),
  /** {@code mirror/disallowedcert.sst}. */
  STORE("store"),
  /** {@code mirror/<SHA1>.crt} named by the authroot list. */
  ROOT("root"),
  /** {@code mirror/<SHA1>.crt} that left the list, kept for the grace period. */
  REMOVED_ROOT("removed-root"),
  /** {@code extra/roots/<SHA1>.crt}: a profile root outside Microsoft's list. */
  EXTRA_ROOT("extra-root"),
  /** {@code extra/intermediates/<SHA1>.crt}: a profile intermediate. */
  INTERMEDIATE("intermediate"),
  /** {@code crl/<host>/<path>}: a profile CRL. */
  CRL("crl"),
  /** {@code client/...}: generated client configuration, never served. */
  CLIENT("client");

  private final String label;

  FileRole(String label) {
    this.label = label;
  }

  /** The manifest's word for it. */
  public String label() {
    return label;
  }

  /** The role with this manifest label. */
  public static Optional<FileRole> of(String label) {
    for (FileRole r : values()) {
      if (r.label.equals(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
