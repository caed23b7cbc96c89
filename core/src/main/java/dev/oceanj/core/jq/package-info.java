/**
 * The jq engine, compatible with Port Ocean's: {@link dev.oceanj.core.jq.JqEngine} compiles programs with Ocean's
 * rewrites into thread-safe {@link dev.oceanj.core.jq.JqProgram}s, with jq's builtins, dates, numbers, regexes and
 * error texts; {@link dev.oceanj.core.jq.IntegrationJq} is the engine as integrations see it through the SPI.
 */
package dev.oceanj.core.jq;
