/**
 * The integration author's API: an {@link dev.oceanj.spi.Integration} declares, per kind, where its raw
 * objects come from. JDK and Jackson types only, so integrations survive runtime upgrades and test without
 * an actor system. The runtime's side (discovery, recorded declarations, {@code .port} files) is in
 * {@code dev.oceanj.spi.host}; the test harness ({@code dev.oceanj.spi.testing.ResyncHarness}) ships in this
 * module's test-jar.
 *
 * @since 0.1
 */
package dev.oceanj.spi;
