/** Storage of the Port emulator: an in-memory store and an H2 file-backed store with the same semantics. */
package dev.oceanj.emulator.store;
