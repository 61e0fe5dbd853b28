/**
 * Bundle profiles: the YAML files in {@code bundles/} that say which extra roots, intermediates and
 * CRLs a bundle carries beyond Microsoft's lists. Parsing is strict (unknown keys are errors) and
 * every rule is checked with a message that names the file, the line and the item. Pure: parses
 * bytes.
 *
 * <p>May import {@code verify}, {@code ctl} and {@code error}; never {@code upstream}, {@code
 * bundle}, {@code store}, {@code serve} or {@code cli}.
 */
package dev.trustbundle.profile;
