/**
 * The port-app-config (mapping) model and the entity mapper: parse Ocean's YAML/JSON mapping, compile every
 * jq expression once, then turn raw items into Port entities with Ocean's semantics.
 */
package dev.oceanj.core.mapping;
