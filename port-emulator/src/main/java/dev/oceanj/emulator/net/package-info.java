/**
 * A company network in a box, for tests and demonstrations: a forward proxy on loopback
 * ({@link dev.oceanj.emulator.net.ForwardProxy}) and a private certificate authority
 * ({@link dev.oceanj.emulator.net.PrivateCa}) for the emulator over HTTPS.
 */
package dev.oceanj.emulator.net;
