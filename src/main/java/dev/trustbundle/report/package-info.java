/**
 * What TrustBundle tells people and scripts: the inspection of trust-list files, certificates,
 * stores and bundles; the comparison of two lists or bundles ({@code diff}: entries added, removed
 * and changed, in words); and their renderings: text for administrators, JSON for scripts, and
 * self-contained HTML pages (diff, build report, and the shared style the mirror's status page
 * uses). Pure: callers pass bytes and the evaluation time and get strings back; nothing here reads
 * files, the network or the clock.
 *
 * <p>May import {@code cab}, {@code ctl}, {@code verify}, {@code bundle} (manifest and archive
 * models) and {@code error}; never {@code serve}, {@code client} or {@code cli}.
 */
package dev.trustbundle.report;
