package dev.trustbundle.ctl;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The three lists Microsoft publishes, recognised by subjectUsage (reference 3.4). */
public enum CtlKind {
  AUTHROOT("authroot", Oids.ROOT_LIST_SIGNER, null, "authroot.stl", "authrootstl.cab"),
  DISALLOWEDCERT(
      "disallowedcert",
      Oids.DISALLOWED_LIST,
      "DisallowedCert_AutoUpdate_1",
      "disallowedcert.stl",
      "disallowedcertstl.cab"),
  PINRULES(
      "pinrules", Oids.PIN_RULES_CTL, "PinRules_AutoUpdate_1", "pinrules.stl", "pinrulesstl.cab");

  private final String label;
  private final String subjectUsage;
  private final String listIdentifier;
  private final String stlName;
  private final String cabName;

  CtlKind(
      String label, String subjectUsage, String listIdentifier, String stlName, String cabName) {
    this.label = label;
    this.subjectUsage = subjectUsage;
    this.listIdentifier = listIdentifier;
    this.stlName = stlName;
    this.cabName = cabName;
  }

  /** Lower-case name used in output and JSON. */
  public String label() {
    return label;
  }

  /** The subjectUsage OID that identifies the list. */
  public String subjectUsage() {
    return subjectUsage;
  }

  /** The listIdentifier the list carries, if the list has one. */
  public Optional<String> listIdentifier() {
    return Optional.ofNullable(listIdentifier);
  }

  /** The name of the bare list upstream ({@code authroot.stl}). */
  public String stlName() {
    return stlName;
  }

  /** The name of the cabinet upstream ({@code authrootstl.cab}). */
  public String cabName() {
    return cabName;
  }

  /** The kind whose subjectUsage is in {@code usages}. */
  public static Optional<CtlKind> fromSubjectUsage(List<String> usages) {
    for (CtlKind k : values()) {
      if (usages.contains(k.subjectUsage)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * The kind a file name promises ({@code authrootstl.cab}, {@code authroot-2026-04-22.stl}, ...),
   * so that a list saved under another list's name is caught.
   */
  public static Optional<CtlKind> fromFileName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    for (CtlKind k : values()) {
      if (n.startsWith(k.label + ".")
          || n.startsWith(k.label + "-")
          || n.startsWith(k.label + "_")
          || n.startsWith(k.label + "stl")) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
