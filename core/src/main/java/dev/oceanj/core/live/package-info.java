/** Live events in the engine: the durable log of acknowledged webhooks (and their dead letters), the path matcher, the cached mapping and the write to Port. */
package dev.oceanj.core.live;
