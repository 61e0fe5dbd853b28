/**
 * Verification of Microsoft's trust lists and the roots they list (reference section 4): the PKCS#7
 * message digest and RSA signature over the exact bytes received, the signer chain to a pinned
 * Microsoft root validated at the list's thisUpdate, and each root certificate against its CTL
 * entry. And chain building for {@code check}: a server's chain against what a bundle carries
 * ({@link dev.trustbundle.verify.ChainBuilder}), the authroot list's attributes of its root for one
 * EKU ({@link dev.trustbundle.verify.RootPolicy}), and certificate extensions read with Bouncy
 * Castle ({@link dev.trustbundle.verify.CertExtensions}). Pure: the evaluation time is passed in,
 * root certificate bytes come through {@link dev.trustbundle.verify.AnchorSource} or a {@link
 * dev.trustbundle.verify.TrustMaterial}, and nothing here does I/O.
 *
 * <p>May import {@code dev.trustbundle.ctl}, {@code dev.trustbundle.cab} and {@code
 * dev.trustbundle.error}; never {@code upstream}, {@code bundle}, {@code store}, {@code serve} or
 * {@code cli}.
 */
package dev.trustbundle.verify;
