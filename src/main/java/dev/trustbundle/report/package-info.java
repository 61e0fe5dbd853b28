/**
 * What TrustBundle tells people and scripts: the inspection of trust-list files, certificates, CRLs
 * and stores; list comparison ({@code diff}); {@code check}'s chain report with its fixes and the
 * bundle's items by time left ({@link dev.trustbundle.report.BundleTrust} reads a verified bundle's
 * trust material); and {@code endpoints}' revocation hosts. Rendered as text for administrators, as
 * JSON (or CSV) for scripts, and as self-contained HTML pages (diff, build report, and the shared
 * style the mirror's status page uses). Pure: callers pass bytes, manifests and the evaluation time
 * and get strings back; nothing here reads files, the network or the clock.
 *
 * <p>May import {@code cab}, {@code ctl}, {@code verify}, {@code bundle} (manifest and archive
 * models) and {@code error}; never {@code serve}, {@code client} or {@code cli}.
 */
package dev.trustbundle.report;
