/**
 * Port's REST API as the runtime uses it. {@link dev.oceanj.core.port.PortClient} is the union the wiring builds
 * ({@link dev.oceanj.core.port.HttpPortClient}, over its own HTTP/1.1 pool, token handling and retries); consumers
 * take the role they use: {@link dev.oceanj.core.port.EntityWrites}, {@link dev.oceanj.core.port.CatalogListing},
 * {@link dev.oceanj.core.port.ResyncPort}, {@link dev.oceanj.core.port.IntegrationRecord},
 * {@link dev.oceanj.core.port.PortSetup}, {@link dev.oceanj.core.port.PortOrganization}. Every write passes the
 * organisation-wide {@link dev.oceanj.core.port.WriteLimiter}.
 */
package dev.oceanj.core.port;
