/** Live events: processors of 3rd-party webhooks and ready-made authenticators for them. */
package dev.oceanj.spi.live;
