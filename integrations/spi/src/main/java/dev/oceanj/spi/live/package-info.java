/**
 * Live events: processors of 3rd-party webhooks ({@link dev.oceanj.spi.live.LiveEventProcessor}, or
 * {@link dev.oceanj.spi.live.KindProcessor} for the one-statement case) and ready-made authenticators for them.
 * {@link dev.oceanj.spi.Incubating}: the shape may still change in a minor version.
 */
@Incubating
package dev.oceanj.spi.live;

import dev.oceanj.spi.Incubating;
