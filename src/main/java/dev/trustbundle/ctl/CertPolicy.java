package dev.trustbundle.ctl;

import java.util.List;
import java.util.Objects;

/**
 * One PolicyInformation of the root-program policies attribute (83): typically an EV policy OID,
 * with Microsoft's root-program qualifiers kept raw.
 *
 * @param oid the policy identifier
 * @param qualifierOids the policyQualifierId of each qualifier
 */
public record CertPolicy(String oid, List<String> qualifierOids) {
  public CertPolicy {
    Objects.requireNonNull(oid, "oid");
    qualifierOids = List.copyOf(qualifierOids);
  }
}
