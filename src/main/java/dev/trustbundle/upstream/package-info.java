/**
 * Fetching from the upstream (Microsoft's Windows Update CTL folder, another TrustBundle mirror, a
 * {@code certutil -syncWithWU} folder) and from the URLs a profile names: bounded concurrency,
 * per-request timeouts, retries with exponential backoff and jitter honouring {@code Retry-After},
 * size limits, truncation detection, URL rewriting, and a conditional-request cache whose entries
 * are written only after the caller has verified them. Every byte it returns is unverified. Plain
 * http is spoken by a client of its own (bounded HTTP/1.1 parsing, quick ACKs), https and proxies
 * by the JDK's.
 *
 * <p>May import {@code verify}, {@code ctl}, {@code cab} and {@code error}; never {@code bundle},
 * {@code store}, {@code serve} or {@code cli}.
 */
package dev.trustbundle.upstream;
