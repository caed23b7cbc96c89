/**
 * The 3rd-party HTTP helper integrations use instead of a bare client ({@link dev.oceanj.spi.http.ThirdPartyHttp},
 * from {@link dev.oceanj.spi.IntegrationDefinition#http}), and streamed reading of large JSON pages
 * ({@link dev.oceanj.spi.http.JsonItems}).
 *
 * @since 0.2
 */
package dev.oceanj.spi.http;
