/**
 * The hosting side of the SPI (the {@code oceanj-spi-host} artifact, apart from the author's {@code oceanj-spi}),
 * called by the runtime and by test harnesses, never by integration authors:
 * discovery ({@link dev.oceanj.spi.host.Integrations}), the recorded declarations of one integration
 * ({@link dev.oceanj.spi.host.DefinedIntegration}), one full resync with its bound selectors, cache and hooks
 * ({@link dev.oceanj.spi.host.ResyncScope}, since 0.2) and its {@code .port} files
 * ({@link dev.oceanj.spi.host.IntegrationResources}).
 *
 * @since 0.1
 */
package dev.oceanj.spi.host;
