/**
 * The network as a company runs it: proxies from the environment ({@link dev.oceanj.core.net.ProxyRules}), extra
 * trusted certificates ({@link dev.oceanj.core.net.Trust}), and the JDK HTTP clients built with both
 * ({@link dev.oceanj.core.net.HttpClients}) for integrations' third-party calls and telemetry.
 */
package dev.oceanj.core.net;
