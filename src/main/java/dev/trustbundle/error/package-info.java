/**
 * The one exception hierarchy of TrustBundle. Every failure a user can cause or meet is a {@link
 * dev.trustbundle.error.TrustBundleException} subclass whose message says what is wrong and what to
 * do; the {@code cli} package maps the subclasses to exit codes in one place. {@link
 * dev.trustbundle.error.Messages} turns a library's exception message into such text.
 *
 * <p>Imports nothing from other TrustBundle packages.
 */
package dev.trustbundle.error;
