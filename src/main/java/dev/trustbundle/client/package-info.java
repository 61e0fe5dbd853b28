/**
 * The Windows client side: client configuration generation and the probe that acts as a Windows
 * client. It writes what points Windows clients at a mirror ({@code RootDirUrl} and the policies of
 * reference section 2), and {@code probe} checks any mirror (ours, IIS, nginx, a file share,
 * Microsoft's own folder) the way a client uses it (reference 2.4): random query strings, the
 * CryptoAPI User-Agent, conditional requests, the lists verified as {@code inspect} verifies them,
 * and the {@code <SHA1>.crt} roots in both cases.
 *
 * <p>May do I/O (HTTP requests and reading {@code file:} folders for the probe, writing
 * configuration files). May import {@code store}, {@code bundle}, {@code upstream}, {@code verify},
 * {@code ctl}, {@code cab} and {@code error}; never {@code serve}, {@code report} or {@code cli}.
 * Only {@code cli} may import it.
 */
package dev.trustbundle.client;
