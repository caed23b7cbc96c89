/**
 * The integration author's API: an {@link dev.oceanj.spi.Integration} declares, per kind, where its raw
 * objects come from. JDK and Jackson types only, so integrations survive runtime upgrades and test without
 * an actor system. This artifact ({@code oceanj-spi}) is all an integration depends on. The runtime's side
 * (discovery, recorded declarations, {@code .port} files) is in {@code dev.oceanj.spi.host} in the
 * {@code oceanj-spi-host} artifact; the test harness ({@code dev.oceanj.spi.testing.ResyncHarness}) ships in
 * that artifact's test-jar, which an integration's tests depend on.
 *
 * <p>{@link dev.oceanj.spi.ResyncSource}'s three records ({@code Single}, {@code Paged}, {@code Published}) are
 * API: they are the sealed set of shapes a host matches on, holding exactly the functions the author gave.
 *
 * @since 0.1
 */
package dev.oceanj.spi;
