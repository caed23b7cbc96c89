/**
 * Port Ocean's generic HTTP integration ({@code custom}): {@link dev.oceanj.integrations.custom.CustomIntegration}
 * reads any REST API from configuration only, each mapping resource's kind an endpoint path and its selector
 * ({@link dev.oceanj.integrations.custom.EndpointSelector}) how to call it: authentication, pagination, the data
 * path and fan-out over a parent kind.
 */
package dev.oceanj.integrations.custom;
