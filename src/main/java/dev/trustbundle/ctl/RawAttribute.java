package dev.trustbundle.ctl;

import java.util.List;
import java.util.Objects;

/**
 * An attribute kept as received: its type and the DER encoding of each value.
 *
 * @param oid the attribute type
 * @param values each value's full DER encoding
 */
public record RawAttribute(String oid, List<byte[]> values) {
  public RawAttribute {
    Objects.requireNonNull(oid, "oid");
    values = List.copyOf(values);
  }
}
