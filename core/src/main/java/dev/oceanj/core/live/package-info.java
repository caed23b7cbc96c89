/** The durable intake of live events: an append-only, fsynced log of acknowledged webhooks and their dead letters. */
package dev.oceanj.core.live;
