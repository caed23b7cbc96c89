/**
 * A Port-compatible API server for tests, benchmarks and the runtime's embedded default: {@link
 * dev.oceanj.emulator.PortEmulator#start(EmulatorSettings)}.
 */
package dev.oceanj.emulator;
