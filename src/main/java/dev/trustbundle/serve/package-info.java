/**
 * The mirror server (embedded Jetty 12, core handlers): republishes the active version's files
 * exactly as Windows clients expect them (reference section 2), plus CRLs and extra certificates at
 * their original URLs, a status page, health and metrics. Each request is served wholly from one
 * in-memory snapshot of a version; a newly imported version replaces it without a restart.
 *
 * <p>May import {@code store}, {@code bundle}, {@code report}, {@code verify}, {@code ctl} and
 * {@code error}; never {@code cli}.
 */
package dev.trustbundle.serve;
