/**
 * Client configuration for Windows computers that use the mirror (reference section 2): the
 * registry values that point automatic root certificate update at it ({@code RootDirUrl} and the
 * AuthRoot policy values), written as a regedit {@code .reg} file, a {@code Registry.pol} in the
 * PReg format for LGPO, an ADMX/ADML pair for the Group Policy Central Store and a PowerShell
 * script that also imports the bundle's extra certificates and forces a resync. Pure generation:
 * every method returns bytes or text; the caller writes them. Also reads {@code Registry.pol} back,
 * strictly and bounded.
 *
 * <p>May import {@code store}, {@code bundle}, {@code verify}, {@code ctl}, {@code cab} and {@code
 * error}; only {@code cli} imports it (the build passes its generated files to {@code bundle} as
 * bytes, so {@code bundle} never depends on it).
 */
package dev.trustbundle.client;
