/**
 * The disconnected side's state: verified bundle versions on disk, the atomically switched active
 * version, the rollback guard, the history, and the lock that excludes concurrent imports. Every
 * change is written under a temporary name, synced, and renamed into place, so that a crash leaves
 * the previous state intact.
 *
 * <p>May import {@code bundle}, {@code verify}, {@code ctl}, {@code cab} and {@code error}; never
 * {@code serve}, {@code client}, {@code report} or {@code cli}.
 */
package dev.trustbundle.store;
