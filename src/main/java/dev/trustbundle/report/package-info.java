/**
 * What TrustBundle tells people and scripts: the inspection of trust-list files, certificates and
 * stores; {@code check}'s chain report with its fixes and the bundle's items by time left ({@link
 * dev.trustbundle.report.BundleTrust} reads a verified bundle's trust material); and {@code
 * endpoints}' revocation hosts. Rendered as text for administrators and as JSON (or CSV) for
 * scripts. Pure: callers pass bytes, manifests and the evaluation time, and get strings back.
 *
 * <p>May import {@code cab}, {@code ctl}, {@code verify}, {@code error} and {@code bundle}'s models
 * (and, later, {@code store}'s); never {@code serve}, {@code client} or {@code cli}.
 */
package dev.trustbundle.report;
