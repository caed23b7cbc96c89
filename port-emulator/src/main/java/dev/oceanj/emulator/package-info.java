/** oceanj emulator. */
package dev.oceanj.emulator;
