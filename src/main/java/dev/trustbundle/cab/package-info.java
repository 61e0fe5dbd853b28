/**
 * Reads Microsoft cabinet files (MS-CAB, "MSCF") with no compression or MSZIP compression (MS-MCI),
 * as Microsoft publishes {@code authrootstl.cab} and its siblings. Pure: works on bytes, does no
 * I/O, and bounds every size and loop so that hostile input ends in a {@link
 * dev.trustbundle.cab.CabFormatException}.
 *
 * <p>May import only {@code dev.trustbundle.error}.
 */
package dev.trustbundle.cab;
