/**
 * The signed bundle: its manifest ({@code manifest.json}), the detached CMS signature over it
 * ({@code manifest.json.p7s}), the reproducible {@code .tar.gz} archive, publisher keys, and the
 * build that fetches, verifies and assembles everything. Pure apart from what it is handed: bytes
 * arrive through {@code upstream}'s fetcher and archives are written to a caller's stream.
 *
 * <p>May import {@code upstream}, {@code profile}, {@code verify}, {@code ctl}, {@code cab} and
 * {@code error}; never {@code store}, {@code serve}, {@code client}, {@code report} or {@code cli}.
 */
package dev.trustbundle.bundle;
