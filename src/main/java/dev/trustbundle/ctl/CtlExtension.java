package dev.trustbundle.ctl;

import java.util.Objects;

/**
 * One extension of the list ({@code ctlExtensions}).
 *
 * @param oid extnID
 * @param critical the critical flag
 * @param value the extnValue contents, as received
 */
public record CtlExtension(String oid, boolean critical, byte[] value) {
  public CtlExtension {
    Objects.requireNonNull(oid, "oid");
    Objects.requireNonNull(value, "value");
  }
}
