/**
 * Microsoft's trust-list formats: the PKCS#7 SignedData envelope of a certificate trust list (CTL),
 * the CTL itself ([MS-CAESO], wincrypt.h {@code CTL_INFO}) with every per-entry attribute, and
 * serialized certificate stores ({@code .sst}). Pure: parses bytes, keeps the raw bytes next to the
 * parsed model, does no I/O and no verification. Malformed input ends in a {@link
 * dev.trustbundle.ctl.CtlFormatException} naming the field and offset.
 *
 * <p>May import only {@code dev.trustbundle.error}.
 */
package dev.trustbundle.ctl;
