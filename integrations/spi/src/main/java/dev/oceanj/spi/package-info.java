/**
 * The integration author's API: an {@link dev.oceanj.spi.Integration} declares, per kind, where its raw
 * objects come from. JDK and Jackson types only, so integrations survive runtime upgrades and test without
 * an actor system.
 *
 * @since 0.1
 */
package dev.oceanj.spi;
