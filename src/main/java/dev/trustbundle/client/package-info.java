/**
 * The Windows client side: the configuration that points Windows computers at a mirror, and the
 * probe that acts as a Windows client.
 *
 * <p>Configuration (reference section 2): the registry values that point automatic root certificate
 * update at the mirror ({@code RootDirUrl} and the AuthRoot policy values), written as a regedit
 * {@code .reg} file, a {@code Registry.pol} in the PReg format for LGPO (also read back, strictly
 * and bounded), an ADMX/ADML pair for the Group Policy Central Store and a PowerShell script that
 * also imports the bundle's extra certificates and forces a resync. Generation is pure: it returns
 * bytes; the caller writes them.
 *
 * <p>{@code probe} checks any mirror (ours, IIS, nginx, a file share, Microsoft's own folder) the
 * way a client uses it (reference 2.4): random query strings, the CryptoAPI User-Agent, conditional
 * requests, the lists verified as {@code inspect} verifies them, and the {@code <SHA1>.crt} roots
 * in both cases.
 *
 * <p>May do I/O (the probe's HTTP requests and reading {@code file:} folders). May import {@code
 * store}, {@code bundle}, {@code upstream}, {@code verify}, {@code ctl}, {@code cab} and {@code
 * error}; never {@code serve}, {@code report} or {@code cli}. Only {@code cli} imports it (the
 * build passes generated files to {@code bundle} as bytes, so {@code bundle} never depends on it).
 */
package dev.trustbundle.client;
