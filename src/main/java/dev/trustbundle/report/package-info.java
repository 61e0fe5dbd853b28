/**
 * What TrustBundle tells people and scripts: the inspection of trust-list files, certificates, CRLs
 * and stores, rendered as text for administrators and as JSON for scripts. Pure: callers pass bytes
 * and the evaluation time; rendering writes to a caller's {@link java.lang.Appendable}.
 *
 * <p>May import {@code cab}, {@code ctl}, {@code verify} and {@code error} (and, later, {@code
 * bundle} and {@code store} models); never {@code serve}, {@code client} or {@code cli}.
 */
package dev.trustbundle.report;
