/**
 * The command line (picocli): parses flags, reads files, wires the stages together, prints, and
 * maps every {@link dev.trustbundle.error.TrustBundleException} to an exit code in {@link
 * dev.trustbundle.cli.ExitCodes}. Wiring only: no format, verification or report logic lives here.
 *
 * <p>May import every other TrustBundle package; nothing imports it.
 */
package dev.trustbundle.cli;
